package workflows

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type workflow struct {
	Permissions any
	Jobs        map[string]job
}

type job struct {
	Permissions map[string]string
	Environment any
	Concurrency *struct {
		Group            string
		CancelInProgress bool `yaml:"cancel-in-progress"`
	}
	Steps []struct {
		Uses string
		With map[string]string
	}
}

func workflows(t *testing.T) map[string]workflow {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", ".github", "workflows", "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no workflows: %v", err)
	}
	out := map[string]workflow{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, static := range []string{"aws-access-key-id", "aws-secret-access-key", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
			"PULUMI_CONFIG_PASSPHRASE", "PULUMI_ACCESS_TOKEN"} {
			if strings.Contains(string(b), static) {
				t.Errorf("%s mentions %s: AWS access is through OIDC only, secrets through awskms", f, static)
			}
		}
		var w workflow
		if err := yaml.Unmarshal(b, &w); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[filepath.Base(f)] = w
	}
	return out
}

// sdkVersion is the Pulumi SDK version go.mod requires, which the CLI must match.
func sdkVersion(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`github\.com/pulumi/pulumi/sdk/v3 v(\S+)`).FindSubmatch(b)
	if m == nil {
		t.Fatal("go.mod requires no github.com/pulumi/pulumi/sdk/v3")
	}
	return string(m[1])
}

var pinned = regexp.MustCompile(`^[\w.-]+/[\w.-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$`)

func TestWorkflows(t *testing.T) {
	sdk := sdkVersion(t)
	for file, w := range workflows(t) {
		if p, ok := w.Permissions.(map[string]any); !ok || len(p) != 0 {
			t.Errorf("%s: top-level permissions %v, want {} (each job asks for its own)", file, w.Permissions)
		}
		for name, j := range w.Jobs {
			where := file + " " + name
			if j.Permissions == nil {
				t.Errorf("%s: no permissions of its own", where)
			}
			var aws, up bool
			for _, s := range j.Steps {
				action, _, _ := strings.Cut(s.Uses, "@")
				if s.Uses != "" && !pinned.MatchString(s.Uses) {
					t.Errorf("%s: %s is not pinned to a version", where, s.Uses)
				}
				switch action {
				case "aws-actions/configure-aws-credentials":
					aws = true
					if s.With["role-to-assume"] == "" {
						t.Errorf("%s: AWS credentials without role-to-assume", where)
					}
				case "pulumi/actions":
					if v := s.With["pulumi-version"]; v != sdk {
						t.Errorf("%s: Pulumi CLI %q, want go.mod's SDK version %s", where, v, sdk)
					}
					up = up || s.With["command"] == "up"
				}
			}
			if aws && j.Permissions["id-token"] != "write" {
				t.Errorf("%s: assumes the deploy role without id-token: write", where)
			}
			if up && (j.Concurrency == nil || j.Concurrency.CancelInProgress || !strings.HasPrefix(j.Concurrency.Group, "pulumi-")) {
				t.Errorf("%s: runs pulumi up outside a pulumi-<stack> concurrency group that never cancels", where)
			}
		}
	}
	if env := workflows(t)["deploy.yml"].Jobs["prod"].Environment; env != "prod" {
		t.Errorf("deploy.yml prod: environment %v, want prod (required reviewers)", env)
	}
}
