// Command gendocs rewrites the config section of the bootstrap's Pulumi.yaml and the table
// of its settings in docs/team.md from its settings registry (bootstrap/account/config.go).
// Run it from bootstrap/: go generate ./...
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/example/nlb-alb-fargate/bootstrap/account"
)

func main() {
	if err := run("Pulumi.yaml", filepath.Join("..", "docs", "team.md")); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func run(pulumiYAML, teamMD string) error {
	for _, f := range []struct {
		path     string
		generate func([]byte) ([]byte, error)
	}{{pulumiYAML, account.GeneratePulumiYAML}, {teamMD, account.GenerateSettingsTable}} {
		old, err := os.ReadFile(f.path)
		if err != nil {
			return err
		}
		out, err := f.generate(old)
		if err != nil {
			return fmt.Errorf("%s: %w", f.path, err)
		}
		if err := os.WriteFile(f.path, out, 0o644); err != nil {
			return err
		}
	}
	return nil
}
