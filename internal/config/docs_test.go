package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// Pulumi.yaml's config section and the README's settings tables are what the registry
// generates: a change to a setting that skipped `go generate ./...` fails here.
func TestGeneratedDocsAreCurrent(t *testing.T) {
	root := filepath.Join("..", "..")
	pulumiYAML, err := os.ReadFile(filepath.Join(root, "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	wantYAML, wantReadme, err := Generate(pulumiYAML, readme)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name      string
		got, want []byte
	}{{"Pulumi.yaml", pulumiYAML, wantYAML}, {"README.md", readme, wantReadme}} {
		if string(f.got) != string(f.want) {
			t.Errorf("%s is stale: run go generate ./... (first difference at line %d)", f.name, firstDifferentLine(string(f.got), string(f.want)))
		}
	}
}

func firstDifferentLine(a, b string) int {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return i + 1
		}
	}
	return min(len(al), len(bl)) + 1
}

// Every setting with a range (a new one too, without a test of its own) takes both ends
// and refuses one beyond each, naming the range its docs state.
func TestEveryRangeIsWhatItsDocsSay(t *testing.T) {
	for _, s := range registry {
		lo, hi, ok := s.rangeOf()
		if !ok {
			continue
		}
		key := s.Info().Key
		want := fmt.Sprintf("must be between %d and %d", lo, hi)
		if !strings.HasPrefix(s.Info().Allows, fmt.Sprintf("%d to %d", lo, hi)) {
			t.Errorf("%s: the docs say %q, the check allows %d to %d", key, s.Info().Allows, lo, hi)
		}
		for _, v := range []int{lo, hi} {
			if problems := rangeProblems(key, v, want); len(problems) > 0 {
				t.Errorf("%s %d (an end of its range) refused: %v", key, v, problems)
			}
		}
		for _, v := range []int{lo - 1, hi + 1} {
			got := rangeProblems(key, v, want)
			if wantMsg := fmt.Sprintf("%s: invalid value %d: %s", key, v, want); len(got) != 1 || got[0] != wantMsg {
				t.Errorf("%s %d: got %q, want %q", key, v, got, wantMsg)
			}
		}
	}
}

// rangeProblems is what Parse says of key = v about the range (a cross-check may have its
// own say at an end, e.g. a timeout of 120 is not below an interval of 10).
func rangeProblems(key string, v int, rangeWords string) []string {
	_, err := Parse(map[string]string{key: strconv.Itoa(v)}, Env{})
	var e *Error
	if !errors.As(err, &e) {
		return nil
	}
	var out []string
	for _, p := range e.Problems {
		if strings.Contains(p, rangeWords) {
			out = append(out, p)
		}
	}
	return out
}

// The generated tables link only sections the README has.
func TestSeeNamesAReadmeSection(t *testing.T) {
	_, _, err := Generate([]byte(configMarker), []byte(strings.Repeat("x", 1)))
	if err == nil || !strings.Contains(err.Error(), "no generated table") {
		t.Errorf("a README without the markers: got %v", err)
	}
	var readme strings.Builder
	for _, table := range readmeTables() {
		readme.WriteString(tableBegin(table.title) + tableEnd)
	}
	_, _, err = Generate([]byte(configMarker), []byte(readme.String()))
	if err == nil || !strings.Contains(err.Error(), "which is no heading of README.md") {
		t.Errorf("a README without the sections settings link to: got %v", err)
	}
}

// `pulumi new` asks for the Region and TemplateKeys with the registry's own description
// and default (the same as the config section's), and offers the dev stack's Region.
func TestTemplatePromptsAreTheRegistrys(t *testing.T) {
	root := filepath.Join("..", "..")
	var project struct {
		Template struct {
			Config map[string]struct{ Description, Default string }
		}
		Config map[string]struct {
			Description string
			Default     any
		}
	}
	readYAML(t, filepath.Join(root, "Pulumi.yaml"), &project)
	var dev struct{ Config map[string]string }
	readYAML(t, filepath.Join(root, "Pulumi.dev.yaml"), &dev)

	prompts := project.Template.Config
	if got := prompts["aws:region"].Default; got != dev.Config["aws:region"] {
		t.Errorf("template aws:region default %q, want the dev stack's %q", got, dev.Config["aws:region"])
	}
	if len(prompts) != len(TemplateKeys)+1 {
		t.Errorf("template prompts for %d keys, want aws:region and %v", len(prompts), TemplateKeys)
	}
	for _, key := range TemplateKeys {
		s, ok := settingInfo(key)
		p, prompted := prompts[key]
		switch {
		case !ok:
			t.Errorf("TemplateKeys names %s, which is no setting", key)
		case !prompted:
			t.Errorf("template: no prompt for %s", key)
		case p.Default != fmt.Sprint(s.Default):
			t.Errorf("template %s default %q, want the registry's %v", key, p.Default, s.Default)
		case p.Description != project.Config[key].Description:
			t.Errorf("template %s description %q differs from the config section's %q", key, p.Description, project.Config[key].Description)
		}
	}
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
