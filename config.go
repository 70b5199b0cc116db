package main

import (
	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/config/stackconfig"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// loadConfig reads the project's stack config once into the typed config and checks every
// rule, returning all problems together. The settings registry, the parsing and every
// check of the settings themselves live in internal/config, which imports nothing of
// Pulumi's; this hands it the raw values. It registers nothing, so a bad config stops
// `pulumi preview` before any resource exists.
func loadConfig(ctx *pulumi.Context) (*config.Stack, error) {
	return config.Parse(stackconfig.Raw(ctx, config.Keys()), config.Env{
		Secret:  func(key string) bool { return ctx.IsConfigSecret(ctx.Project() + ":" + key) },
		Project: ctx.Project(),
	})
}
