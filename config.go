package main

import (
	"encoding/json"
	"os"
	"strings"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumiconfig "github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// loadConfig reads the project's stack config once into the typed config and checks every
// rule, returning all problems together. The settings registry, the parsing and every
// check of the settings themselves live in internal/config, which imports nothing of
// Pulumi's; this hands it the raw values. It registers nothing, so a bad config stops
// `pulumi preview` before any resource exists.
func loadConfig(ctx *pulumi.Context) (*config.Stack, error) {
	return config.Parse(rawConfig(ctx), config.Env{
		Secret:  func(key string) bool { return ctx.IsConfigSecret(ctx.Project() + ":" + key) },
		Project: ctx.Project(),
	})
}

// rawConfig is the project's settings as Pulumi hands them: every key the registry knows,
// and every other key in PULUMI_CONFIG, the variable through which the CLI hands a Go
// program its whole config, so that a misspelt key such as `desiredcount` is reported
// rather than silently ignored. Keys of other namespaces keep theirs (aws:region,
// other:azCount): Parse refuses those that name one of this project's settings.
func rawConfig(ctx *pulumi.Context) map[string]string {
	raw := map[string]string{}
	cfg := pulumiconfig.New(ctx, "")
	for _, key := range config.Keys() {
		if v, err := cfg.Try(key); err == nil {
			raw[key] = v
		}
	}
	var all map[string]any
	if json.Unmarshal([]byte(os.Getenv("PULUMI_CONFIG")), &all) != nil {
		return raw // unset (Automation API inline programs), or malformed, which the SDK itself rejects
	}
	for full, v := range all {
		key, ok := strings.CutPrefix(full, ctx.Project()+":")
		if !ok {
			key = full
		}
		if _, known := raw[key]; !known {
			raw[key], _ = v.(string)
		}
	}
	return raw
}
