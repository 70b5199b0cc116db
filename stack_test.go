package main

// The program under pulumi.WithMocks on the stand-in AWS (internal/stacktest): how this
// package's mocked tests run the dev stack, in a new account or one prepared for them, in
// preview or as an `up`, and check that a bad config is refused before any resource.

import (
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/site"
	"github.com/example/nlb-alb-fargate/internal/stacktest"
	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/example/nlb-alb-fargate/internal/standin/harness"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// devStack is the stack the mocked tests run: the project named in Pulumi.yaml, so that
// a project made from the template under another name passes its own tests.
var devStack = stacktest.Stack{Project: stacktest.ProjectName("Pulumi.yaml"), Name: "dev", Region: "us-east-1"}

var (
	testProject = devStack.Project
	testStack   = devStack.Name
	testRegion  = devStack.Region
)

// mocks is what a run registered in the stand-in account.
type mocks = stacktest.Mocks

// anAccount prepares the stand-in account before the program runs; nil is a new account.
type anAccount = stacktest.Account

func urn(typ, name string) string { return devStack.URN(typ, name) }

// qualified is cfg with the project prefix on its keys, and the region.
func qualified(cfg map[string]string) map[string]string { return devStack.Qualified(cfg) }

// deployAndExport is the program as `pulumi up` runs it, returning its outputs.
func deployAndExport(ctx *pulumi.Context) (*stackOutputs, error) {
	out, err := deploy(ctx)
	if err != nil {
		return nil, err
	}
	out.export(ctx)
	return out, nil
}

// run executes the real program under mocks with the given project config (keys without
// the project prefix; values as Pulumi passes them, i.e. strings, JSON for structures).
func run(t *testing.T, cfg map[string]string, dryRun bool) (*mocks, *stackOutputs, error) {
	t.Helper()
	return runRaw(t, qualified(cfg), dryRun)
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

// runIn runs the program in an account prepared by acct, with fully qualified config keys.
func runIn(t *testing.T, acct anAccount, stack string, cfg map[string]string, dryRun bool, opts ...pulumi.RunOption) (*mocks, *stackOutputs, error) {
	t.Helper()
	s := devStack
	s.Name = stack
	return stacktest.Run(t, s, acct, cfg, dryRun, deployAndExport, opts...)
}

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
		var out *stackOutputs
		err := stacktest.RunOn(t, harness.NewMocksOn(c, devStack.Project, devStack.Name), devStack, qualified(cfg), func(ctx *pulumi.Context) (err error) {
			out, err = deploy(ctx)
			return err
		})
		if err != nil {
			t.Fatalf("the first deploy: %v", err)
		}
		if allocationIDs != nil {
			*allocationIDs = stacktest.Await(t, out.AllocationIDs).([]string)
		}
	}
}

// lookUpIn runs the program's first two stages only (the config, then the look-ups in the
// account, preflight among them) in a prepared account: for a second run of a stack that
// mocks, having no state, would otherwise create again.
func lookUpIn(t *testing.T, acct anAccount, cfg map[string]string) error {
	t.Helper()
	m := harness.NewMocks(devStack.Project, devStack.Name, devStack.Region)
	acct(m.Cloud) // first: it may run a deploy of its own (deployed), and fill in cfg
	return stacktest.RunOn(t, m, devStack, qualified(cfg), func(ctx *pulumi.Context) error {
		c, err := loadConfig(ctx)
		if err != nil {
			return err
		}
		_, err = site.LookUp(ctx, c)
		return err
	}, func(info *pulumi.RunInfo) { info.DryRun = true })
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
	if n := m.Count(); n != 0 {
		t.Errorf("%d resources were registered before the error; want none", n)
	}
	return err
}

// policyStatements decodes the statements of a policy input ("policy",
// "assumeRolePolicy") of a registered resource.
func policyStatements(t *testing.T, r stacktest.Registered, input ...string) []site.PolicyStatement {
	t.Helper()
	key := "policy"
	if len(input) > 0 {
		key = input[0]
	}
	var doc struct{ Statement []site.PolicyStatement }
	stacktest.JSONInput(t, r, key, &doc)
	return doc.Statement
}

// containerDefs decodes a task definition's containerDefinitions JSON.
func containerDefs(t *testing.T, td stacktest.Registered) []any {
	t.Helper()
	var defs []any
	stacktest.JSONInput(t, td, "containerDefinitions", &defs)
	return defs
}
