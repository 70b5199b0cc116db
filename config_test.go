package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
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
	stackFile = filledStackFile(t, stackFile)
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

// placeholder is a template's <what goes here, e.g. an example> (examples/production.yaml).
var placeholder = regexp.MustCompile(`"<[^<>"]*>"`)

// testReleaseDigest is the release the tests deploy a stack file with releaseRepository
// at, as the release workflow passes one (pulumi up --config releaseDigest=…).
const testReleaseDigest = "sha256:1111111111111111111111111111111111111111111111111111111111111111"

// filledStackFile is a stack file as a person fills it in: each placeholder replaced by
// the example it gives after "e.g.", and, with a release repository, the release to
// deploy. A file without placeholders is returned as it is; a filled one is written to a
// temporary directory under its own name, and returned relative to the project
// directory, where the engine tests look for it.
func filledStackFile(t *testing.T, path string) string {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !placeholder.Match(text) {
		return path
	}
	filled := placeholder.ReplaceAllFunc(text, func(p []byte) []byte {
		_, example, ok := strings.Cut(string(p), "e.g. ")
		if !ok {
			t.Fatalf("%s: placeholder %s gives no example (\"e.g. …\") to fill it with", path, p)
		}
		return []byte(`"` + strings.TrimSuffix(example, `>"`) + `"`)
	})
	if strings.Contains(string(text), "releaseRepository:") {
		filled = append(filled, []byte("  releaseDigest: "+testReleaseDigest+"\n")...)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, filepath.Base(path))
	if err := os.WriteFile(out, filled, 0o644); err != nil {
		t.Fatal(err)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(wd, out)
	if err != nil {
		t.Fatal(err)
	}
	return rel
}

// A template's placeholders are refused before anything is made, each by its key; the
// example each gives fills it validly.
func TestProductionPlaceholdersAreRefused(t *testing.T) {
	cfg := map[string]string{}
	raw, err := os.ReadFile("examples/production.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, line := range strings.Split(string(raw), "\n") {
		key, value, ok := strings.Cut(strings.TrimSpace(line), ": ")
		if ok && placeholder.MatchString(value) {
			unquoted := strings.Trim(value, `"`)
			cfg[key] = unquoted
			want = append(want, key+`: placeholder "`+unquoted+`" left in the stack file`)
		}
	}
	if len(want) < 4 {
		t.Fatalf("examples/production.yaml has %d placeholders; want domain, hostedZoneId, alarmEmail and releaseRepository", len(want))
	}
	mustRefuse(t, nil, cfg, want)
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
