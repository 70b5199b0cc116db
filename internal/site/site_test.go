package site

// The look-ups' checks on their own, where a program run would show them less plainly:
// preflight's arithmetic and its warnings, the subnet rules, a Region with too few AZs.

import (
	"errors"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/stacktest"
	"github.com/example/nlb-alb-fargate/internal/standin/harness"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// fakeInventory answers preflight's reads from fields, for what the stand-in cannot show:
// a warning that does not stop the program.
type fakeInventory struct {
	quotas map[string]float64
	failed map[string]error
}

func (a fakeInventory) quota(q quota) (float64, error) {
	if err := a.failed[q.code]; err != nil {
		return 0, err
	}
	return a.quotas[q.code], nil
}
func (fakeInventory) addresses() ([]address, error)                 { return nil, nil }
func (fakeInventory) vpcs(bool) (int, error)                        { return 0, nil }
func (fakeInventory) loadBalancers(bool) (int, int, error)          { return 0, 0, nil }
func (fakeInventory) natGatewaysPerAZ(bool) (map[string]int, error) { return map[string]int{}, nil }

func TestPreflightWarnsAndGoesOn(t *testing.T) {
	acct := fakeInventory{
		quotas: map[string]float64{"L-F678F1CE": 5, "L-FE5A380F": 5, "L-53DA6B97": 50, "L-69A177A2": 50, "L-3032A538": 6, "L-36FBB829": 6},
		failed: map[string]error{"L-0263D0A3": errors.New("AccessDeniedException: not authorized to perform servicequotas:GetServiceQuota")},
	}
	cfg := &config.Stack{Network: config.Network{NatGateways: "perAz"}, Services: []config.Service{{Cpu: 256, DesiredCount: 2, Autoscaling: &config.Autoscaling{Max: 40}}}}
	r := preflight(acct, demandOf(cfg, []string{"us-east-1a", "us-east-1b", "us-east-1c"}), "us-east-1")
	if len(r.problems.List()) != 0 {
		t.Errorf("problems %v; want none: an unreadable quota is not a shortfall", r.problems.List())
	}
	want := []string{
		`preflight: could not read its value of "EC2-VPC Elastic IPs" (quota ec2/L-0263D0A3), so it is not checked: AccessDeniedException`,
		`preflight: Fargate On-Demand vCPU: the services need 10 at their autoscaling maxima, more than the 6 allowed ("Fargate On-Demand vCPU resource count", quota L-3032A538): scaling will stop short`,
	}
	got := strings.Join(r.warnings, "\n")
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("warnings do not say %q:\n%s", w, got)
		}
	}
}

// Reading a quota takes two permissions, and a missing one is named in what preflight
// warns (the stand-in's TestServiceQuotaLookUp models the two calls and the fallback).
func TestQuotaLookUpNamesAMissingPermission(t *testing.T) {
	for _, action := range []string{"servicequotas:GetAWSDefaultServiceQuota", "servicequotas:GetServiceQuota"} {
		m := harness.NewMocks("site", "test", "us-east-1")
		m.Cloud.Deny(action)
		err := pulumi.RunErr(func(ctx *pulumi.Context) error {
			_, err := liveInventory{ctx: ctx}.quota(quotaEIPs)
			if err == nil || !strings.Contains(err.Error(), "is not authorized to perform: "+action) {
				t.Errorf("without %s: got %v", action, err)
			}
			return nil
		}, pulumi.WithMocks("site", "test", m))
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestSplitTasksBetweenFargateAndSpot(t *testing.T) {
	mix := []config.CapacityProviderStrategy{{CapacityProvider: "FARGATE", Base: 1, Weight: 1}, {CapacityProvider: "FARGATE_SPOT", Weight: 3}}
	for _, tc := range []struct {
		n, onDemand, spot int
		strategy          []config.CapacityProviderStrategy
	}{
		{10, 10, 0, []config.CapacityProviderStrategy{{CapacityProvider: "FARGATE", Weight: 1}}},
		{10, 0, 10, []config.CapacityProviderStrategy{{CapacityProvider: "FARGATE_SPOT", Weight: 1}}},
		{10, 4, 7, mix}, // base 1, then 9 by 1:3, rounded up each way
		{1, 1, 0, mix},
	} {
		od, spot := splitTasks(tc.n, tc.strategy)
		if od != tc.onDemand || spot != tc.spot {
			t.Errorf("%d tasks on %v: got %d On-Demand and %d Spot, want %d and %d", tc.n, tc.strategy, od, spot, tc.onDemand, tc.spot)
		}
	}
}

// The subnet checks on their own: the free-address rule needs a subnet full of
// interfaces, which is simpler to state here than to seed.
func TestSubnetRoleChecks(t *testing.T) {
	p := &config.Problems{}
	checkSubnetRole(p, "privateSubnetIds[0]", foundSubnet{ID: "subnet-1", CIDR: "10.0.0.0/27", FreeIPs: 7, DefaultRoute: "nat-1", RouteTableID: "rtb-1"}, false)
	checkSubnetRole(p, "publicSubnetIds[0]", foundSubnet{ID: "subnet-2", CIDR: "10.0.1.0/29", FreeIPs: 3, RouteTableID: "rtb-2"}, true)
	checkSubnetRole(p, "publicSubnetIds[1]", foundSubnet{ID: "subnet-3", CIDR: "10.0.2.0/28", FreeIPs: 11, DefaultRoute: "igw-1", RouteTableID: "rtb-3"}, true)
	stacktest.EqualSlices(t, "problems", p.List(), []string{
		"privateSubnetIds[0]: subnet-1 has 7 free IP addresses: the internal ALB needs at least 8",
		"publicSubnetIds[0]: subnet-2 is not public (route table rtb-2 has no IPv4 default route): the internet-facing NLB and its Elastic IPs need a subnet whose 0.0.0.0/0 route goes to an internet gateway",
		"publicSubnetIds[0]: subnet-2 is a /29 (10.0.1.0/29): the NLB needs a /28 or larger",
		"publicSubnetIds[0]: subnet-2 has 3 free IP addresses: the NLB needs at least 8",
	})
}

func TestRegionWithTooFewZones(t *testing.T) {
	// Mocked regions have six AZs, the most azCount allows; a smaller region is checked here.
	_, err := availabilityZonesFrom([]string{"us-west-1a", "us-west-1c"}, 3)
	if err == nil || !strings.Contains(err.Error(), "azCount: invalid value 3: the region has only 2 available Availability Zones") {
		t.Fatalf("got %v", err)
	}
}
