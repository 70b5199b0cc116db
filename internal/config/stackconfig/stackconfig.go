// Package stackconfig hands a program's stack config to internal/config as the raw values
// it parses: what both Pulumi programs of the repository (the stack at the root, and
// bootstrap/) read the same way. internal/config imports nothing of Pulumi's; this is the
// one place that reads Pulumi's config for it.
package stackconfig

import (
	"encoding/json"
	"os"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumiconfig "github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// Raw is the project's settings as Pulumi hands them: every key of keys the project's
// config has, and every other key in PULUMI_CONFIG, the variable through which the CLI
// hands a Go program its whole config, so that a misspelt key such as `desiredcount` is
// reported rather than silently ignored. Keys of the project's namespace lose it; keys of
// other namespaces keep theirs (aws:region, other:azCount), and the parser refuses those
// that name one of the project's settings. Values are as Pulumi passes them: strings, JSON
// text for lists and objects.
func Raw(ctx *pulumi.Context, keys []string) map[string]string {
	raw := map[string]string{}
	cfg := pulumiconfig.New(ctx, "")
	for _, key := range keys {
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
