package standin

// Each rule of the stand-in must bite: a scenario that plans one way with the rule and
// another way without it. A rule without a scenario, or one whose scenarios plan the same
// without it, fails TestEveryRuleBites.

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// outcome is what a plan does to one resource.
type outcome string

const (
	none    outcome = "no change"
	update  outcome = "update"
	replace outcome = "replace"
)

// scenario creates one resource and plans the next inputs, or checks what was stored.
type scenario struct {
	rule   string         // the rule id it proves, from RuleIDs
	typ    tokens.Type    // the resource
	create map[string]any // inputs at creation
	next   map[string]any // inputs of the next plan; nil: the same as create (or changed by change)
	change func(next map[string]any)
	want   outcome // the plan with the rule on
	// stored, for Read rules: a property of the stored state that holds with the rule on
	// and not without it.
	stored func(state resource.PropertyMap) bool
	// planned, for SetNewComputed rules: a property of the preview of the update to next
	// that holds with the rule on and not without it.
	planned func(preview resource.PropertyMap) bool
	// calls, for the IAM request rules: a property of the IAM calls made by the create
	// (and by the update to next, when set) that holds with the rule on and not without it.
	calls func(calls []IAMCall) bool
	// refuses, for rules of what AWS refuses: the create fails with this text with the
	// rule on, and succeeds without it.
	refuses string
	setup   func(t *testing.T, c *Cloud) map[string]any // objects it needs; merged into create and next
	// meanwhile changes the account or the provider between the create and the next plan
	// (new default tags), with the rule on or off alike.
	meanwhile func(c *Cloud)
	// refresh: the next plan compares with what a refresh (the provider's Read) stores,
	// not with what Create stored, as `pulumi preview --refresh` does.
	refresh bool
}

func (s scenario) run(t *testing.T, off bool) (outcome, bool) {
	t.Helper()
	c := NewCloud()
	extra := map[string]any{}
	if s.setup != nil {
		extra = s.setup(t, c)
	}
	if off {
		c.Off(s.rule)
	}
	urn := resource.NewURN("test", "standin", "", s.typ, "it")
	create, next := merge(s.create, extra), merge(s.next, extra)
	if s.next == nil {
		next = merge(create, nil)
	}
	if s.change != nil {
		s.change(next)
	}
	checked, failures, err := c.Check(urn, nil, resource.NewPropertyMapFromMap(create))
	if err != nil || len(failures) > 0 {
		t.Fatalf("%s: check: %v %v", s.rule, err, failures)
	}
	id, state, err := c.Create(urn, checked, false)
	if s.refuses != "" {
		return "", err != nil && strings.Contains(err.Error(), s.refuses)
	}
	if err != nil {
		t.Fatalf("%s: create: %v", s.rule, err)
	}
	if s.stored != nil {
		return "", s.stored(state)
	}
	if s.calls != nil && s.next == nil {
		return "", s.calls(c.IAMCalls())
	}
	if s.meanwhile != nil {
		s.meanwhile(c)
	}
	if s.refresh {
		if state, _ = c.Read(id); state == nil {
			t.Fatalf("%s: refresh: the object is gone", s.rule)
		}
	}
	news, _, err := c.Check(urn, checked, resource.NewPropertyMapFromMap(next))
	if err != nil {
		t.Fatalf("%s: check: %v", s.rule, err)
	}
	if s.planned != nil {
		preview, err := c.Update(urn, id, state, checked, news, true)
		if err != nil {
			t.Fatalf("%s: preview update: %v", s.rule, err)
		}
		return "", s.planned(preview)
	}
	if s.calls != nil {
		if _, err := c.Update(urn, id, state, checked, news, false); err != nil {
			t.Fatalf("%s: update: %v", s.rule, err)
		}
		return "", s.calls(c.IAMCalls())
	}
	d := c.Diff(urn, id, state, checked, news)
	switch {
	case len(d.Replaces) > 0:
		return replace, false
	case len(d.Changed) > 0:
		return update, false
	}
	return none, false
}

func merge(a, b map[string]any) map[string]any {
	if a == nil && b == nil {
		return nil
	}
	out := map[string]any{}
	for k, v := range b {
		out[k] = v
	}
	for k, v := range a {
		out[k] = v
	}
	return out
}

// made creates an object the scenario needs and returns its id and state.
func made(t *testing.T, c *Cloud, typ tokens.Type, name string, in map[string]any) (string, resource.PropertyMap) {
	t.Helper()
	urn := resource.NewURN("test", "standin", "", typ, name)
	checked, failures, err := c.Check(urn, nil, resource.NewPropertyMapFromMap(in))
	if err != nil || len(failures) > 0 {
		t.Fatalf("%s: check: %v %v", urn, err, failures)
	}
	id, state, err := c.Create(urn, checked, false)
	if err != nil {
		t.Fatalf("%s: create: %v", urn, err)
	}
	return id, state
}

// publicSubnets makes a dual-stack VPC with an internet gateway, two subnets and an EIP
// for each.
func publicSubnets(t *testing.T, c *Cloud) (subnets, eips []string) {
	vpc, vpcState := made(t, c, TypeVpc, "vpc", map[string]any{"cidrBlock": "10.0.0.0/16", "assignGeneratedIpv6CidrBlock": true})
	made(t, c, TypeInternetGateway, "igw", map[string]any{"vpcId": vpc})
	block := str(vpcState, "ipv6CidrBlock")
	for i, az := range []string{"a", "b"} {
		id, _ := made(t, c, TypeSubnet, "public-"+az, map[string]any{
			"vpcId": vpc, "availabilityZone": "us-east-1" + az, "cidrBlock": fmt.Sprintf("10.0.%d.0/20", 16*i),
			"ipv6CidrBlock": strings.Replace(block, "00::/56", fmt.Sprintf("%02x::/64", i), 1),
		})
		eip, _ := made(t, c, TypeEip, "eip-"+az, map[string]any{"domain": "vpc"})
		subnets, eips = append(subnets, id), append(eips, eip)
	}
	return subnets, eips
}

// nlb is a dual-stack NLB mapped into two subnets with their EIPs.
func nlb(t *testing.T, c *Cloud) map[string]any {
	subnets, eips := publicSubnets(t, c)
	return nlbWith(subnets, eips, nil)
}

// nlbWith makes the scenario's NLB inputs: mappings of the two subnets with their EIPs,
// and each mapping changed by pin.
func nlbWith(subnets, eips []string, pin func(i int, m map[string]any)) map[string]any {
	var mappings []any
	for i := range subnets {
		m := map[string]any{"subnetId": subnets[i], "allocationId": eips[i]}
		if pin != nil {
			pin(i, m)
		}
		mappings = append(mappings, m)
	}
	return map[string]any{"loadBalancerType": "network", "ipAddressType": "dualstack", "subnetMappings": mappings, "securityGroups": []any{"sg-1"}}
}

// withDefaultTags is a setup that configures the provider's default tags.
func withDefaultTags(tags map[string]string) func(*testing.T, *Cloud) map[string]any {
	return func(_ *testing.T, c *Cloud) map[string]any {
		c.SetDefaultTags(tags)
		return map[string]any{}
	}
}

const policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// samePolicy is policy as another writer would: other key order, whitespace, lists.
const samePolicy = `{
  "Statement": [{"Action": ["sts:AssumeRole"], "Effect": "Allow", "Principal": {"Service": ["ecs-tasks.amazonaws.com"]}}],
  "Version": "2012-10-17"
}`

const containers = `[{"name":"web","image":"nginx","memory":256,"essential":true,"portMappings":[{"containerPort":8080}],
"environment":[{"name":"PORT","value":"8080"},{"name":"API_URL","value":"http://api"}]}]`

// namedScenarios prove the named rules; schema facts get generated ones (factScenarios).
var namedScenarios = []scenario{
	// Default tags reach tags_all, the resource's own tag winning on a shared key ...
	{rule: ruleSetTagsDiff, typ: TypeEcsCluster, create: map[string]any{"name": "c", "tags": map[string]any{"Name": "c"}},
		setup: withDefaultTags(map[string]string{"Team": "payments", "Name": "default"}),
		stored: func(s resource.PropertyMap) bool {
			all := obj(s, "tagsAll")
			return str(all, "Team") == "payments" && str(all, "Name") == "c"
		}},
	// ... and a changed default tag updates a running object in place.
	{rule: ruleSetTagsDiff, typ: TypeVpc, create: map[string]any{"cidrBlock": "10.0.0.0/16", "tags": map[string]any{"Name": "vpc"}},
		setup:     withDefaultTags(map[string]string{"Team": "payments"}),
		meanwhile: func(c *Cloud) { c.SetDefaultTags(map[string]string{"Team": "checkout"}) },
		want:      update},
	{rule: "aws_vpc resourceVPCCustomizeDiff", typ: TypeVpc,
		create: map[string]any{"cidrBlock": "10.0.0.0/16", "instanceTenancy": "default"},
		next:   map[string]any{"cidrBlock": "10.0.0.0/16", "instanceTenancy": "dedicated"}, want: replace},
	{rule: "aws_vpc_security_group_ingress_rule securityGroupRuleResource.ModifyPlan", typ: TypeSecurityGroupIngressRule,
		create: map[string]any{"securityGroupId": "sg-1", "ipProtocol": "tcp", "fromPort": 80, "toPort": 80, "cidrIpv4": "0.0.0.0/0"},
		next:   map[string]any{"securityGroupId": "sg-1", "ipProtocol": "tcp", "fromPort": 80, "toPort": 80, "referencedSecurityGroupId": "sg-2"}, want: replace},
	{rule: "aws_vpc_security_group_egress_rule securityGroupRuleResource.ModifyPlan", typ: TypeSecurityGroupEgressRule,
		create: map[string]any{"securityGroupId": "sg-1", "ipProtocol": "tcp", "fromPort": 80, "toPort": 80, "cidrIpv6": "::/0"},
		next:   map[string]any{"securityGroupId": "sg-1", "ipProtocol": "tcp", "fromPort": 80, "toPort": 80, "cidrIpv4": "0.0.0.0/0"}, want: replace},
	{rule: "aws_vpc_security_group_ingress_rule securityGroupRuleResource.Read", typ: TypeSecurityGroupIngressRule, refresh: true,
		create: map[string]any{"securityGroupId": "sg-1", "ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv6": "2001:DB8:0::/32"}, want: update},
	{rule: "aws_vpc_security_group_egress_rule securityGroupRuleResource.Read", typ: TypeSecurityGroupEgressRule, refresh: true,
		create: map[string]any{"securityGroupId": "sg-1", "ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv6": "2001:db8:0:0:0::/64"}, want: update},
	{rule: "aws_vpc_security_group_ingress_rule ipProtocolType.StringSemanticEquals", typ: TypeSecurityGroupIngressRule,
		create: map[string]any{"securityGroupId": "sg-1", "ipProtocol": "tcp", "cidrIpv4": "0.0.0.0/0"},
		next:   map[string]any{"securityGroupId": "sg-1", "ipProtocol": "6", "cidrIpv4": "0.0.0.0/0"}, want: none},
	{rule: "aws_vpc_security_group_egress_rule ipProtocolType.StringSemanticEquals", typ: TypeSecurityGroupEgressRule,
		create: map[string]any{"securityGroupId": "sg-1", "ipProtocol": "-1", "cidrIpv4": "0.0.0.0/0"},
		next:   map[string]any{"securityGroupId": "sg-1", "ipProtocol": "all", "cidrIpv4": "0.0.0.0/0"}, want: none},
	{rule: "aws_vpc_endpoint verify.SuppressEquivalentPolicyDiffs", typ: TypeVpcEndpoint,
		create: map[string]any{"vpcId": "vpc-1", "serviceName": "com.amazonaws.us-east-1.s3", "policy": policy},
		next:   map[string]any{"vpcId": "vpc-1", "serviceName": "com.amazonaws.us-east-1.s3", "policy": samePolicy}, want: none},

	// The NLB: a pinned IPv6 address next to an EIP reads back empty, and the next plan
	// replaces the load balancer (hashicorp/terraform-provider-aws#49531).
	{rule: "aws_lb flattenSubnetMappingsFromAvailabilityZones", typ: TypeLoadBalancer, want: replace,
		setup: func(t *testing.T, c *Cloud) map[string]any {
			subnets, eips := publicSubnets(t, c)
			return nlbWith(subnets, eips, func(i int, m map[string]any) {
				block := str(c.objectState(subnets[i]), "ipv6CidrBlock")
				m["ipv6Address"] = strings.TrimSuffix(block, "/64") + "100"
			})
		}, create: map[string]any{}},
	{rule: "aws_lb flattenSubnetsFromAvailabilityZones", typ: TypeLoadBalancer,
		setup: nlb, create: map[string]any{}, stored: func(s resource.PropertyMap) bool { return len(strs(s, "subnets")) == 2 }},
	{rule: "aws_lb loadBalancerAttributes.flatten", typ: TypeLoadBalancer,
		create: map[string]any{"loadBalancerType": "application", "subnets": []any{"subnet-1", "subnet-2"}},
		stored: func(s resource.PropertyMap) bool { return boolean(s, "enableCrossZoneLoadBalancing") }},
	{rule: "aws_lb suppressIfLBType(application)", typ: TypeLoadBalancer,
		create: map[string]any{"loadBalancerType": "application", "subnets": []any{"subnet-1", "subnet-2"}, "enableCrossZoneLoadBalancing": false},
		want:   none},
	{rule: "aws_lb flattenLoadBalancerAccessLogsAttributes", typ: TypeLoadBalancer,
		create: map[string]any{"subnets": []any{"subnet-1", "subnet-2"}},
		stored: func(s resource.PropertyMap) bool { return obj(s, "accessLogs") != nil }},
	{rule: "aws_lb verify.SuppressMissingOptionalConfigurationBlock", typ: TypeLoadBalancer,
		create: map[string]any{"subnets": []any{"subnet-1", "subnet-2"}}, want: none},
	{rule: "aws_lb customizeDiffLoadBalancerNLB", typ: TypeLoadBalancer, want: replace, create: map[string]any{}, setup: nlb,
		// One mapping fewer: removing a subnet from an NLB replaces it.
		change: func(next map[string]any) { next["subnetMappings"] = next["subnetMappings"].([]any)[:1] }},
	{rule: "aws_lb customizeDiffLoadBalancerNLB", typ: TypeLoadBalancer, want: replace, create: map[string]any{}, setup: nlb,
		// Security groups from some to none.
		change: func(next map[string]any) { next["securityGroups"] = []any{} }},

	{rule: "aws_lb_target_group flattenTargetGroupHealthCheck", typ: TypeTargetGroup,
		create: map[string]any{"targetType": "ip", "protocol": "HTTP", "port": 8080, "vpcId": "vpc-1", "healthCheck": map[string]any{"path": "/"}},
		stored: func(s resource.PropertyMap) bool { return number(obj(s, "healthCheck"), "timeout") == 5 }},
	{rule: "aws_lb_listener flattenListenerActions", typ: TypeListener,
		create: map[string]any{"loadBalancerArn": "arn:lb", "port": 80, "defaultActions": []any{map[string]any{"type": "redirect", "redirect": map[string]any{"statusCode": "HTTP_301"}}}},
		stored: func(s resource.PropertyMap) bool {
			a := objs(s, "defaultActions")
			return len(a) == 1 && number(a[0], "order") == 1 && str(obj(a[0], "redirect"), "host") == "#{host}"
		}},
	{rule: "aws_lb_listener_rule flattenListenerActions", typ: TypeListenerRule,
		create: map[string]any{"listenerArn": "arn:listener", "priority": 1, "actions": []any{map[string]any{"type": "forward", "targetGroupArn": "arn:tg"}}},
		stored: func(s resource.PropertyMap) bool {
			a := objs(s, "actions")
			return len(a) == 1 && number(a[0], "order") == 1
		}},

	{rule: "aws_ecs_task_definition resourceTaskDefinitionRead", typ: TypeEcsTaskDefinition,
		create: map[string]any{"family": "web", "networkMode": "awsvpc", "containerDefinitions": containers},
		stored: func(s resource.PropertyMap) bool {
			d := str(s, "containerDefinitions")
			return strings.Contains(d, `"mountPoints":[]`) && strings.Contains(d, `"hostPort":8080`) && strings.Index(d, "API_URL") < strings.Index(d, `"PORT"`)
		}},
	{rule: "aws_ecs_task_definition containerDefinitionsAreEquivalent", typ: TypeEcsTaskDefinition,
		create: map[string]any{"family": "web", "networkMode": "awsvpc", "containerDefinitions": containers}, want: none},
	{rule: "aws_ecs_service capacityProviderStrategyCustomizeDiff", typ: TypeEcsService, want: replace,
		create: map[string]any{"cluster": "arn:aws:ecs:us-east-1:1:cluster/c", "capacityProviderStrategies": []any{map[string]any{"capacityProvider": "FARGATE", "weight": 1}}},
		next:   map[string]any{"cluster": "arn:aws:ecs:us-east-1:1:cluster/c", "capacityProviderStrategies": []any{map[string]any{"capacityProvider": "FARGATE_SPOT", "weight": 1}}},
		setup:  fargateCluster},
	{rule: "aws_ecs_service resourceServiceRead: capacity_provider_strategy", typ: TypeEcsService, want: replace,
		create: map[string]any{"cluster": "arn:aws:ecs:us-east-1:1:cluster/c", "desiredCount": 1},
		setup:  fargateCluster},

	{rule: "aws_iam_role verify.SuppressEquivalentPolicyDiffs", typ: TypeIamRole,
		create: map[string]any{"assumeRolePolicy": policy}, next: map[string]any{"assumeRolePolicy": samePolicy}, want: none},
	{rule: "aws_iam_role structure.NormalizeJsonString", typ: TypeIamRole,
		create: map[string]any{"assumeRolePolicy": samePolicy},
		stored: func(s resource.PropertyMap) bool { return !strings.Contains(str(s, "assumeRolePolicy"), "\n") }},
	{rule: "aws_iam_role_policy verify.SuppressEquivalentPolicyDiffs", typ: TypeIamRolePolicy,
		create: map[string]any{"role": "r", "policy": policy}, next: map[string]any{"role": "r", "policy": samePolicy}, want: none},
	{rule: "aws_iam_role_policy verify.LegacyPolicyNormalize", typ: TypeIamRolePolicy,
		create: map[string]any{"role": "r", "policy": samePolicy},
		stored: func(s resource.PropertyMap) bool { return !strings.Contains(str(s, "policy"), "\n") }},
	{rule: "aws_route53_record StateFunc: name lowercased, trailing dot removed", typ: TypeRoute53Record,
		create: map[string]any{"zoneId": "Z1", "name": "www.example.com", "type": "A", "records": []any{"1.2.3.4"}},
		next:   map[string]any{"zoneId": "Z1", "name": "WWW.Example.com.", "type": "A", "records": []any{"1.2.3.4"}}, want: none},
	{rule: "aws_route53_record normalizeAliasName", typ: TypeRoute53Record,
		create: map[string]any{"zoneId": "Z1", "name": "example.com", "type": "A", "aliases": []any{map[string]any{"name": "NLB.elb.amazonaws.com.", "zoneId": "Z2", "evaluateTargetHealth": true}}},
		stored: func(s resource.PropertyMap) bool {
			a := objs(s, "aliases")
			return len(a) == 1 && str(a[0], "name") == "nlb.elb.amazonaws.com"
		}},
	{rule: "aws_route53_record sdkv2.SuppressEquivalentStringCaseInsensitive", typ: TypeRoute53Record,
		create: map[string]any{"zoneId": "Z1", "name": "example.com", "type": "A", "aliases": []any{map[string]any{"name": "NLB.elb.amazonaws.com", "zoneId": "Z2", "evaluateTargetHealth": true}}},
		want:   none},
	{rule: "aws_acm_certificate resourceCertificateRead: subject_alternative_names", typ: TypeAcmCertificate,
		create: map[string]any{"domainName": "example.com", "validationMethod": "DNS"},
		stored: func(s resource.PropertyMap) bool { return len(strs(s, "subjectAlternativeNames")) == 1 }},
	{rule: "aws_ecr_repository resourceRepositoryRead", typ: TypeEcrRepository, create: map[string]any{},
		stored: func(s resource.PropertyMap) bool { return len(objs(s, "encryptionConfigurations")) == 1 }},
	{rule: "aws_ecr_repository verify.SuppressMissingOptionalConfigurationBlock", typ: TypeEcrRepository, create: map[string]any{}, want: none},
	{rule: "aws_ecr_repository verify.SuppressMissingOptionalConfigurationBlock (scanning)", typ: TypeEcrRepository, create: map[string]any{}, want: none},
	{rule: "aws_s3_bucket_policy structure.NormalizeJsonString", typ: TypeS3BucketPolicy, setup: bucket,
		create: map[string]any{"policy": bucketPolicy},
		stored: func(s resource.PropertyMap) bool {
			return !strings.Contains(str(s, "policy"), `"Version":"2012-10-17","Statement"`)
		}},
	{rule: "aws_s3_bucket_policy verify.SuppressEquivalentPolicyDiffs", typ: TypeS3BucketPolicy, setup: bucket,
		create: map[string]any{"policy": bucketPolicy},
		change: func(next map[string]any) {
			next["policy"] = strings.Replace(next["policy"].(string), `["arn:aws:s3:::b","arn:aws:s3:::b/*"]`, `["arn:aws:s3:::b/*","arn:aws:s3:::b"]`, 1)
		}, want: none},
	// A new object version is unknown in the preview, so a trust store pinned to it plans
	// an update too.
	{rule: "aws_s3_object resourceObjectCustomizeDiff", typ: TypeS3BucketObjectv2, setup: versionedBucket,
		create: map[string]any{"key": "ca.pem", "content": "one"}, next: map[string]any{"key": "ca.pem", "content": "two"},
		planned: func(p resource.PropertyMap) bool { return p["versionId"].IsComputed() }},
	{rule: "aws_s3_object resourceObjectCustomizeDiff", typ: TypeS3BucketObjectv2, setup: versionedBucket,
		create: map[string]any{"key": "ca.pem", "content": "one", "sourceHash": "1"}, next: map[string]any{"key": "ca.pem", "content": "one", "sourceHash": "2"},
		planned: func(p resource.PropertyMap) bool { return p["etag"].IsComputed() && p["versionId"].IsComputed() }},
	// Mode off reads back alone: sending anything else with it is a change on every plan.
	{rule: "aws_lb_listener flattenMutualAuthenticationAttributes", typ: TypeListener, want: update,
		create: map[string]any{"loadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/a/1", "port": 443, "protocol": "HTTPS",
			"mutualAuthentication": map[string]any{"mode": "off", "ignoreClientCertificateExpiry": true}}},
	{rule: "aws_lb_listener flattenMutualAuthenticationAttributes", typ: TypeListener, setup: trustStore,
		create: map[string]any{"loadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/a/1", "port": 443, "protocol": "HTTPS"},
		stored: func(s resource.PropertyMap) bool {
			return str(obj(s, "mutualAuthentication"), "advertiseTrustStoreCaNames") == "off"
		}},
	// Dropping the alarms block plans nothing (and ECS keeps the alarms).
	{rule: "aws_ecs_service verify.SuppressMissingOptionalConfigurationBlock", typ: TypeEcsService, setup: deploymentAlarm,
		create: map[string]any{"name": "web", "alarms": map[string]any{"alarmNames": []any{"web-5xx"}, "enable": true, "rollback": true}},
		next:   map[string]any{"name": "web"}, want: none},
	{rule: "aws_ecs_service schema: alarms.alarm_names is a TypeSet", typ: TypeEcsService, setup: deploymentAlarm,
		create: map[string]any{"name": "web", "alarms": map[string]any{"alarmNames": []any{"web-5xx", "web-p99"}, "enable": true, "rollback": true}},
		next:   map[string]any{"name": "web", "alarms": map[string]any{"alarmNames": []any{"web-p99", "web-5xx"}, "enable": true, "rollback": true}}, want: none},
	{rule: "aws_cloudwatch_dashboard structure.NormalizeJsonString", typ: TypeCloudwatchDashboard,
		create: map[string]any{"dashboardName": "d", "dashboardBody": `{ "widgets": [] }`},
		stored: func(s resource.PropertyMap) bool { return str(s, "dashboardBody") == `{"widgets":[]}` }},
	{rule: "aws_cloudwatch_dashboard verify.SuppressEquivalentJSONDiffs", typ: TypeCloudwatchDashboard,
		create: map[string]any{"dashboardName": "d", "dashboardBody": `{"widgets":[],"periodOverride":"auto"}`},
		next:   map[string]any{"dashboardName": "d", "dashboardBody": `{"periodOverride":"auto", "widgets":[]}`}, want: none},
	// The release record: a new value is a new version, which the preview cannot know.
	{rule: "aws_ssm_parameter customdiff.ComputedIf(version)", typ: TypeSsmParameter,
		create:  map[string]any{"name": "/p/s/release-image", "type": "String", "insecureValue": "a"},
		next:    map[string]any{"name": "/p/s/release-image", "type": "String", "insecureValue": "b"},
		planned: func(p resource.PropertyMap) bool { return p["version"].IsComputed() }},
	{rule: "aws_ssm_parameter customdiff.ForceNewIfChange(tier)", typ: TypeSsmParameter,
		create: map[string]any{"name": "/p", "type": "String", "insecureValue": "a", "tier": "Advanced"},
		next:   map[string]any{"name": "/p", "type": "String", "insecureValue": "a", "tier": "Standard"}, want: replace},
	{rule: "aws_ssm_parameter tier DiffSuppressFunc", typ: TypeSsmParameter,
		create: map[string]any{"name": "/p", "type": "String", "insecureValue": "a", "tier": "Standard"},
		next:   map[string]any{"name": "/p", "type": "String", "insecureValue": "a", "tier": "Intelligent-Tiering"}, want: none},
}

// versionedBucket makes bucket "b" with versioning Enabled.
func versionedBucket(t *testing.T, c *Cloud) map[string]any {
	bucket(t, c)
	made(t, c, TypeS3BucketVersioningV2, "b-versioning", map[string]any{"bucket": "b", "versioningConfiguration": map[string]any{"status": "Enabled"}})
	return map[string]any{"bucket": "b"}
}

// trustStore makes a bucket "b" holding a CA bundle under a content-named key, as the
// program does, and a trust store of it, and returns a listener's mutualAuthentication in
// verify mode with that trust store.
func trustStore(t *testing.T, c *Cloud) map[string]any {
	bucket(t, c)
	made(t, c, TypeS3BucketObjectv2, "ca", map[string]any{"bucket": "b", "key": "ca.pem", "content": testCA(t)})
	arn, _ := made(t, c, TypeLbTrustStore, "ts", map[string]any{"caCertificatesBundleS3Bucket": "b", "caCertificatesBundleS3Key": "ca.pem"})
	return map[string]any{"mutualAuthentication": map[string]any{"mode": "verify", "trustStoreArn": arn}}
}

// deploymentAlarm makes the CloudWatch alarms "web-5xx" and "web-p99" a service's
// deployment can watch.
func deploymentAlarm(t *testing.T, c *Cloud) map[string]any {
	made(t, c, TypeCloudwatchMetricAlarm, "web-5xx", map[string]any{"name": "web-5xx", "namespace": "AWS/ApplicationELB",
		"metricName": "HTTPCode_Target_5XX_Count", "statistic": "Sum", "period": 60, "evaluationPeriods": 1, "threshold": 5,
		"comparisonOperator": "GreaterThanThreshold"})
	made(t, c, TypeCloudwatchMetricAlarm, "web-p99", map[string]any{"name": "web-p99", "namespace": "AWS/ApplicationELB",
		"metricName": "TargetResponseTime", "extendedStatistic": "p99", "period": 60, "evaluationPeriods": 1, "threshold": 1,
		"comparisonOperator": "GreaterThanThreshold"})
	return map[string]any{}
}

// fargateCluster registers FARGATE and FARGATE_SPOT, FARGATE the default, with cluster "c".
func fargateCluster(t *testing.T, c *Cloud) map[string]any {
	made(t, c, TypeEcsClusterCapacityProviders, "cp", map[string]any{
		"clusterName": "c", "capacityProviders": []any{"FARGATE", "FARGATE_SPOT"},
		"defaultCapacityProviderStrategies": []any{map[string]any{"capacityProvider": "FARGATE", "weight": 1}},
	})
	return map[string]any{}
}

// factScenarios prove each model's schema facts, attribute by attribute:
//   - ForceNew: a new value of each listed attribute replaces the resource;
//   - Optional+Computed: dropping each listed attribute plans nothing;
//   - TypeSet: reordering the first set plans nothing;
//   - Default: leaving out an attribute that has a (non-zero) default plans nothing.
func factScenarios() []scenario {
	var out []scenario
	for typ, m := range models {
		base, setup := baseInputs(typ)
		with := func(attr string, v any) map[string]any {
			in := merge(base, nil)
			in[attr] = v
			return in
		}
		attrs := m.forceNew
		if len(attrs) == 1 && attrs[0] == "*" {
			attrs = []string{"cpu", "containerDefinitions"}
		}
		for _, a := range attrs {
			out = append(out, scenario{rule: m.tf + " " + factForceNew, typ: typ, setup: setup,
				create: merge(base, nil), next: with(a, "changed-"+a), want: replace})
		}
		for _, a := range m.computed {
			if name, _ := m.naming(); a == name && m.autoname > 0 {
				continue // dropping an explicit name makes Check pick an auto-name: a change, rightly
			}
			v, realistic := factValues[a]
			if !realistic {
				v = "set-" + a
			}
			create := with(a, v)
			out = append(out, scenario{rule: m.tf + " " + factComputed, typ: typ, setup: setup, create: create, next: without(create, a), want: none})
		}
		if len(m.sets) > 0 {
			a := m.sets[0]
			reverse := func(next map[string]any) {
				l := slices.Clone(next[a].([]any))
				slices.Reverse(l)
				next[a] = l
			}
			create := with(a, []any{"x", "y"})
			if setupGives[typ] {
				create = merge(base, nil) // the setup's own list, of two
			}
			out = append(out, scenario{rule: m.tf + " " + factSets, typ: typ, setup: setup, create: create, change: reverse, want: none})
		}
		for _, a := range slices.Sorted(maps.Keys(m.defaults)) {
			if strings.Contains(a, ".") {
				continue
			}
			create := with(a, m.defaults[a])
			out = append(out, scenario{rule: m.tf + " " + factDefaults, typ: typ, setup: setup, create: create, next: without(create, a), want: none})
		}
	}
	return out
}

// factValues are values a type's create accepts for attributes it checks or reads.
var factValues = map[string]any{
	"availabilityZone":        "us-east-1a",
	"cidrBlock":               "10.0.0.0/16",
	"subnetMappings":          []any{map[string]any{"subnetId": "subnet-1"}}, // Read rebuilds the mappings from the AZs
	"subjectAlternativeNames": []any{"www.example.com"},
}

// setupGives are the types whose setup supplies their first set attribute.
var setupGives = map[tokens.Type]bool{TypeAcmCertificateValidation: true, TypeWafv2IpSet: true}

// baseInputs are the inputs, and the objects, a type's create needs to succeed.
func baseInputs(typ tokens.Type) (map[string]any, func(*testing.T, *Cloud) map[string]any) {
	switch typ {
	case TypeEcsTaskDefinition:
		return map[string]any{"family": "web", "containerDefinitions": containers}, nil
	case TypeVpc:
		return map[string]any{"cidrBlock": "10.0.0.0/16"}, nil
	case TypeSubnet:
		return map[string]any{"availabilityZone": "us-east-1a", "cidrBlock": "10.0.0.0/20"}, func(t *testing.T, c *Cloud) map[string]any {
			vpc, _ := made(t, c, TypeVpc, "vpc", map[string]any{"cidrBlock": "10.0.0.0/16"})
			return map[string]any{"vpcId": vpc}
		}
	case TypeS3BucketServerSideEncryptionConfigurationV2, TypeS3BucketPublicAccessBlock, TypeS3BucketLifecycleConfigurationV2:
		return map[string]any{}, bucket
	case TypeKmsAlias:
		return map[string]any{"name": "alias/a"}, kmsKey
	case TypeS3BucketPolicy:
		return map[string]any{"policy": bucketPolicy}, bucket
	case TypeEcrRepositoryPolicy:
		return map[string]any{"policy": repositoryPolicy}, repository
	case TypeEcrLifecyclePolicy:
		return map[string]any{"policy": lifecyclePolicy}, repository
	case TypeS3BucketVersioningV2:
		return map[string]any{"versioningConfiguration": map[string]any{"status": "Enabled"}}, bucket
	case TypeS3BucketObjectv2:
		return map[string]any{"key": "k", "content": "x"}, bucket
	case TypeLbTrustStore:
		return map[string]any{"caCertificatesBundleS3Bucket": "b", "caCertificatesBundleS3Key": "ca.pem"}, func(t *testing.T, c *Cloud) map[string]any {
			bucket(t, c)
			made(t, c, TypeS3BucketObjectv2, "ca", map[string]any{"bucket": "b", "key": "ca.pem", "content": testCA(t)})
			return map[string]any{}
		}
	case TypeDefaultSecurityGroup:
		return map[string]any{}, func(t *testing.T, c *Cloud) map[string]any {
			vpc, _ := made(t, c, TypeVpc, "vpc", map[string]any{"cidrBlock": "10.0.0.0/16"})
			return map[string]any{"vpcId": vpc}
		}
	case TypeFlowLog:
		return map[string]any{"vpcId": "vpc-1", "trafficType": "ALL", "logDestination": "arn:aws:logs:us-east-1:123456789012:log-group:g", "iamRoleArn": "arn:aws:iam::123456789012:role/r"},
			func(t *testing.T, c *Cloud) map[string]any { // the role may deliver, or AWS refuses the flow log
				made(t, c, TypeIamRolePolicy, "delivery", map[string]any{"role": "r",
					"policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]}`})
				return map[string]any{}
			}
	case TypeCloudwatchMetricAlarm:
		return map[string]any{"namespace": "AWS/ECS", "metricName": "CPUUtilization", "statistic": "Average", "period": 60,
			"evaluationPeriods": 1, "threshold": 80, "comparisonOperator": "GreaterThanThreshold"}, nil
	case TypeCloudwatchDashboard:
		return map[string]any{"dashboardName": "d", "dashboardBody": `{"widgets":[]}`}, nil
	case TypeWafv2IpSet:
		return map[string]any{"scope": "REGIONAL", "ipAddressVersion": "IPV4", "addresses": []any{"10.0.0.0/16", "10.1.0.0/16"}}, nil
	case TypeWafv2WebAcl:
		return map[string]any{"scope": "REGIONAL", "defaultAction": map[string]any{"allow": map[string]any{}}}, nil
	case TypeWafv2WebAclAssociation:
		return map[string]any{}, func(t *testing.T, c *Cloud) map[string]any {
			_, acl := made(t, c, TypeWafv2WebAcl, "acl", map[string]any{"scope": "REGIONAL", "defaultAction": map[string]any{"allow": map[string]any{}}})
			_, lb := made(t, c, TypeLoadBalancer, "lb", nlb(t, c))
			return map[string]any{"webAclArn": str(acl, "arn"), "resourceArn": str(lb, "arn")}
		}
	case TypeSnsTopicSubscription:
		return map[string]any{"protocol": "email", "endpoint": "ops@example.com"}, func(t *testing.T, c *Cloud) map[string]any {
			topic, _ := made(t, c, TypeSnsTopic, "topic", map[string]any{})
			return map[string]any{"topic": topic}
		}
	case TypeSsmParameter:
		return map[string]any{"name": "/p/s/release-image", "type": "String", "insecureValue": "x"}, nil
	case TypeEcsClusterCapacityProviders:
		return map[string]any{"clusterName": "c"}, nil
	case TypeAppautoscalingTarget:
		return map[string]any{"resourceId": "r", "serviceNamespace": "custom-resource", "scalableDimension": "custom-resource:ResourceType:Property"}, nil
	case TypeAcmCertificateValidation:
		return map[string]any{}, func(t *testing.T, c *Cloud) map[string]any {
			arn, cert := made(t, c, TypeAcmCertificate, "cert", map[string]any{
				"domainName": "example.com", "subjectAlternativeNames": []any{"www.example.com"}, "validationMethod": "DNS",
			})
			var fqdns []any
			for _, d := range objs(cert, "domainValidationOptions") {
				fqdns = append(fqdns, str(d, "resourceRecordName"))
			}
			return map[string]any{"certificateArn": arn, "validationRecordFqdns": fqdns}
		}
	}
	return map[string]any{}, nil
}

// bucket makes an S3 bucket "b" for a bucket's configuration resources.
func bucket(t *testing.T, c *Cloud) map[string]any {
	made(t, c, TypeS3BucketV2, "b", map[string]any{"bucket": "b"})
	return map[string]any{"bucket": "b"}
}

// bucketPolicy is a policy of bucket "b" in the program's layout.
const bucketPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`

func without(m map[string]any, key string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}

// TestEveryRuleBites runs every scenario with its rule on (it must plan what it says) and
// off (it must plan, or store, something else), and checks that every rule has one.
func TestEveryRuleBites(t *testing.T) {
	all := append(append([]scenario{}, namedScenarios...), factScenarios()...)
	covered := map[string]bool{}
	for _, s := range all {
		name := s.rule
		if s.next != nil {
			b, _ := json.Marshal(s.next)
			name += " " + string(b)
		}
		t.Run(name, func(t *testing.T) {
			if s.stored != nil || s.planned != nil || s.calls != nil || s.refuses != "" {
				if _, ok := s.run(t, false); !ok {
					t.Fatalf("with the rule, what the rule makes (stored state, planned values, IAM calls, a refusal) is missing")
				}
				if _, ok := s.run(t, true); ok {
					t.Fatalf("without the rule, it is still there: the scenario does not prove the rule")
				}
				return
			}
			got, _ := s.run(t, false)
			if got != s.want {
				t.Fatalf("with the rule: plan %s, want %s", got, s.want)
			}
			if off, _ := s.run(t, true); off == s.want {
				t.Fatalf("without the rule the plan is the same (%s): the scenario does not prove the rule", off)
			}
		})
		covered[s.rule] = true
	}
	for _, id := range RuleIDs() {
		if !covered[id] {
			t.Errorf("rule %q has no scenario that shows it bites", id)
		}
	}
	for id := range covered {
		if !contains(RuleIDs(), id) {
			t.Errorf("scenario for %q, which is no rule of the stand-in", id)
		}
	}
}
