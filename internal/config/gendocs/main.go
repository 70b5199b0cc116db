// Command gendocs rewrites the parts of Pulumi.yaml and of the Markdown docs (README.md,
// docs/configuration.md) that are generated from the settings registry. Run it from the project
// directory: go generate ./...
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/example/nlb-alb-fargate/internal/config"
)

func main() {
	if err := run("."); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func run(root string) error {
	pulumiYAML := filepath.Join(root, "Pulumi.yaml")
	oldYAML, err := os.ReadFile(pulumiYAML)
	if err != nil {
		return err
	}
	docs, err := config.DocFiles(root)
	if err != nil {
		return err
	}
	newYAML, newDocs, err := config.Generate(oldYAML, docs)
	if err != nil {
		return err
	}
	if err := os.WriteFile(pulumiYAML, newYAML, 0o644); err != nil {
		return err
	}
	for name, b := range newDocs {
		if !bytes.Equal(b, docs[name]) {
			if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(name)), b, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}
