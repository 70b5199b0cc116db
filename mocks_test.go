package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/example/nlb-alb-fargate/internal/standin/harness"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

const (
	testProject = "nlb-alb-fargate" // must equal Pulumi.yaml's name
	testStack   = "dev"
	testRegion  = "us-east-1"
)

// registered is one resource the program registered, as the engine would receive it.
type registered = harness.Registered

// mocks runs the program against the stand-in AWS of internal/standin, the same fake the
// engine tests use: every resource gets what the provider would store (autonamed names,
// ARNs, DNS names, addresses, what Read normalises), and is recorded for assertions.
type mocks struct {
	*harness.Mocks
}

// byType returns the registered resources of one type token.
func (m *mocks) byType(typ string) []registered {
	var out []registered
	for _, r := range m.Resources() {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// one returns the resource of a type and logical name, failing the test if absent.
func (m *mocks) one(t *testing.T, typ, name string) registered {
	t.Helper()
	for _, r := range m.byType(typ) {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no %s named %q was registered", typ, name)
	return registered{}
}

// ignoresChanges reports whether a resource was registered with ignoreChanges on a property.
func (m *mocks) ignoresChanges(name, property string) bool {
	for _, r := range m.Resources() {
		if r.Name == name && slices.Contains(r.IgnoreChanges, property) {
			return true
		}
	}
	return false
}

func (m *mocks) count() int { return len(m.Resources()) }

// idOf returns the id the mock gave a resource: what other resources see as its ID().
func (m *mocks) idOf(t *testing.T, typ, name string) string {
	t.Helper()
	return m.one(t, typ, name).ID
}

func urn(typ, name string) string {
	return fmt.Sprintf("urn:pulumi:%s::%s::%s::%s", testStack, testProject, typ, name)
}

// run executes the real program under mocks with the given project config (keys without
// the project prefix; values as Pulumi passes them, i.e. strings, JSON for structures).
func run(t *testing.T, cfg map[string]string, dryRun bool) (*mocks, *stackOutputs, error) {
	t.Helper()
	return runRaw(t, qualified(cfg), dryRun)
}

// qualified is cfg with the project prefix on its keys, and the region.
func qualified(cfg map[string]string) map[string]string {
	all := map[string]string{"aws:region": testRegion}
	for k, v := range cfg {
		all[testProject+":"+k] = v
	}
	return all
}

// runRaw is run with fully qualified config keys.
func runRaw(t *testing.T, cfg map[string]string, dryRun bool) (*mocks, *stackOutputs, error) {
	t.Helper()
	return runStack(t, testStack, cfg, dryRun)
}

// runStack is runRaw for a stack of another name.
func runStack(t *testing.T, stack string, cfg map[string]string, dryRun bool) (*mocks, *stackOutputs, error) {
	t.Helper()
	return runIn(t, nil, stack, cfg, dryRun)
}

// anAccount prepares the stand-in account before the program runs: quotas, objects that
// exist outside the stack. nil is a new account with AWS's default quotas.
type anAccount func(c *standin.Cloud)

// largeAccount has raised quotas, for configs beyond AWS's defaults: 20 Elastic IPs (3 AZs
// with a NAT gateway each take 6 of the default 5), and 4000 Fargate vCPU each, On-Demand
// and Spot (what established accounts have; a new one has 6).
func largeAccount(c *standin.Cloud) {
	c.SetQuota("ec2", "L-0263D0A3", 20)
	c.SetQuota("fargate", "L-3032A538", 4000)
	c.SetQuota("fargate", "L-36FBB829", 4000)
}

// deployed is an account where the stack already runs with cfg: what a first `pulumi up`
// created is there, held and tagged as that deploy left it. allocationIDs, when not nil,
// gets the NLB's Elastic IPs (the staticIpAllocationIds output).
func deployed(t *testing.T, cfg map[string]string, allocationIDs *[]string) anAccount {
	return func(c *standin.Cloud) {
		raw, err := json.Marshal(qualified(cfg))
		if err != nil {
			t.Fatal(err)
		}
		t.Setenv("PULUMI_CONFIG", string(raw))
		var out *stackOutputs
		err = pulumi.RunErr(func(ctx *pulumi.Context) error {
			out, err = deploy(ctx)
			return err
		}, pulumi.WithMocks(testProject, testStack, harness.NewMocksOn(c, testProject, testStack)))
		if err != nil {
			t.Fatalf("the first deploy: %v", err)
		}
		if allocationIDs != nil {
			*allocationIDs = await(t, out.AllocationIDs).([]string)
		}
	}
}

// lookUpIn runs the program's first two stages only (the config, then the look-ups in the
// account, preflight among them) in a prepared account: for a second run of a stack that
// mocks, having no state, would otherwise create again.
func lookUpIn(t *testing.T, acct anAccount, cfg map[string]string) error {
	t.Helper()
	m := harness.NewMocks(testProject, testStack, testRegion)
	acct(m.Cloud) // first: it may run a deploy of its own (deployed)
	raw, err := json.Marshal(qualified(cfg))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PULUMI_CONFIG", string(raw))
	return pulumi.RunErr(func(ctx *pulumi.Context) error {
		c, err := loadConfig(ctx)
		if err != nil {
			return err
		}
		_, err = lookUpSite(ctx, c)
		return err
	}, pulumi.WithMocks(testProject, testStack, m), func(info *pulumi.RunInfo) { info.DryRun = true })
}

// mustRunIn runs the program in a prepared account and fails the test on error.
func mustRunIn(t *testing.T, acct anAccount, cfg map[string]string) (*mocks, *stackOutputs) {
	t.Helper()
	m, out, err := runIn(t, acct, testStack, qualified(cfg), false)
	if err != nil {
		t.Fatalf("program failed: %v", err)
	}
	return m, out
}

// runIn runs the program in an account prepared by acct, with fully qualified config keys.
func runIn(t *testing.T, acct anAccount, stack string, cfg map[string]string, dryRun bool, opts ...pulumi.RunOption) (*mocks, *stackOutputs, error) {
	t.Helper()
	m := &mocks{harness.NewMocks(testProject, stack, testRegion)}
	if acct != nil {
		acct(m.Cloud) // first: it may run a deploy of its own (deployed)
	}
	raw, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PULUMI_CONFIG", string(raw))
	var out *stackOutputs
	err = pulumi.RunErr(func(ctx *pulumi.Context) error {
		var err error
		out, err = deploy(ctx)
		if err != nil {
			return err
		}
		out.export(ctx)
		return nil
	}, append([]pulumi.RunOption{pulumi.WithMocks(testProject, stack, m.Mocks), func(info *pulumi.RunInfo) { info.DryRun = dryRun }}, opts...)...)
	return m, out, err
}

// mustRun runs the program and fails the test on error.
func mustRun(t *testing.T, cfg map[string]string) (*mocks, *stackOutputs) {
	t.Helper()
	m, out, err := run(t, cfg, false)
	if err != nil {
		t.Fatalf("program failed: %v", err)
	}
	return m, out
}

// mustRefuse is the one check that a config is refused before any resource: the program
// runs in preview, in the account acct prepares (nil: a new one), and must fail with every
// wanted fragment in the message, having registered nothing. It returns the error.
func mustRefuse(t *testing.T, acct anAccount, cfg map[string]string, want []string, opts ...pulumi.RunOption) error {
	t.Helper()
	m, _, err := runIn(t, acct, testStack, qualified(cfg), true, opts...)
	if err == nil {
		t.Fatalf("config %v: want an error, got none", cfg)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not say %q:\n%v", w, err)
		}
	}
	if n := m.count(); n != 0 {
		t.Errorf("%d resources were registered before the error; want none", n)
	}
	return err
}

// await returns the resolved value of an output.
func await(t *testing.T, o pulumi.Output) any {
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

// Accessors for the nested maps and lists of resource inputs.

func get(t *testing.T, v any, path ...any) any {
	t.Helper()
	cur := v
	for _, p := range path {
		switch key := p.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				t.Fatalf("at %v: want an object, got %T (%v)", path, cur, cur)
			}
			cur = m[key]
		case int:
			l, ok := cur.([]any)
			if !ok || key >= len(l) {
				t.Fatalf("at %v: want a list with index %d, got %T (%v)", path, key, cur, cur)
			}
			cur = l[key]
		}
	}
	return cur
}

func str(t *testing.T, v any, path ...any) string {
	t.Helper()
	s, _ := get(t, v, path...).(string)
	return s
}

func num(t *testing.T, v any, path ...any) int {
	t.Helper()
	switch n := get(t, v, path...).(type) {
	case float64:
		return int(n)
	case int:
		return n
	}
	t.Fatalf("at %v: not a number: %v", path, get(t, v, path...))
	return 0
}

func strs(t *testing.T, v any, path ...any) []string {
	t.Helper()
	l, _ := get(t, v, path...).([]any)
	out := make([]string, len(l))
	for i, x := range l {
		out[i], _ = x.(string)
	}
	return out
}

func equal[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

func equalSlices(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\x00") != strings.Join(want, "\x00") || len(got) != len(want) {
		t.Errorf("%s: got %q, want %q", what, got, want)
	}
}

// policyStatements decodes the statements of a policy input ("policy",
// "assumeRolePolicy") of a registered resource.
func policyStatements(t *testing.T, r registered, input ...string) []policyStatement {
	t.Helper()
	key := "policy"
	if len(input) > 0 {
		key = input[0]
	}
	var doc struct{ Statement []policyStatement }
	if err := json.Unmarshal([]byte(str(t, r.Inputs, key)), &doc); err != nil {
		t.Fatalf("%s %s: %v", r.Name, key, err)
	}
	return doc.Statement
}

// containerDefs decodes a task definition's containerDefinitions JSON.
func containerDefs(t *testing.T, td registered) []any {
	t.Helper()
	var defs []any
	if err := json.Unmarshal([]byte(str(t, td.Inputs, "containerDefinitions")), &defs); err != nil {
		t.Fatalf("%s containerDefinitions: %v", td.Name, err)
	}
	return defs
}
