// Command gendocs rewrites the config section of the bootstrap's Pulumi.yaml from its
// settings registry (bootstrap/account/config.go). Run it from bootstrap/: go generate ./...
package main

import (
	"fmt"
	"os"

	"github.com/example/nlb-alb-fargate/bootstrap/account"
)

func main() {
	if err := run("Pulumi.yaml"); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func run(pulumiYAML string) error {
	old, err := os.ReadFile(pulumiYAML)
	if err != nil {
		return err
	}
	out, err := account.GeneratePulumiYAML(old)
	if err != nil {
		return err
	}
	return os.WriteFile(pulumiYAML, out, 0o644)
}
