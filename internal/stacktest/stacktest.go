// Package stacktest runs a Pulumi program under pulumi.WithMocks on the stand-in AWS
// (internal/standin) and reads what it registered. It holds what every mocked program
// test shares, the main program's (package main, at the repository root) and the
// bootstrap's (bootstrap/account): running a program in a prepared account, finding a
// registered resource, awaiting an output, and reading nested inputs.
//
// Program-specific helpers (which config a stack has, which function deploys it) stay
// beside the program's tests: package main cannot be imported.
package stacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/example/nlb-alb-fargate/internal/standin/harness"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// Registered is one resource the program registered, as the engine would receive it.
type Registered = harness.Registered

// Mocks is the stand-in AWS as the mocked program saw it, and what it registered there.
type Mocks struct {
	*harness.Mocks
}

// ByType returns the registered resources of one type token, in registration order.
func (m *Mocks) ByType(typ string) []Registered {
	var out []Registered
	for _, r := range m.Resources() {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// One returns the resource of a type and logical name, failing the test if absent.
func (m *Mocks) One(t *testing.T, typ, name string) Registered {
	t.Helper()
	for _, r := range m.ByType(typ) {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no %s named %q was registered", typ, name)
	return Registered{}
}

// IgnoresChanges reports whether a resource was registered with ignoreChanges on a
// property.
func (m *Mocks) IgnoresChanges(name, property string) bool {
	for _, r := range m.Resources() {
		if r.Name == name && slices.Contains(r.IgnoreChanges, property) {
			return true
		}
	}
	return false
}

// Count is how many resources were registered.
func (m *Mocks) Count() int { return len(m.Resources()) }

// IDOf returns the id the stand-in gave a resource: what other resources see as its ID().
func (m *Mocks) IDOf(t *testing.T, typ, name string) string {
	t.Helper()
	return m.One(t, typ, name).ID
}

// Stack is the project, stack and Region a program runs as.
type Stack struct {
	Project, Name, Region string
}

// URN is the URN of a resource of the stack.
func (s Stack) URN(typ, name string) string {
	return fmt.Sprintf("urn:pulumi:%s::%s::%s::%s", s.Name, s.Project, typ, name)
}

// Qualified is cfg (keys without a namespace) with the project's namespace on its keys,
// and the stack's Region; keys that have a namespace (aws:…) stay as they are.
func (s Stack) Qualified(cfg map[string]string) map[string]string {
	all := map[string]string{"aws:region": s.Region}
	for k, v := range cfg {
		if !strings.Contains(k, ":") {
			k = s.Project + ":" + k
		}
		all[k] = v
	}
	return all
}

// Account prepares the stand-in account before the program runs: quotas, objects that
// exist outside the stack. nil is a new account with AWS's default quotas.
type Account func(c *standin.Cloud)

// Run runs program as stack s under mocks, in an account prepared by account, with the
// fully qualified config cfg (PULUMI_CONFIG, as the CLI hands a Go program its config),
// in preview when dryRun. It returns what was registered and what program returned.
func Run[O any](t *testing.T, s Stack, account Account, cfg map[string]string, dryRun bool,
	program func(ctx *pulumi.Context) (O, error), opts ...pulumi.RunOption) (*Mocks, O, error) {
	t.Helper()
	m := &Mocks{harness.NewMocks(s.Project, s.Name, s.Region)}
	if account != nil {
		account(m.Cloud) // first: it may run a deploy of its own
	}
	var out O
	err := RunOn(t, m.Mocks, s, cfg, func(ctx *pulumi.Context) (err error) {
		out, err = program(ctx)
		return err
	}, append([]pulumi.RunOption{func(info *pulumi.RunInfo) { info.DryRun = dryRun }}, opts...)...)
	return m, out, err
}

// RunOn runs program as stack s on mocks that exist already (an account a first deploy
// prepared), with the fully qualified config cfg.
func RunOn(t *testing.T, mocks pulumi.MockResourceMonitor, s Stack, cfg map[string]string, program pulumi.RunFunc, opts ...pulumi.RunOption) error {
	t.Helper()
	raw, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PULUMI_CONFIG", string(raw))
	return pulumi.RunErr(program, append([]pulumi.RunOption{pulumi.WithMocks(s.Project, s.Name, mocks)}, opts...)...)
}

// ProjectName is the name in the Pulumi.yaml at path: the namespace of the project's
// settings, which tests take from the file, so a project made from the template under
// another name passes its own tests. It panics when the file cannot be read: nothing in
// the tests would mean anything then.
func ProjectName(path string) string {
	p, err := workspace.LoadProject(path)
	if err != nil {
		panic(fmt.Sprintf("stacktest: reading the project's name: %v", err))
	}
	return string(p.Name)
}

// Await returns the resolved value of an output, failing the test if it is unknown.
func Await(t *testing.T, o pulumi.Output) any {
	t.Helper()
	res, err := internals.UnsafeAwaitOutput(context.Background(), o)
	if err != nil {
		t.Fatalf("awaiting output: %v", err)
	}
	if !res.Known {
		t.Fatalf("output is unknown")
	}
	return res.Value
}
