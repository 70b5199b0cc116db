package main

// Static IPs that outlive the stack, and the preflight (project issue 11).

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/stacktest"
	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

func resourceArgs(m map[string]any) resource.PropertyMap { return resource.NewPropertyMapFromMap(m) }

var testStackTag = testProject + "/" + testStack

// seed makes objects outside the stack and returns their ids.
func seed(t *testing.T, c *standin.Cloud, typ tokens.Type, n int, in func(i int) map[string]any) []string {
	t.Helper()
	var ids []string
	for i := range n {
		id, err := c.Seed(typ, fmt.Sprintf("%s-%d", typ.Name(), i), in(i))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func eipsOf(tags map[string]any) func(int) map[string]any {
	return func(int) map[string]any { return map[string]any{"domain": "vpc", "tags": tags} }
}

// refusedIn runs the program in a prepared account, which must refuse it with every

func TestPreflightStopsBeforeTheQuotaIsReached(t *testing.T) {
	err := mustRefuse(t, nil, map[string]string{"azCount": "3"}, []string{
		`preflight: the account cannot hold this stack (1 problem; nothing was deployed)`,
		`Elastic IPs: this config needs 6, this stack holds 0, and 0 of the 5 allowed in us-east-1 ("EC2-VPC Elastic IPs", quota L-0263D0A3) are in use: 1 short; raise the quota in Service Quotas, or release Elastic IPs you do not use, or need fewer (natGateways: single, eipAllocationIds)`})
	var ce *config.Error
	if !errors.As(err, &ce) {
		t.Errorf("want a *config.Error, got %T", err)
	}

	// Others' objects count; every shortfall is reported at once.
	crowded := func(c *standin.Cloud) {
		seed(t, c, standin.TypeEip, 3, eipsOf(nil))
		seed(t, c, standin.TypeVpc, 5, func(i int) map[string]any { return map[string]any{"cidrBlock": fmt.Sprintf("10.%d.0.0/16", 100+i)} })
	}
	mustRefuse(t, crowded, nil, []string{"(2 problems; nothing was deployed)",
		`Elastic IPs: this config needs 4, this stack holds 0, and 3 of the 5 allowed in us-east-1 ("EC2-VPC Elastic IPs", quota L-0263D0A3) are in use: 2 short`,
		`VPCs: this config needs 1, this stack holds 0, and 5 of the 5 allowed in us-east-1 ("VPCs per Region", quota L-F678F1CE) are in use: 1 short; raise the quota in Service Quotas, or delete a VPC you do not use`})

	// NAT gateways are counted per AZ, where their quota applies.
	// Five NAT gateways in us-east-1a, the first in the given states.
	busyAZ := func(states ...string) anAccount {
		return func(c *standin.Cloud) {
			c.SetQuota("ec2", "L-0263D0A3", 20)
			vpc := seed(t, c, standin.TypeVpc, 1, func(int) map[string]any { return map[string]any{"cidrBlock": "10.200.0.0/16"} })[0]
			subnet := seed(t, c, standin.TypeSubnet, 1, func(int) map[string]any {
				return map[string]any{"vpcId": vpc, "availabilityZone": "us-east-1a", "cidrBlock": "10.200.0.0/20"}
			})[0]
			seed(t, c, standin.TypeInternetGateway, 1, func(int) map[string]any { return map[string]any{"vpcId": vpc} }) // an internet-facing NLB needs one
			eips := seed(t, c, standin.TypeEip, 5, eipsOf(nil))
			nats := seed(t, c, standin.TypeNatGateway, 5, func(i int) map[string]any { return map[string]any{"subnetId": subnet, "allocationId": eips[i]} })
			for i, s := range states {
				c.SetNatGatewayState(nats[i], s)
			}
		}
	}
	mustRefuse(t, busyAZ(), nil, []string{"(1 problem;",
		`NAT gateways in us-east-1a: this config needs 1, this stack holds 0, and 5 of the 5 allowed in us-east-1a ("NAT gateways per Availability Zone", quota L-FE5A380F) are in use: 1 short`})
	// The quota counts gateways pending, available and deleting; a deleted one is free.
	mustRefuse(t, busyAZ("deleting", "pending"), nil, []string{"and 5 of the 5 allowed in us-east-1a"})
	mustRunIn(t, busyAZ("deleted"), nil)

	// The services' vCPU at their desired counts.
	mustRefuse(t, nil, map[string]string{"desiredCount": "30"}, []string{
		`Fargate On-Demand vCPU: the services need 7.5 at their desired counts, more than the 6 allowed ("Fargate On-Demand vCPU resource count", quota L-3032A538)`})
	mustRefuse(t, nil, map[string]string{"spot": "true", "cpu": "1024", "memory": "2048", "desiredCount": "7"}, []string{
		`Fargate Spot vCPU: the services need 7 at their desired counts, more than the 6 allowed ("Fargate Spot vCPU resource count", quota L-36FBB829)`})
}

// A running stack holds its own Elastic IPs already: they are not needed twice. Its own
// are those its NLB and NAT gateways hold.
func TestPreflightCountsTheStacksOwnOnce(t *testing.T) {
	running := func(c *standin.Cloud) {
		deployed(t, nil, nil)(c) // 4 Elastic IPs: 2 on the NLB, 2 on the NAT gateways
		seed(t, c, standin.TypeEip, 1, eipsOf(map[string]any{"pulumi-stack": testProject + "/prod"}))
	}
	if err := lookUpIn(t, running, nil); err != nil {
		t.Fatalf("5 of 5 in use, 4 of them this stack's: %v", err)
	}
	// The stack's own resources are tagged so.
	m, _ := mustRun(t, nil)
	for _, typ := range []string{string(standin.TypeEip), string(standin.TypeVpc), string(standin.TypeNatGateway), string(standin.TypeLoadBalancer)} {
		for _, r := range m.ByType(typ) {
			stacktest.Equal(t, r.Name+" stack tag", stacktest.Str(t, r.Inputs, "tags", "pulumi-stack"), testStackTag)
		}
	}
}

// Elastic IPs an earlier deploy kept (retainStaticIps, then destroy) carry the stack's tag
// but nothing holds them: a new deploy allocates new ones, so they count against the
// quota, and the message says eipAllocationIds can reuse them.
func TestPreflightCountsRetainedElasticIPsAsInUse(t *testing.T) {
	var retained []string
	destroyedWithRetainedEIPs := func(c *standin.Cloud) {
		retained = seed(t, c, standin.TypeEip, 4, eipsOf(map[string]any{"pulumi-stack": testStackTag}))
	}
	err := mustRefuse(t, destroyedWithRetainedEIPs, nil, []string{
		`Elastic IPs: this config needs 4, this stack holds 0, and 4 of the 5 allowed in us-east-1 ("EC2-VPC Elastic IPs", quota L-0263D0A3) are in use: 3 short; raise the quota in Service Quotas, or reuse 4 of this stack's Elastic IPs that an earlier deploy kept (retainStaticIps) and nothing holds: eipAllocationIds [`})
	for _, id := range retained {
		if !strings.Contains(err.Error(), id) {
			t.Errorf("the message does not name retained %s:\n%v", id, err)
		}
	}
	// Reusing two of them for the NLB leaves the NAT gateways' two to allocate, with the
	// other two retained still in use: one short, and those two named.
	err = mustRefuse(t, destroyedWithRetainedEIPs, map[string]string{"eipAllocationIds": idsConfig(retained[:2])}, []string{
		`Elastic IPs: this config needs 2, this stack holds 0, and 4 of the 5 allowed in us-east-1 ("EC2-VPC Elastic IPs", quota L-0263D0A3) are in use: 1 short; raise the quota in Service Quotas, or reuse 2 of this stack's Elastic IPs`})
	if strings.Contains(err.Error(), retained[0]) || !strings.Contains(err.Error(), retained[2]) || !strings.Contains(err.Error(), retained[3]) {
		t.Errorf("the message should offer the two not yet reused:\n%v", err)
	}
}

// The program goes on when Service Quotas denies it a quota: preflight warns (its own
// test in internal/site shows the warning) and checks the rest.
func TestPreflightGoesOnWithoutAQuota(t *testing.T) {
	denied := func(c *standin.Cloud) { c.Deny("servicequotas:GetServiceQuota") }
	if _, _, err := runIn(t, denied, testStack, qualified(map[string]string{"azCount": "3"}), true); err != nil {
		t.Fatalf("with the Elastic IP quota unreadable: %v", err)
	}
}

func TestPreflightCanBeSkipped(t *testing.T) {
	if _, _, err := runIn(t, nil, testStack, qualified(map[string]string{"azCount": "3", "preflight": "false"}), true); err != nil {
		t.Fatalf("preflight: false: %v", err)
	}
}

// freeEIPs is an account with n Elastic IPs of its own, unassociated, and their ids (the
// stand-in's ids are the same in every account seeded alike).
func freeEIPs(t *testing.T, n int) (anAccount, []string) {
	t.Helper()
	ids := seed(t, standin.NewCloud(), standin.TypeEip, n, eipsOf(nil))
	return func(c *standin.Cloud) {
		if got := seed(t, c, standin.TypeEip, n, eipsOf(nil)); strings.Join(got, ",") != strings.Join(ids, ",") {
			t.Fatalf("seeded Elastic IPs %v, want %v", got, ids)
		}
	}, ids
}

func idsConfig(ids []string) string {
	return `["` + strings.Join(ids, `","`) + `"]`
}

// Your own Elastic IPs: the NLB maps them, the stack allocates none, and reports them.
func TestOwnElasticIPs(t *testing.T) {
	acct, ids := freeEIPs(t, 2)
	m, out := mustRunIn(t, acct, map[string]string{"eipAllocationIds": idsConfig(ids)})
	stacktest.Equal(t, "Elastic IPs the stack allocates for the NLB", len(m.ByType(string(standin.TypeEip))), 2) // the NAT gateways' only
	for _, e := range m.ByType(string(standin.TypeEip)) {
		if strings.HasPrefix(e.Name, "nlb-eip") {
			t.Errorf("%s allocated though eipAllocationIds are given", e.Name)
		}
	}
	mappings := stacktest.Get(t, m.One(t, string(standin.TypeLoadBalancer), "nlb").Inputs, "subnetMappings")
	var ips []string
	for i, id := range ids {
		stacktest.Equal(t, fmt.Sprintf("mapping %d allocationId", i), stacktest.Str(t, mappings, i, "allocationId"), id)
		eip, err := m.Cloud.Invoke("aws:ec2/getElasticIp:getElasticIp", resourceArgs(map[string]any{"id": id}))
		if err != nil {
			t.Fatal(err)
		}
		ips = append(ips, eip["publicIp"].StringValue())
	}
	stacktest.EqualSlices(t, "staticIps", stacktest.Await(t, out.StaticIPs).([]string), ips)
	stacktest.EqualSlices(t, "staticIpAllocationIds", stacktest.Await(t, out.AllocationIDs).([]string), ids)
}

func TestOwnElasticIPsAreChecked(t *testing.T) {
	acct, ids := freeEIPs(t, 2)
	mustRefuse(t, nil, map[string]string{"eipAllocationIds": `["eipalloc-0123456789abcdef0","eipalloc-0123456789abcdef1"]`}, []string{
		`eipAllocationIds[0]: invalid value "eipalloc-0123456789abcdef0": eipalloc-0123456789abcdef0 was not found in the stack's account and region`,
		`eipAllocationIds[1]: invalid value "eipalloc-0123456789abcdef1": eipalloc-0123456789abcdef1 was not found in the stack's account and region`})
	// An Elastic IP that cannot be looked up is not called missing.
	denied := func(c *standin.Cloud) {
		acct(c)
		c.Deny("ec2:DescribeAddresses")
	}
	mustRefuse(t, denied, map[string]string{"eipAllocationIds": idsConfig(ids)}, []string{
		`eipAllocationIds[0]: invalid value "` + ids[0] + `": looking up ` + ids[0] + ` failed (it needs ec2:DescribeAddresses): `,
		"is not authorized to perform: ec2:DescribeAddresses"})

	// One in use by an instance, the other by another stack's NLB.
	inUse := func(c *standin.Cloud) {
		acct(c)
		if err := c.AssociateEIP(ids[0], "i-0123456789abcdef0"); err != nil {
			t.Fatal(err)
		}
		vpc := seed(t, c, standin.TypeVpc, 1, func(int) map[string]any {
			return map[string]any{"cidrBlock": "10.200.0.0/16", "assignGeneratedIpv6CidrBlock": true}
		})[0]
		subnet := seed(t, c, standin.TypeSubnet, 1, func(int) map[string]any {
			return map[string]any{"vpcId": vpc, "availabilityZone": "us-east-1a", "cidrBlock": "10.200.0.0/20"}
		})[0]
		seed(t, c, standin.TypeInternetGateway, 1, func(int) map[string]any { return map[string]any{"vpcId": vpc} }) // an internet-facing NLB needs one
		seed(t, c, standin.TypeLoadBalancer, 1, func(int) map[string]any {
			return map[string]any{"name": "partner-nlb", "loadBalancerType": "network", "tags": map[string]any{"pulumi-stack": testProject + "/prod"},
				"subnetMappings": []any{map[string]any{"subnetId": subnet, "allocationId": ids[1]}}}
		})
	}
	mustRefuse(t, inUse, map[string]string{"eipAllocationIds": idsConfig(ids)}, []string{
		`eipAllocationIds[0]: invalid value "` + ids[0] + `": `, `is associated with instance i-0123456789abcdef0; disassociate it first, or give another`,
		`eipAllocationIds[1]: invalid value "` + ids[1] + `": `, `is associated with network load balancer partner-nlb, not this stack's; disassociate it first, or give another`})
}

// Naming the stack's own Elastic IPs in eipAllocationIds lets go of its nlb-eip
// resources, which releases the addresses while the NLB holds them unless an earlier up
// applied retainStaticIps. So that is refused, with the two steps that work.
func TestOwnElasticIPsOfTheStackNeedRetainingFirst(t *testing.T) {
	for _, tc := range []struct {
		name     string
		first    map[string]string // the running stack's config
		then     map[string]string // over it, with eipAllocationIds its Elastic IPs
		refusals bool
	}{
		{"retainStaticIps off", nil, nil, true},
		{"retainStaticIps set in the same step", nil, map[string]string{"retainStaticIps": "true"}, true},
		{"retainStaticIps applied first", map[string]string{"retainStaticIps": "true"}, map[string]string{"retainStaticIps": "true"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ids []string
			cfg := map[string]string{}
			for k, v := range tc.then {
				cfg[k] = v
			}
			running := func(c *standin.Cloud) {
				deployed(t, tc.first, &ids)(c)
				cfg["eipAllocationIds"] = idsConfig(ids) // lookUpIn reads cfg after the account is ready
			}
			err := lookUpIn(t, running, cfg)
			if !tc.refusals {
				if err != nil {
					t.Fatalf("after retainStaticIps was applied: %v", err)
				}
				return
			}
			want := `eipAllocationIds[0]: invalid value "` + ids[0] + `": `
			if err == nil || !strings.Contains(err.Error(), want) ||
				!strings.Contains(err.Error(), "is this stack's own Elastic IP nlb-eip-0, which the stack releases when it stops allocating it, while the NLB still holds it; keep it first: set retainStaticIps: true and run pulumi up, then set eipAllocationIds") {
				t.Errorf("got %v", err)
			}
		})
	}
}

// retainStaticIps keeps the NLB's Elastic IPs on destroy, and only those.
func TestRetainStaticIPs(t *testing.T) {
	m, _ := mustRun(t, map[string]string{"retainStaticIps": "true"})
	for _, e := range m.ByType(string(standin.TypeEip)) {
		stacktest.Equal(t, e.Name+" retained on delete", e.RetainOnDelete, strings.HasPrefix(e.Name, "nlb-eip"))
	}
	plain, _ := mustRun(t, nil)
	for _, e := range plain.ByType(string(standin.TypeEip)) {
		stacktest.Equal(t, e.Name+" retained on delete by default", e.RetainOnDelete, false)
	}
}
