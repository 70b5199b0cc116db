// The deploy workflow's plan, made by its first job before anything is built or any
// environment is entered: from .github/stacks.json (the stacks, in the order of
// promotion) and each stack's file, which stacks this release is deployed to, and for
// which platforms it is built. Run from the repository's root:
//
//	go run ./.github/scripts/plan.go
//
// It reads the stack files as YAML, the way Pulumi does (a key with or without the
// project's namespace; cpuArchitecture at the top and in each entry of services), which
// a shell script could only guess at.
//
// A stack is deployed when its file exists and names releaseRepository, the repository
// variable RELEASE_REPOSITORY (where the release job pushes). A stack without its file,
// or whose file still builds its own image, is skipped with a notice (CI deploys
// released images only: nothing but the release job builds); a file naming another
// repository is refused. Whether the stack's environment has a deploy role is known only
// inside its job, which skips with a notice of its own.
//
// The release is built for every CPU architecture the deployed stacks' services run on
// (cpuArchitecture, X86_64 when absent): linux/amd64, linux/arm64, or both.
//
// For a rollback (workflow_dispatch), ROLLBACK_STACK and ROLLBACK_DIGEST are checked
// here, before the rollback job enters the stack's environment: the stack is one of the
// list and deployable, the digest is sha256:<64 hex>.
//
// Outputs (to $GITHUB_OUTPUT, or stdout outside a job): stacks and deploy (JSON lists of
// names, in the list's order) and platforms (comma-separated); a table of the stacks in
// $GITHUB_STEP_SUMMARY. Exits 1, after reporting every problem, on a bad list, a stack
// file naming another repository, an unknown CPU architecture or a bad rollback.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

var (
	stackName = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	digest    = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
	// platformOf maps Fargate's CPU architectures to the build's platforms.
	platformOf = map[string]string{"X86_64": "linux/amd64", "ARM64": "linux/arm64"}
)

// stack is one stack of the list, as the plan sees it.
type stack struct {
	Name      string
	File      string
	Deploys   bool
	Why       string   // why not, when it does not deploy
	Platforms []string // when it deploys
}

type report struct {
	errors  []string
	notices []string
}

// errorf reports a problem; file names the stack file it is in, if any.
func (r *report) errorf(file, format string, a ...any) {
	where := "title=Deploy refused"
	if file != "" {
		where = "file=" + file + ",title=Deploy refused"
	}
	r.errors = append(r.errors, "::error "+where+"::"+oneLine(fmt.Sprintf(format, a...)))
}

func (r *report) noticef(title, format string, a ...any) {
	r.notices = append(r.notices, "::notice title="+title+"::"+oneLine(fmt.Sprintf(format, a...)))
}

func oneLine(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func main() {
	root := flag.String("root", ".", "the repository's root")
	flag.Parse()
	var r report
	stacks, err := plan(*root, os.Getenv("RELEASE_REPOSITORY"), &r)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if name := os.Getenv("ROLLBACK_STACK"); name != "" {
		checkRollback(stacks, name, os.Getenv("ROLLBACK_DIGEST"), &r)
	}
	for _, line := range append(r.notices, r.errors...) {
		fmt.Println(line)
	}
	if err := write(stacks); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if len(r.errors) > 0 {
		os.Exit(1)
	}
}

// plan reads the list and the stack files under root.
func plan(root, releaseRepository string, r *report) ([]stack, error) {
	b, err := os.ReadFile(filepath.Join(root, ".github", "stacks.json"))
	if err != nil {
		return nil, err
	}
	var list struct {
		Stacks []struct{ Name string }
	}
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf(".github/stacks.json: %v", err)
	}
	if len(list.Stacks) == 0 {
		return nil, errors.New(`.github/stacks.json: no stacks: want {"stacks": [{"name": "dev"}, …]}, in the order of promotion`)
	}
	project, err := projectName(root)
	if err != nil {
		return nil, err
	}
	if releaseRepository == "" {
		r.noticef("No release", "the repository variable RELEASE_REPOSITORY is not set: nothing is built or deployed (docs/team.md, The workflows)")
	}
	var out []stack
	for i, s := range list.Stacks {
		if !stackName.MatchString(s.Name) || slices.ContainsFunc(out, func(o stack) bool { return o.Name == s.Name }) {
			return nil, fmt.Errorf(".github/stacks.json: stacks[%d].name %q: want a stack's name (letters, digits, _ . -), each once", i, s.Name)
		}
		st := stack{Name: s.Name, File: "Pulumi." + s.Name + ".yaml"}
		cfg, exists, err := stackConfig(filepath.Join(root, st.File))
		switch {
		case err != nil:
			r.errorf(st.File, "%v", err)
			st.Why = "unreadable"
		case !exists:
			st.Why = "no " + st.File
			r.noticef(s.Name+" skipped", "no %s: commit it to deploy %s (docs/team.md); the stacks after it in .github/stacks.json wait for it", st.File, s.Name)
		default:
			repo, _ := setting(cfg, project, "releaseRepository").(string)
			switch {
			case repo == "":
				st.Why = st.File + " names no releaseRepository"
				r.noticef(s.Name+" skipped", "%s names no releaseRepository, so it builds its own image, and CI deploys released images only: set releaseRepository to the repository variable RELEASE_REPOSITORY to deploy it here (docs/team.md); the stacks after it wait for it", st.File)
			case releaseRepository == "":
				st.Why = "RELEASE_REPOSITORY is not set"
			case repo != releaseRepository:
				st.Why = "another releaseRepository"
				r.errorf(st.File, "releaseRepository is %q, but releases are pushed to the repository variable RELEASE_REPOSITORY, %q: the stack could not pull this release", repo, releaseRepository)
			default:
				platforms, err := platforms(cfg, project)
				if err != nil {
					st.Why = "bad cpuArchitecture"
					r.errorf(st.File, "%v", err)
					break
				}
				st.Deploys, st.Platforms = true, platforms
			}
		}
		out = append(out, st)
	}
	return out, nil
}

// checkRollback refuses a rollback the rollback job could not carry out.
func checkRollback(stacks []stack, name, dig string, r *report) {
	i := slices.IndexFunc(stacks, func(s stack) bool { return s.Name == name })
	switch {
	case i < 0:
		r.errorf("", "rollback: stack %q is not in .github/stacks.json", name)
	case !stacks[i].Deploys:
		r.errorf("", "rollback: stack %s is not deployed from CI: %s", name, stacks[i].Why)
	}
	if !digest.MatchString(dig) {
		r.errorf("", "rollback: digest %q: want sha256: and 64 hexadecimal digits (a release-<commit> tag's digest, or the stack's releaseImage after the @)", dig)
	}
}

// projectName is Pulumi.yaml's name: the namespace of the stack files' keys.
func projectName(root string) (string, error) {
	b, err := os.ReadFile(filepath.Join(root, "Pulumi.yaml"))
	if err != nil {
		return "", err
	}
	var p struct{ Name string }
	if err := yaml.Unmarshal(b, &p); err != nil || p.Name == "" {
		return "", fmt.Errorf("Pulumi.yaml: no project name (%v)", err)
	}
	return p.Name, nil
}

// stackConfig is the config of a stack file; exists is false when there is no file.
func stackConfig(path string) (cfg map[string]any, exists bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	var f struct {
		Config map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		return nil, true, err
	}
	return f.Config, true, nil
}

// setting is a key of the project's namespace, written with or without it.
func setting(cfg map[string]any, project, key string) any {
	if v, ok := cfg[key]; ok {
		return v
	}
	return cfg[project+":"+key]
}

// platforms are the build platforms of the stack's services: each entry of services runs
// on its own cpuArchitecture or the top-level one, which is X86_64 when absent.
func platforms(cfg map[string]any, project string) ([]string, error) {
	top, _ := setting(cfg, project, "cpuArchitecture").(string)
	if top == "" {
		top = "X86_64"
	}
	archs := []string{top}
	var entries []map[string]any
	switch v := setting(cfg, project, "services").(type) {
	case string: // JSON text, as `pulumi config set services '[…]'` may leave it
		if err := json.Unmarshal([]byte(v), &entries); err != nil {
			return nil, fmt.Errorf("services: %v", err)
		}
	case []any:
		for _, e := range v {
			m, _ := e.(map[string]any)
			entries = append(entries, m)
		}
	}
	if len(entries) > 0 {
		archs = nil
		for _, e := range entries {
			a, _ := e["cpuArchitecture"].(string)
			if a == "" {
				a = top
			}
			archs = append(archs, a)
		}
	}
	var out []string
	for _, a := range archs {
		p, ok := platformOf[a]
		if !ok {
			return nil, fmt.Errorf("cpuArchitecture %q: want X86_64 or ARM64", a)
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out, nil
}

// write hands the plan to the jobs after this one, and to the run's summary.
func write(stacks []stack) error {
	var names, deploy, platforms []string
	for _, s := range stacks {
		names = append(names, s.Name)
		if s.Deploys {
			deploy = append(deploy, s.Name)
			for _, p := range s.Platforms {
				if !slices.Contains(platforms, p) {
					platforms = append(platforms, p)
				}
			}
		}
	}
	slices.Sort(platforms)
	list := func(v []string) string {
		b, _ := json.Marshal(append([]string{}, v...))
		return string(b)
	}
	outputs := fmt.Sprintf("stacks=%s\ndeploy=%s\nplatforms=%s\n", list(names), list(deploy), strings.Join(platforms, ","))
	if err := appendTo(os.Getenv("GITHUB_OUTPUT"), outputs); err != nil {
		return err
	}
	summary := "### Stacks (.github/stacks.json, in the order of promotion)\n\n| Stack | Deployed by this run | Platforms |\n|---|---|---|\n"
	for _, s := range stacks {
		deploys := "yes, once the stacks before it deployed this release"
		if !s.Deploys {
			deploys = "no: " + s.Why
		}
		summary += fmt.Sprintf("| %s | %s | %s |\n", s.Name, deploys, strings.Join(s.Platforms, ", "))
	}
	return appendTo(os.Getenv("GITHUB_STEP_SUMMARY"), summary)
}

// appendTo appends to a file GitHub hands the step, or prints outside a job.
func appendTo(path, text string) error {
	if path == "" {
		fmt.Print(text)
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
