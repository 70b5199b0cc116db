package standin

// What AWS itself refuses or does, beyond the provider's plan: each check fails where a
// real deploy would fail, so an engine test that passes could also deploy.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// try creates an object and returns the error AWS would give.
func try(c *Cloud, typ tokens.Type, name string, in map[string]any) (string, error) {
	urn := resource.NewURN("test", "standin", "", typ, name)
	checked, failures, err := c.Check(urn, nil, resource.NewPropertyMapFromMap(in))
	if err != nil {
		return "", err
	}
	if len(failures) > 0 {
		return "", &checkFailure{failures}
	}
	id, _, err := c.Create(urn, checked, false)
	return id, err
}

type checkFailure struct{ reasons []string }

func (f *checkFailure) Error() string { return "check failed: " + strings.Join(f.reasons, "; ") }

func wantError(t *testing.T, err error, fragment string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), fragment) {
		t.Fatalf("got error %v, want one saying %q", err, fragment)
	}
}

func TestAnElasticIPIsHeldByOneThingAtATime(t *testing.T) {
	c := NewCloud()
	subnets, eips := publicSubnets(t, c)
	first, err := try(c, TypeLoadBalancer, "nlb", nlbWith(subnets, eips, nil))
	if err != nil {
		t.Fatal(err)
	}
	// A replacement created before the old NLB is gone cannot have its EIPs.
	_, err = try(c, TypeLoadBalancer, "nlb-replacement", nlbWith(subnets, eips, nil))
	wantError(t, err, "allocation IDs are not available for use")
	_, err = try(c, TypeNatGateway, "nat", map[string]any{"subnetId": subnets[0], "allocationId": eips[0]})
	wantError(t, err, "is already associated")

	// Deleted first, its EIPs are free again.
	if err := c.Delete(resource.NewURN("test", "standin", "", TypeLoadBalancer, "nlb"), first); err != nil {
		t.Fatal(err)
	}
	if _, err := try(c, TypeLoadBalancer, "nlb-replacement", nlbWith(subnets, eips, nil)); err != nil {
		t.Fatalf("after the old NLB is deleted: %v", err)
	}
}

func TestNlbInterfacesKeepTheirIPv6Addresses(t *testing.T) {
	c := NewCloud()
	subnets, eips := publicSubnets(t, c)
	urn := resource.NewURN("test", "standin", "", TypeLoadBalancer, "nlb")
	in := nlbWith(subnets[:1], eips[:1], nil)
	checked, _, _ := c.Check(urn, nil, resource.NewPropertyMapFromMap(in))
	id, state, err := c.Create(urn, checked, false)
	if err != nil {
		t.Fatal(err)
	}
	lookup := func(subnet string) resource.PropertyMap {
		t.Helper()
		eni, err := c.Invoke("aws:ec2/getNetworkInterface:getNetworkInterface", resource.NewPropertyMapFromMap(map[string]any{
			"filters": []any{
				map[string]any{"name": "description", "values": []any{"ELB " + str(state, "arnSuffix")}},
				map[string]any{"name": "subnet-id", "values": []any{subnet}},
			},
		}))
		if err != nil {
			t.Fatal(err)
		}
		return eni
	}
	before := strs(lookup(subnets[0]), "ipv6Addresses")
	if len(before) != 1 {
		t.Fatalf("the NLB's interface has IPv6 addresses %v, want one", before)
	}
	// The interface answers on the mapping's Elastic IP.
	if a := objs(lookup(subnets[0]), "associations"); len(a) != 1 || str(a[0], "publicIp") != str(c.objectState(eips[0]), "publicIp") {
		t.Errorf("the NLB's interface is associated with %v, want the mapping's EIP %s", a, str(c.objectState(eips[0]), "publicIp"))
	}

	// Adding an AZ: the first interface keeps its address, the new one gets its own.
	more := nlbWith(subnets, eips, nil)
	news, _, _ := c.Check(urn, checked, resource.NewPropertyMapFromMap(more))
	if d := c.Diff(urn, id, state, checked, news); len(d.Replaces) > 0 || len(d.Changed) == 0 {
		t.Fatalf("adding a mapping: plan %+v, want an in-place update", d)
	}
	if _, err := c.Update(urn, id, state, checked, news, false); err != nil {
		t.Fatal(err)
	}
	if after := strs(lookup(subnets[0]), "ipv6Addresses"); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Errorf("the first AZ's IPv6 address moved from %v to %v", before, after)
	}
	second := strs(lookup(subnets[1]), "ipv6Addresses")
	if len(second) != 1 || second[0] == before[0] {
		t.Errorf("the new AZ's interface has %v, want an address of its own", second)
	}

	// Without the subnet filter two interfaces match, which the data source refuses.
	_, err = c.Invoke("aws:ec2/getNetworkInterface:getNetworkInterface", resource.NewPropertyMapFromMap(map[string]any{
		"filters": []any{map[string]any{"name": "description", "values": []any{"ELB " + str(state, "arnSuffix")}}},
	}))
	wantError(t, err, "multiple EC2 Network Interfaces matched")
	_, err = c.Invoke("aws:ec2/getNetworkInterface:getNetworkInterface", resource.NewPropertyMapFromMap(map[string]any{
		"filters": []any{map[string]any{"name": "description", "values": []any{"ELB net/other/0"}}},
	}))
	wantError(t, err, "no matching EC2 Network Interface found")
}

func TestSubnetsMustFitTheVpcAndNotOverlap(t *testing.T) {
	c := NewCloud()
	vpc, _ := made(t, c, TypeVpc, "vpc", map[string]any{"cidrBlock": "10.0.0.0/16"})
	made(t, c, TypeSubnet, "a", map[string]any{"vpcId": vpc, "availabilityZone": "us-east-1a", "cidrBlock": "10.0.0.0/20"})
	_, err := try(c, TypeSubnet, "b", map[string]any{"vpcId": vpc, "availabilityZone": "us-east-1b", "cidrBlock": "10.0.8.0/21"})
	wantError(t, err, "InvalidSubnet.Conflict")
	_, err = try(c, TypeSubnet, "c", map[string]any{"vpcId": vpc, "availabilityZone": "us-east-1b", "cidrBlock": "10.1.0.0/20"})
	wantError(t, err, "InvalidSubnet.Range")
	_, err = try(c, TypeSubnet, "d", map[string]any{"vpcId": vpc, "availabilityZone": "eu-west-1a", "cidrBlock": "10.0.16.0/20"})
	wantError(t, err, "availabilityZone is invalid")
}

func TestLoadBalancerRefusals(t *testing.T) {
	c := NewCloud()
	alb, _ := made(t, c, TypeLoadBalancer, "alb", map[string]any{"internal": true, "subnets": []any{"subnet-1", "subnet-2"}})
	tg, _ := made(t, c, TypeTargetGroup, "tg", map[string]any{"targetType": "alb", "protocol": "TCP", "port": 80, "vpcId": "vpc-1"})

	// An ALB without a listener on the port cannot be registered in an ALB-type group.
	_, err := try(c, TypeTargetGroupAttachment, "att", map[string]any{"targetGroupArn": tg, "targetId": alb, "port": 80})
	wantError(t, err, "has no listener on port 80")
	listener, _ := made(t, c, TypeListener, "http", map[string]any{"loadBalancerArn": alb, "port": 80, "protocol": "HTTP"})
	if _, err := try(c, TypeTargetGroupAttachment, "att", map[string]any{"targetGroupArn": tg, "targetId": alb, "port": 80}); err != nil {
		t.Fatalf("with the listener: %v", err)
	}
	_, err = try(c, TypeListener, "http-again", map[string]any{"loadBalancerArn": alb, "port": 80, "protocol": "HTTP"})
	wantError(t, err, "DuplicateListener")

	made(t, c, TypeListenerRule, "a", map[string]any{"listenerArn": listener, "priority": 10})
	_, err = try(c, TypeListenerRule, "b", map[string]any{"listenerArn": listener, "priority": 10})
	wantError(t, err, "PriorityInUse")

	_, err = try(c, TypeTargetGroup, "tg-again", map[string]any{"name": str(c.objectState(tg), "name"), "protocol": "HTTP", "port": 80})
	wantError(t, err, "DuplicateTargetGroupName")
}

func TestEcsAndFriendsRefusals(t *testing.T) {
	c := NewCloud()
	_, err := try(c, TypeEcsTaskDefinition, "td", map[string]any{"family": "nlb-alb-fargate-my.stack-web", "containerDefinitions": containers})
	wantError(t, err, `family: "nlb-alb-fargate-my.stack-web" must be 1 to 255 letters, digits, underscores and hyphens`)

	_, err = try(c, TypeAppautoscalingTarget, "target", map[string]any{"serviceNamespace": "ecs", "resourceId": "service/c/web", "scalableDimension": "ecs:service:DesiredCount"})
	wantError(t, err, "ECS service doesn't exist")

	fargateCluster(t, c)
	_, err = try(c, TypeEcsService, "svc", map[string]any{"cluster": "arn:aws:ecs:us-east-1:1:cluster/c", "launchType": "FARGATE",
		"capacityProviderStrategies": []any{map[string]any{"capacityProvider": "FARGATE", "weight": 1}}})
	wantError(t, err, "Specifying both a launch type and capacity provider strategy is not supported")
	_, err = try(c, TypeEcsService, "svc", map[string]any{"cluster": "arn:aws:ecs:us-east-1:1:cluster/other",
		"capacityProviderStrategies": []any{map[string]any{"capacityProvider": "FARGATE_SPOT", "weight": 1}}})
	wantError(t, err, "is not in the cluster's capacity providers")

	made(t, c, TypeCloudwatchLogGroup, "logs", map[string]any{"name": "/ecs/web"})
	_, err = try(c, TypeCloudwatchLogGroup, "logs-again", map[string]any{"name": "/ecs/web"})
	wantError(t, err, "ResourceAlreadyExistsException")

	cert, _ := made(t, c, TypeAcmCertificate, "cert", map[string]any{"domainName": "example.com", "validationMethod": "DNS"})
	_, err = try(c, TypeAcmCertificateValidation, "v", map[string]any{"certificateArn": cert, "validationRecordFqdns": []any{"other.example.com"}})
	wantError(t, err, "missing example.com DNS validation record")
}

func TestTheStandinFailsLoudlyWhereItHasNoModel(t *testing.T) {
	c := NewCloud()
	_, err := try(c, "aws:s3/bucket:Bucket", "b", map[string]any{})
	wantError(t, err, "the stand-in has no model of this resource type")
	_, err = c.Invoke("aws:s3/getBucket:getBucket", resource.PropertyMap{})
	wantError(t, err, "invoke aws:s3/getBucket:getBucket is not served by the stand-in")
	_, err = c.Invoke("aws:index/getAvailabilityZones:getAvailabilityZones", resource.NewPropertyMapFromMap(map[string]any{
		"filters": []any{map[string]any{"name": "zone-color", "values": []any{"blue"}}},
	}))
	wantError(t, err, `filter "zone-color" is not modelled`)
	err = c.Delete(resource.NewURN("test", "standin", "", TypeCloudwatchLogGroup, "never"), "never")
	wantError(t, err, "no such object was created")
}

// A created resource with an explicit name is replaced delete-first (the bridge's
// nameRequiresDeleteBeforeReplace), an auto-named one create-first.
func TestExplicitNamesAreReplacedDeleteFirst(t *testing.T) {
	c := NewCloud()
	for name, in := range map[string]map[string]any{"explicit": {"name": "/ecs/web", "logGroupClass": "STANDARD"}, "autonamed": {"logGroupClass": "STANDARD"}} {
		urn := resource.NewURN("test", "standin", "", TypeCloudwatchLogGroup, name)
		checked, _, _ := c.Check(urn, nil, resource.NewPropertyMapFromMap(in))
		id, state, err := c.Create(urn, checked, false)
		if err != nil {
			t.Fatal(err)
		}
		next := merge(in, nil)
		next["logGroupClass"] = "INFREQUENT_ACCESS"
		news, _, _ := c.Check(urn, checked, resource.NewPropertyMapFromMap(next))
		d := c.Diff(urn, id, state, checked, news)
		if len(d.Replaces) == 0 || d.DeleteBeforeReplace != (name == "explicit") {
			t.Errorf("%s log group: plan %+v, want a replacement, delete-first only with an explicit name", name, d)
		}
	}
}

// A VPC look-up says "no matching EC2 VPC found" only when there is none; a refused or
// throttled DescribeVpcs is the API's error, as the provider's data source passes it on.
func TestLookUpsFailAsTheAPIDoes(t *testing.T) {
	vpc := func(c *Cloud) error {
		_, err := c.Invoke("aws:ec2/getVpc:getVpc", resource.NewPropertyMapFromMap(map[string]any{"id": "vpc-0123456789abcdef0"}))
		return err
	}
	wantError(t, vpc(NewCloud()), "no matching EC2 VPC found")
	denied := NewCloud()
	denied.Deny("ec2:DescribeVpcs")
	wantError(t, vpc(denied), "reading EC2 VPC: operation error EC2: DescribeVpcs, https response error StatusCode: 403")
	wantError(t, vpc(denied), "UnauthorizedOperation")
	throttled := NewCloud()
	throttled.Throttle("ec2:DescribeVpcs")
	wantError(t, vpc(throttled), "api error RequestLimitExceeded")
	if err := vpc(throttled); strings.Contains(err.Error(), "no matching") {
		t.Errorf("a throttled look-up reads as a missing VPC: %v", err)
	}
}

// A health check without interval, timeout, retries or startPeriod converges: ECS returns
// the first three filled in, the provider's equivalence fills them in too, and neither
// has a startPeriod. A stored startPeriod the program does not send would be a change.
func TestHealthCheckDefaultsConverge(t *testing.T) {
	defs := func(hc string) string {
		return `[{"name":"web","image":"nginx","memory":256,"portMappings":[{"containerPort":80}],"healthCheck":` + hc + `}]`
	}
	c := NewCloud()
	urn := resource.NewURN("test", "standin", "", TypeEcsTaskDefinition, "td")
	in := resource.NewPropertyMapFromMap(map[string]any{"family": "web", "networkMode": "awsvpc", "containerDefinitions": defs(`{"command":["CMD","/probe"]}`)})
	checked, _, err := c.Check(urn, nil, in)
	if err != nil {
		t.Fatal(err)
	}
	id, state, err := c.Create(urn, checked, false)
	if err != nil {
		t.Fatal(err)
	}
	stored := str(state, "containerDefinitions")
	for _, want := range []string{`"interval":30`, `"timeout":5`, `"retries":3`} {
		if !strings.Contains(stored, want) {
			t.Errorf("ECS's read-back lacks %s: %s", want, stored)
		}
	}
	if strings.Contains(stored, "startPeriod") {
		t.Errorf("ECS returned a startPeriod it was not sent: %s", stored)
	}
	if d := c.Diff(urn, id, state, checked, checked); len(d.Changed) > 0 {
		t.Errorf("the same health check plans %v", d.Changed)
	}
	withStart := checked.Copy()
	withStart["containerDefinitions"] = resource.NewStringProperty(defs(`{"command":["CMD","/probe"],"startPeriod":0}`))
	if d := c.Diff(urn, id, state, checked, withStart); len(d.Replaces) == 0 {
		t.Errorf("a startPeriod the stored definition lacks plans no replacement: %+v", d)
	}
}

// After the circuit breaker rolls a deployment back, the next up plans nothing: the
// engine compares the program with its stored state, which still names the new revision.
// A refresh reads the service back on the old revision, and up then plans an in-place
// update to the new one again.
func TestCircuitBreakerRollbackIsSeenOnlyByRefresh(t *testing.T) {
	c := NewCloud()
	fargateCluster(t, c)
	service := func(revision int) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{"name": "web", "cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/c",
			"taskDefinition": fmt.Sprintf("arn:aws:ecs:us-east-1:123456789012:task-definition/dev-web:%d", revision), "desiredCount": 2,
			"capacityProviderStrategies": []any{map[string]any{"capacityProvider": "FARGATE", "weight": 1}}})
	}
	urn := resource.NewURN("test", "standin", "", TypeEcsService, "web")
	first, _, err := c.Check(urn, nil, service(1))
	if err != nil {
		t.Fatal(err)
	}
	id, stored, err := c.Create(urn, first, false)
	if err != nil {
		t.Fatal(err)
	}
	c.Settle() // revision 1's deployment completes: what the circuit breaker goes back to
	checked, _, err := c.Check(urn, first, service(2))
	if err != nil {
		t.Fatal(err)
	}
	if stored, err = c.Update(urn, id, stored, first, checked, false); err != nil {
		t.Fatal(err)
	}
	if err := c.RollBackDeployment(id); err != nil {
		t.Fatal(err)
	}
	if d := c.Diff(urn, id, stored, checked, checked); len(d.Changed) > 0 {
		t.Errorf("without a refresh, up plans %v", d.Changed)
	}
	refreshed, ok := c.Read(id)
	if !ok || str(refreshed, "taskDefinition") != "arn:aws:ecs:us-east-1:123456789012:task-definition/dev-web:1" {
		t.Fatalf("refresh reads the service on %q, want the earlier revision", str(refreshed, "taskDefinition"))
	}
	d := c.Diff(urn, id, refreshed, checked, checked)
	if !contains(d.Changed, "taskDefinition") || len(d.Replaces) > 0 {
		t.Errorf("after the refresh, up plans %+v; want an in-place update of taskDefinition", d)
	}
}
