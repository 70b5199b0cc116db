package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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

// A range the docs state is the range the check enforces: both edges pass, one beyond
// each fails, and the message names the same numbers.
func TestDocumentedRangesAreTheChecked(t *testing.T) {
	p := &Problems{}
	r := between(2, 120)
	for _, v := range []int{2, 120} {
		r.Check(p, "k", v)
	}
	if len(p.List()) != 0 {
		t.Fatalf("edges refused: %v", p.List())
	}
	r.Check(p, "k", 1)
	r.Check(p, "k", 121)
	want := []string{"k: invalid value 1: must be between 2 and 120", "k: invalid value 121: must be between 2 and 120"}
	if strings.Join(p.List(), "\n") != strings.Join(want, "\n") || r.Allows != "2 to 120" {
		t.Errorf("got %q, allows %q", p.List(), r.Allows)
	}
}

// The generated tables link only sections the README has.
func TestSeeNamesAReadmeSection(t *testing.T) {
	_, _, err := Generate([]byte(configMarker), []byte(strings.Repeat("x", 1)))
	if err == nil || !strings.Contains(err.Error(), "no generated table") {
		t.Errorf("a README without the markers: got %v", err)
	}
	var readme strings.Builder
	for _, g := range Groups {
		readme.WriteString(tableBegin(g) + tableEnd)
	}
	_, _, err = Generate([]byte(configMarker), []byte(readme.String()))
	if err == nil || !strings.Contains(err.Error(), "which is no heading of README.md") {
		t.Errorf("a README without the sections settings link to: got %v", err)
	}
}
