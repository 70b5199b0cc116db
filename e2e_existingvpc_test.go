package main

// An existing VPC under the real engine (the mocked tests are existingvpc_test.go).

import (
	"fmt"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/example/nlb-alb-fargate/internal/standin/harness"
)

// Under the engine, an existing VPC whose subnets cannot take the stack stops `pulumi up`
// with the look-ups' problems, and nothing is created in the account.
func TestEngineExistingVpcProblemsStopUp(t *testing.T) {
	cloud := standin.NewCloud()
	team := seedNetwork(t, cloud, networkTeam)
	e := harness.NewStack(t, harness.PulumiCLI(t), harness.StackOptions{Name: "existing-vpc", ConfigFile: "examples/existing-vpc.yaml", Program: program, Cloud: cloud})
	// The lists swapped: the NLB would land in private subnets, the tasks in public ones.
	cfg := existingVpcConfig(standin.SharedNetwork{VpcID: team.VpcID, PublicSubnetIDs: team.PrivateSubnetIDs, PrivateSubnetIDs: team.PublicSubnetIDs})
	yaml := "config:\n  aws:region: us-east-1\n"
	for _, k := range []string{"vpcId", "publicSubnetIds", "privateSubnetIds"} {
		yaml += fmt.Sprintf("  %s:%s: %s\n", testProject, k, cfg[k])
	}
	e.SetConfig(t, []byte(yaml))
	_, _, err := e.TryUp(t)
	if err == nil {
		t.Fatal("up into swapped subnets succeeded")
	}
	for _, w := range []string{
		"the existing VPC cannot take the stack (6 problems; nothing was deployed)",
		fmt.Sprintf("publicSubnetIds[0]: %s is not public", team.PrivateSubnetIDs[0]),
		fmt.Sprintf("privateSubnetIds[2]: %s is public", team.PublicSubnetIDs[2]),
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("up error does not say %q:\n%v", w, err)
		}
	}
	if live := cloud.Live(); len(live) != 0 {
		t.Errorf("the failed up created %v", live)
	}
}
