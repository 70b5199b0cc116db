// Command gendocs rewrites the parts of Pulumi.yaml and README.md that are generated from
// the settings registry. Run it from the project directory: go generate ./...
package main

import (
	"fmt"
	"os"

	"github.com/example/nlb-alb-fargate/internal/config"
)

func main() {
	if err := run("Pulumi.yaml", "README.md"); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func run(pulumiYAML, readme string) error {
	oldYAML, err := os.ReadFile(pulumiYAML)
	if err != nil {
		return err
	}
	oldReadme, err := os.ReadFile(readme)
	if err != nil {
		return err
	}
	newYAML, newReadme, err := config.Generate(oldYAML, oldReadme)
	if err != nil {
		return err
	}
	if err := os.WriteFile(pulumiYAML, newYAML, 0o644); err != nil {
		return err
	}
	return os.WriteFile(readme, newReadme, 0o644)
}
