package doclinks

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// Every relative link and #anchor in the repository's Markdown (README.md, CHANGELOG.md,
// docs/*.md and the rest) leads somewhere: a heading moved to another file, renamed or
// deleted fails here, naming the file, line and link.
func TestEveryLinkOfTheDocsResolves(t *testing.T) {
	root := filepath.Join("..", "..")
	files, err := Files(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"README.md", "CHANGELOG.md"} {
		if !slices.Contains(files, want) {
			t.Errorf("%s is not among the files checked: %v", want, files)
		}
	}
	broken, err := Broken(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(broken) > 0 {
		t.Errorf("%d links lead nowhere:\n  %s", len(broken), strings.Join(broken, "\n  "))
	}
}

// GitHub's anchors: punctuation dropped, spaces as hyphens, repeats numbered.
func TestAnchors(t *testing.T) {
	md := "# nlb-alb-fargate\n## The container (`app/`)\n### WAF and the client's address\n" +
		"## Operations: logs, alarms, dashboard, WAF\n## The workflows (.github/workflows)\n" +
		"```sh\n# not a heading\n```\n## Tests\n## Tests\n## 8 addresses × 2 entrances\n"
	want := []string{"nlb-alb-fargate", "the-container-app", "waf-and-the-clients-address",
		"operations-logs-alarms-dashboard-waf", "the-workflows-githubworkflows", "tests", "tests-1", "8-addresses--2-entrances"}
	if got := Anchors(md); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// A link to a missing file, to a heading the target lacks, or out of the repository is
// reported; links in code, with a scheme, or to headings that exist are not.
func TestBroken(t *testing.T) {
	root := t.TempDir()
	write := func(name, text string) {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("README.md", "# Top\nSee [runbook](docs/runbook.md#roll-back), [gone](docs/gone.md), [here](#top),\n"+
		"[nowhere](#nowhere), [web](https://example.com/#x), `[code](#code)`, [up](../x.md), [app](app/).\n"+
		"```\n[fenced](#fenced)\n```\n")
	write("docs/runbook.md", "# Day two\n## Roll back\n[back](../README.md#top) [bad](../README.md#bottom) [yaml](../app/x.yaml#a)\n"+
		"a link [over\ntwo lines](#nowhere) and `code\nover two` lines\n")
	write("app/x.yaml", "a: 1\n")
	got, err := Broken(root)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"README.md:2: docs/gone.md: no such file or directory",
		"README.md:3: #nowhere: no heading of README.md has the anchor #nowhere",
		"README.md:3: ../x.md: outside the repository",
		"docs/runbook.md:3: ../README.md#bottom: no heading of README.md has the anchor #bottom",
		"docs/runbook.md:3: ../app/x.yaml#a: an anchor into a file that is not Markdown",
		"docs/runbook.md:4: #nowhere: no heading of docs/runbook.md has the anchor #nowhere",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
