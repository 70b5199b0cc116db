package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/stacktest"
	"github.com/pulumi/esc"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// loadStackFiles returns the config Pulumi would hand the program for a stack: the stack
// file's values plus the schema defaults of Pulumi.yaml, type-checked by Pulumi's own code.
func loadStackFiles(t *testing.T, stackFile string) map[string]string {
	t.Helper()
	project, err := workspace.LoadProject("Pulumi.yaml")
	if err != nil {
		t.Fatalf("loading Pulumi.yaml: %v", err)
	}
	if project.Name.String() != testProject {
		t.Fatalf("Pulumi.yaml name is %q; the tests use %q", project.Name, testProject)
	}
	stack, err := workspace.LoadProjectStack(nil, project, stackFile)
	if err != nil {
		t.Fatalf("loading %s: %v", stackFile, err)
	}
	stackName := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(stackFile), "Pulumi."), ".yaml")
	err = workspace.ValidateStackConfigAndApplyProjectConfig(context.Background(), stackName, project,
		esc.Value{}, stack.Config, config.NopEncrypter, config.NopDecrypter) // no ESC environments here
	if err != nil {
		t.Fatalf("%s does not match Pulumi.yaml's schema: %v", stackFile, err)
	}
	out := map[string]string{}
	for k, v := range stack.Config {
		s, err := v.Value(config.NopDecrypter)
		if err != nil {
			t.Fatal(err)
		}
		out[k.String()] = s
	}
	return out
}

// The program runs with exactly what Pulumi.dev.yaml and Pulumi.yaml give it, and gets the
// same stack as with the code's defaults, so the files cannot drift from the code.
func TestDevStackFilesMatchTheProgram(t *testing.T) {
	cfg := loadStackFiles(t, "Pulumi.dev.yaml")
	if cfg["aws:region"] == "" {
		t.Errorf("Pulumi.dev.yaml must set aws:region")
	}
	fromFiles, _, err := runRaw(t, cfg, false)
	if err != nil {
		t.Fatalf("program with the dev stack files: %v", err)
	}
	fromDefaults, _ := mustRun(t, nil)
	stacktest.Equal(t, "resource count", fromFiles.Count(), fromDefaults.Count())
	stacktest.EqualSlices(t, "the dev stack files' stack (vs the code defaults')", stackSummary(fromFiles), stackSummary(fromDefaults))
}
