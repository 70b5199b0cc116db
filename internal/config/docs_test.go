package config

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// Pulumi.yaml's config section and the settings tables of README.md and docs/*.md are
// what the registry generates: a change to a setting that skipped `go generate ./...`, or
// a section a table links to moved to another file, fails here.
func TestGeneratedDocsAreCurrent(t *testing.T) {
	root := filepath.Join("..", "..")
	pulumiYAML, err := os.ReadFile(filepath.Join(root, "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	docs, err := DocFiles(root)
	if err != nil {
		t.Fatal(err)
	}
	wantYAML, wantDocs, err := Generate(pulumiYAML, docs)
	if err != nil {
		t.Fatal(err)
	}
	if string(pulumiYAML) != string(wantYAML) {
		t.Errorf("Pulumi.yaml is stale: run go generate ./... (first difference at line %d)", firstDifferentLine(string(pulumiYAML), string(wantYAML)))
	}
	for _, name := range slices.Sorted(maps.Keys(docs)) {
		if got, want := string(docs[name]), string(wantDocs[name]); got != want {
			t.Errorf("%s is stale: run go generate ./... (first difference at line %d)", name, firstDifferentLine(got, want))
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

// Every generated table is in one of the docs, and links only sections one of them has:
// in the same file as #anchor, in another by its relative path.
func TestGeneratedTablesLinkSectionsOfTheDocs(t *testing.T) {
	_, _, err := Generate([]byte(configMarker), map[string][]byte{"README.md": []byte("x")})
	if err == nil || !strings.Contains(err.Error(), `the generated table "The settings you will set" is in 0 of README.md`) {
		t.Errorf("docs without the markers: got %v", err)
	}
	var tables strings.Builder
	for _, table := range docTables() {
		tables.WriteString(tableBegin(table.title) + tableEnd)
	}
	_, _, err = Generate([]byte(configMarker), map[string][]byte{"README.md": []byte(tables.String())})
	if err == nil || !strings.Contains(err.Error(), "which is no heading of README.md") {
		t.Errorf("docs without the sections settings link to: got %v", err)
	}

	// The tables in docs/configuration.md, "The settings you will set" in README.md, and
	// every section a table links to in docs/other.md, except the groups'.
	var sections strings.Builder
	for _, s := range Settings() {
		if s.See != "" {
			sections.WriteString("## " + s.See + "\n")
		}
	}
	var groups strings.Builder
	for _, table := range docTables()[1:] {
		groups.WriteString("## " + table.title + "\n" + tableBegin(table.title) + tableEnd)
	}
	_, docs, err := Generate([]byte(configMarker), map[string][]byte{
		"README.md":             []byte("## The settings you will set\n" + tableBegin("The settings you will set") + tableEnd),
		"docs/configuration.md": []byte(groups.String()),
		"docs/other.md":         []byte(sections.String()),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []struct{ file, link string }{
		{"README.md", "[`certificateArn`](docs/configuration.md#ingress)"},
		{"README.md", "(docs/other.md#for-partners-allow-listing-and-dns)"},
		{"docs/configuration.md", "(other.md#what-a-change-does)"},
	} {
		if got := string(docs[want.file]); !strings.Contains(got, want.link) {
			t.Errorf("%s: no link %s:\n%s", want.file, want.link, got)
		}
	}
	_, _, err = Generate([]byte(configMarker), map[string][]byte{
		"README.md":             []byte("## The settings you will set\n" + tableBegin("The settings you will set") + tableEnd),
		"docs/configuration.md": []byte(groups.String() + sections.String()),
		"docs/other.md":         []byte(sections.String()),
	})
	if err == nil || !strings.Contains(err.Error(), "must be a heading of exactly one of") {
		t.Errorf("a section in two files: got %v", err)
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

// `pulumi new <this repository> --name partner-api` writes Pulumi.yaml anew: the new name,
// no comments, no template section, the config section as it serialises it. go generate
// restores the generated sections, keeping the name and what comes before them.
func TestGenerateRestoresWhatPulumiNewRewrote(t *testing.T) {
	pulumiYAML, err := os.ReadFile(filepath.Join("..", "..", "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := strings.Cut(string(pulumiYAML), configMarker)
	head = strings.Replace(head, "name: nlb-alb-fargate\n", "name: partner-api\n", 1)
	rewritten := head + "config:\n  azCount:\n    default: 2\n    description: Availability Zones used\n    type: integer\n"
	docs, err := DocFiles(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := Generate([]byte(rewritten), docs)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	want := head + configMarker + PulumiTemplate() + PulumiConfig()
	if string(got) != want {
		t.Errorf("restored Pulumi.yaml differs from the template's at line %d", firstDifferentLine(string(got), want))
	}
	if _, err := generatedStart([]byte("name: x\nruntime: go\n"), configMarker); err == nil {
		t.Error("a Pulumi.yaml with neither the marker nor a config section: want an error")
	}
}
