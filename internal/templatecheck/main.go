// Command templatecheck proves that a project made from this repository as a template
// works as a project of its own (docs/team.md, "From a template"): it makes one with the
// real `pulumi new <checkout> --name partner-api --generate-only` in a temporary
// directory, runs `go generate ./...` there (which restores the generated sections of the
// Pulumi.yaml that pulumi new rewrote) and then the new project's own `go test -short
// ./...`. .ci/run runs it after the test suite, which leaves the Pulumi CLI in its cache.
//
//	go run ./internal/templatecheck
//
// pulumi new writes the project, then fails for lack of the Go language plugin, which
// cannot be downloaded here; that failure is expected and tolerated, as long as the
// project was written.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/example/nlb-alb-fargate/internal/standin/harness"
)

// newName is the project's name under the template: not this repository's.
const newName = "partner-api"

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "templatecheck:", err)
		os.Exit(1)
	}
}

func run(out io.Writer) error {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	_, bin, where, err := harness.FindCLI()
	if err != nil {
		return fmt.Errorf("the Pulumi CLI %s: %w; the engine tests build it (go test ./...)", harness.CLIVersion, err)
	}
	checkout, err := os.Getwd()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "templatecheck-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, newName)
	fmt.Fprintf(out, "templatecheck: pulumi new %s --name %s --generate-only (the CLI %s, %s)\n", checkout, newName, bin, where)
	newCmd := exec.CommandContext(ctx, bin, "new", checkout, "--name", newName,
		"--generate-only", "--yes", "--force", "--dir", dir)
	newCmd.Env = append(os.Environ(), "PULUMI_HOME="+filepath.Join(tmp, "home"), "PULUMI_SKIP_UPDATE_CHECK=true")
	log, newErr := newCmd.CombinedOutput()
	if err := projectWritten(dir); err != nil {
		return fmt.Errorf("pulumi new: %w (%v)\n%s", err, newErr, log)
	}
	if newErr != nil {
		fmt.Fprintf(out, "templatecheck: pulumi new wrote the project and then failed, as expected without the Go language plugin: %s\n", lastLine(log))
	}
	for _, args := range [][]string{{"generate", "./..."}, {"test", "-short", "./..."}} {
		fmt.Fprintf(out, "templatecheck: (cd %s && go %s)\n", dir, strings.Join(args, " "))
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir, cmd.Stdout, cmd.Stderr = dir, out, out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go %s in the project made from the template: %w", strings.Join(args, " "), err)
		}
	}
	fmt.Fprintf(out, "templatecheck: a project made from the template as %q passes its own tests\n", newName)
	return nil
}

// projectWritten checks that pulumi new wrote the project under the new name.
func projectWritten(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil {
		return err
	}
	if !strings.HasPrefix(string(b), "name: "+newName+"\n") {
		return errors.New("its Pulumi.yaml does not name the project " + newName)
	}
	return nil
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}
