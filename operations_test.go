package main

import (
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/site"
	"github.com/example/nlb-alb-fargate/internal/stacktest"
	"github.com/example/nlb-alb-fargate/internal/standin"
)

// The access-log bucket: encrypted with SSE-S3, all public access blocked, logs expired,
// and a policy that refuses plain HTTP and lets exactly the ELB writers put logs under
// their own prefix of this account.
func TestAccessLogBucket(t *testing.T) {
	m, out := mustRun(t, nil)
	bucket := m.One(t, string(standin.TypeS3BucketV2), "access-logs")
	name := stacktest.Str(t, bucket.State, "bucket")
	stacktest.Equal(t, "bucket output", stacktest.Await(t, out.AccessLogBucket).(string), name)
	stacktest.Equal(t, "forceDestroy (destroy empties the bucket)", stacktest.Get(t, bucket.Inputs, "forceDestroy"), any(true))
	sse := m.One(t, string(standin.TypeS3BucketServerSideEncryptionConfigurationV2), "access-logs-encryption")
	stacktest.Equal(t, "encryption", stacktest.Str(t, sse.Inputs, "rules", 0, "applyServerSideEncryptionByDefault", "sseAlgorithm"), "AES256")
	block := m.One(t, string(standin.TypeS3BucketPublicAccessBlock), "access-logs-public-access-block")
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		stacktest.Equal(t, k, stacktest.Get(t, block.Inputs, k), any(true))
	}
	lifecycle := m.One(t, string(standin.TypeS3BucketLifecycleConfigurationV2), "access-logs-lifecycle")
	stacktest.Equal(t, "expiry days", stacktest.Num(t, lifecycle.Inputs, "rules", 0, "expiration", "days"), 90)
	stacktest.Equal(t, "rule enabled", stacktest.Str(t, lifecycle.Inputs, "rules", 0, "status"), "Enabled")

	arn := "arn:aws:s3:::" + name
	got := map[string]site.PolicyStatement{}
	for _, s := range policyStatements(t, m.One(t, string(standin.TypeS3BucketPolicy), "access-logs-policy")) {
		got[s.Sid] = s
	}
	if len(got) != 4 {
		t.Fatalf("bucket policy statements: %v, want 4", got)
	}
	tls := got["DenyInsecureTransport"]
	stacktest.Equal(t, "TLS statement", tls.Effect+" "+jsonOf(tls.Principal)+" "+jsonOf(tls.Action)+" "+jsonOf(tls.Resource)+" "+jsonOf(tls.Condition),
		`Deny "*" "s3:*" ["`+arn+`","`+arn+`/*"] {"Bool":{"aws:SecureTransport":"false"}}`)
	alb := got["AlbLogDelivery"]
	// The log delivery service, and us-east-1's ELB account of the legacy policy.
	stacktest.Equal(t, "ALB writer", jsonOf(alb.Principal), `{"AWS":"arn:aws:iam::127311923021:root","Service":"logdelivery.elasticloadbalancing.amazonaws.com"}`)
	stacktest.Equal(t, "ALB write", jsonOf(alb.Action)+" "+jsonOf(alb.Resource), `"s3:PutObject" "`+arn+`/alb/AWSLogs/123456789012/*"`)
	nlb := got["NlbLogDelivery"]
	stacktest.Equal(t, "NLB write", jsonOf(nlb.Principal)+" "+jsonOf(nlb.Resource)+" "+jsonOf(nlb.Condition),
		`{"Service":"delivery.logs.amazonaws.com"} "`+arn+`/nlb/AWSLogs/123456789012/*" `+
			`{"ArnLike":{"aws:SourceArn":"arn:aws:logs:us-east-1:123456789012:*"},"StringEquals":{"aws:SourceAccount":"123456789012","s3:x-amz-acl":"bucket-owner-full-control"}}`)
	acl := got["NlbLogDeliveryAclCheck"]
	stacktest.Equal(t, "NLB ACL check", jsonOf(acl.Action)+" "+jsonOf(acl.Resource), `"s3:GetBucketAcl" "`+arn+`"`)

	// What docs/operations.md says: the ALB's logs are the record; the NLB logs only TLS listeners
	// and this one passes TCP, so its logging (on, for rules such as AWS Config's
	// nlb-logging-enabled) writes nothing.
	albArn := stacktest.Str(t, m.One(t, string(standin.TypeLoadBalancer), "alb").State, "arn")
	nlbArn := stacktest.Str(t, m.One(t, string(standin.TypeLoadBalancer), "nlb").State, "arn")
	stacktest.Equal(t, "the ALB writes access logs", m.Cloud.DeliversAccessLogs(albArn), true)
	stacktest.Equal(t, "the NLB, with TCP listeners only, writes access logs", m.Cloud.DeliversAccessLogs(nlbArn), false)
}

// noneOf fails the test if the program stacktest.Registered a resource of the type.
func noneOf(t *testing.T, m *mocks, typ, why string) {
	t.Helper()
	if n := len(m.ByType(typ)); n != 0 {
		t.Errorf("%s: %d %s stacktest.Registered, want none", why, n, typ)
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Both load balancers log to the bucket under their own prefix, and wait for the policy
// and the encryption: ELB checks it may write when logging is turned on.
func TestLoadBalancersLogToTheBucket(t *testing.T) {
	m, _ := mustRun(t, nil)
	name := stacktest.Str(t, m.One(t, string(standin.TypeS3BucketV2), "access-logs").State, "bucket")
	for lb, prefix := range map[string]string{"alb": "alb", "nlb": "nlb"} {
		r := m.One(t, string(standin.TypeLoadBalancer), lb)
		stacktest.Equal(t, lb+" logs", jsonOf(stacktest.Get(t, r.Inputs, "accessLogs")), `{"bucket":"`+name+`","enabled":true,"prefix":"`+prefix+`"}`)
		for _, dep := range []string{urn(string(standin.TypeS3BucketPolicy), "access-logs-policy"), urn(string(standin.TypeS3BucketServerSideEncryptionConfigurationV2), "access-logs-encryption")} {
			if !slices.Contains(r.Dependencies, dep) {
				t.Errorf("%s does not wait for %s: %v", lb, dep, r.Dependencies)
			}
		}
	}
	off, out := mustRun(t, map[string]string{"accessLogs": "false"})
	noneOf(t, off, string(standin.TypeS3BucketV2), "accessLogs false")
	// Explicitly off: a left-out block plans no change, and a running stack would go on
	// logging to the deleted bucket.
	for _, lb := range []string{"alb", "nlb"} {
		stacktest.Equal(t, "accessLogs false: "+lb, jsonOf(stacktest.Get(t, off.One(t, string(standin.TypeLoadBalancer), lb).Inputs, "accessLogs")), `{"bucket":"","enabled":false}`)
	}
	if out.AccessLogBucket.OutputState != nil {
		t.Error("accessLogs false: accessLogBucket is still an output")
	}
}

// The baseline of the rest of the stack: Container Insights, the new VPC's default
// security group emptied, ECR scan on push, and the task roles' confused-deputy guards.
func TestSecurityBaseline(t *testing.T) {
	m, _ := mustRun(t, nil)
	stacktest.Equal(t, "cluster settings", jsonOf(stacktest.Get(t, m.One(t, string(standin.TypeEcsCluster), "cluster").Inputs, "settings")), `[{"name":"containerInsights","value":"enabled"}]`)
	sg := m.One(t, string(standin.TypeDefaultSecurityGroup), "vpc-default-sg")
	stacktest.Equal(t, "default SG's VPC", stacktest.Str(t, sg.Inputs, "vpcId"), m.IDOf(t, string(standin.TypeVpc), "vpc"))
	stacktest.Equal(t, "default SG rules after create", jsonOf(stacktest.Get(t, sg.State, "ingress"))+jsonOf(stacktest.Get(t, sg.State, "egress")), "[][]")
	stacktest.Equal(t, "scan on push", stacktest.Get(t, m.One(t, string(standin.TypeAwsxEcrRepository), "web-repo").Inputs, "imageScanningConfiguration", "scanOnPush"), any(true))

	trust := func(role string) string {
		st := policyStatements(t, m.One(t, string(standin.TypeIamRole), role), "assumeRolePolicy")
		if len(st) != 1 {
			t.Fatalf("%s trust: %d statements", role, len(st))
		}
		return jsonOf(st[0].Principal) + " " + jsonOf(st[0].Condition)
	}
	stacktest.Equal(t, "execution role trust", trust("web-exec-role"),
		`{"Service":"ecs-tasks.amazonaws.com"} {"StringEquals":{"aws:SourceAccount":"123456789012"}}`)
	stacktest.Equal(t, "task role trust", trust("web-task-role"),
		`{"Service":"ecs-tasks.amazonaws.com"} {"ArnLike":{"aws:SourceArn":"arn:aws:ecs:us-east-1:123456789012:*"},"StringEquals":{"aws:SourceAccount":"123456789012"}}`)

	other, _ := mustRun(t, map[string]string{"containerInsights": "enhanced"})
	stacktest.Equal(t, "enhanced", stacktest.Str(t, other.One(t, string(standin.TypeEcsCluster), "cluster").Inputs, "settings", 0, "value"), "enhanced")
	existing, _ := mustRunIn(t, withNetworks(t), existingVpcConfig(theNetwork(t, networkTeam)))
	noneOf(t, existing, string(standin.TypeDefaultSecurityGroup), "an existing VPC's default security group is its owner's")
}

// alarmsByName are the stacktest.Registered alarms by logical name.
func alarmsByName(m *mocks) map[string]stacktest.Registered {
	out := map[string]stacktest.Registered{}
	for _, a := range m.ByType(string(standin.TypeCloudwatchMetricAlarm)) {
		out[a.Name] = a
	}
	return out
}

// One alarm per AZ on the NLB's healthy ALB targets, the ALB's 5xx and p99, and per
// service CPU, memory and running tasks; each notifies the topic, firing and recovering.
func TestAlarms(t *testing.T) {
	m, out := mustRun(t, map[string]string{"alarmEmail": "ops@example.com", "alarmTarget5xxCount": "25", "alarmP99LatencyMs": "750", "alarmCpuPercent": "70"})
	topic := m.One(t, string(standin.TypeSnsTopic), "alarms")
	topicArn := stacktest.Str(t, topic.State, "arn")
	stacktest.Equal(t, "alarmTopicArn", stacktest.Await(t, out.AlarmTopicArn).(string), topicArn)
	sub := m.One(t, string(standin.TypeSnsTopicSubscription), "alarm-email")
	stacktest.Equal(t, "subscription", stacktest.Str(t, sub.Inputs, "topic")+" "+stacktest.Str(t, sub.Inputs, "protocol")+" "+stacktest.Str(t, sub.Inputs, "endpoint"), topicArn+" email ops@example.com")
	// Until the mailed link is followed the subscription is pending, and the stack says so.
	stacktest.Equal(t, "alarmEmailPendingConfirmation", stacktest.Await(t, out.AlarmEmailPending), any(true))

	alarms := alarmsByName(m)
	var names []string
	for n, a := range alarms {
		names = append(names, n)
		stacktest.Equal(t, n+" actions", jsonOf(stacktest.Get(t, a.Inputs, "alarmActions"))+jsonOf(stacktest.Get(t, a.Inputs, "okActions")), `["`+topicArn+`"]["`+topicArn+`"]`)
		if !strings.HasPrefix(stacktest.Str(t, a.Inputs, "name"), testProject+"-dev-") {
			t.Errorf("%s: alarm name %q does not say which stack", n, stacktest.Str(t, a.Inputs, "name"))
		}
	}
	slices.Sort(names)
	stacktest.EqualSlices(t, "alarms", names, []string{"alb-p99-latency-alarm", "alb-target-5xx-alarm", "nlb-healthy-hosts-0-alarm", "nlb-healthy-hosts-1-alarm",
		"web-cpu-high-alarm", "web-deploy-5xx-alarm", "web-deploy-p99-alarm", "web-memory-high-alarm", "web-running-tasks-alarm"})

	nlb, tg := m.One(t, string(standin.TypeLoadBalancer), "nlb"), m.One(t, string(standin.TypeTargetGroup), "nlb-alb-tg")
	healthy := alarms["nlb-healthy-hosts-1-alarm"]
	stacktest.Equal(t, "healthy hosts metric", stacktest.Str(t, healthy.Inputs, "namespace")+" "+stacktest.Str(t, healthy.Inputs, "metricName")+" "+stacktest.Str(t, healthy.Inputs, "statistic"),
		"AWS/NetworkELB HealthyHostCount Minimum")
	stacktest.Equal(t, "healthy hosts dimensions", jsonOf(stacktest.Get(t, healthy.Inputs, "dimensions")),
		`{"AvailabilityZone":"us-east-1b","LoadBalancer":"`+stacktest.Str(t, nlb.State, "arnSuffix")+`","TargetGroup":"`+stacktest.Str(t, tg.State, "arnSuffix")+`"}`)
	stacktest.Equal(t, "healthy hosts threshold", stacktest.Str(t, healthy.Inputs, "comparisonOperator")+" "+jsonOf(stacktest.Get(t, healthy.Inputs, "threshold")), "LessThanThreshold 1")

	albSuffix := stacktest.Str(t, m.One(t, string(standin.TypeLoadBalancer), "alb").State, "arnSuffix")
	errors := alarms["alb-target-5xx-alarm"]
	stacktest.Equal(t, "5xx", stacktest.Str(t, errors.Inputs, "metricName")+" "+stacktest.Str(t, errors.Inputs, "dimensions", "LoadBalancer")+" "+jsonOf(stacktest.Get(t, errors.Inputs, "threshold")),
		"HTTPCode_Target_5XX_Count "+albSuffix+" 25")
	latency := alarms["alb-p99-latency-alarm"]
	stacktest.Equal(t, "p99", stacktest.Str(t, latency.Inputs, "metricName")+" "+stacktest.Str(t, latency.Inputs, "extendedStatistic")+" "+jsonOf(stacktest.Get(t, latency.Inputs, "threshold")),
		"TargetResponseTime p99 0.75")
	cpu := alarms["web-cpu-high-alarm"]
	service := m.One(t, string(standin.TypeEcsService), "web-service")
	stacktest.Equal(t, "cpu", stacktest.Str(t, cpu.Inputs, "namespace")+" "+jsonOf(stacktest.Get(t, cpu.Inputs, "dimensions"))+" "+jsonOf(stacktest.Get(t, cpu.Inputs, "threshold")),
		`AWS/ECS {"ClusterName":"`+stacktest.Str(t, m.One(t, string(standin.TypeEcsCluster), "cluster").State, "name")+`","ServiceName":"`+stacktest.Str(t, service.State, "name")+`"} 70`)
	running := alarms["web-running-tasks-alarm"]
	var expr []string
	for _, q := range stacktest.Get(t, running.Inputs, "metricQueries").([]any) {
		q := q.(map[string]any)
		if e, ok := q["expression"].(string); ok {
			expr = append(expr, e)
		} else {
			expr = append(expr, stacktest.Str(t, q, "metric", "namespace")+"/"+stacktest.Str(t, q, "metric", "metricName"))
		}
	}
	slices.Sort(expr)
	stacktest.EqualSlices(t, "running-tasks queries", expr, []string{"ECS/ContainerInsights/DesiredTaskCount", "ECS/ContainerInsights/RunningTaskCount", "desired - running"})

	// Three AZs and HTTPS: an alarm per AZ and NLB target group; no Container Insights:
	// no running-tasks alarm, which reads its metrics.
	wide, wideOut := mustRunIn(t, largeAccount, map[string]string{"azCount": "3", "certificateArn": testCertArn, "containerInsights": "disabled"})
	alarms = alarmsByName(wide)
	for _, n := range []string{"nlb-healthy-hosts-2-alarm", "nlb-https-healthy-hosts-2-alarm"} {
		if _, ok := alarms[n]; !ok {
			t.Errorf("3 AZs with HTTPS: no %s", n)
		}
	}
	if _, ok := alarms["web-running-tasks-alarm"]; ok {
		t.Error("containerInsights disabled: the running-tasks alarm is still there")
	}
	noneOf(t, wide, string(standin.TypeSnsTopicSubscription), "no alarmEmail")
	if wideOut.AlarmEmailPending.OutputState != nil {
		t.Error("no alarmEmail: alarmEmailPendingConfirmation is set")
	}
}

// The dashboard follows the request path and its URL opens it in the console.
func TestDashboard(t *testing.T) {
	m, out := mustRun(t, nil)
	dash := m.One(t, string(standin.TypeCloudwatchDashboard), "dashboard")
	stacktest.Equal(t, "name", stacktest.Str(t, dash.Inputs, "dashboardName"), testProject+"-dev")
	stacktest.Equal(t, "url", stacktest.Await(t, out.DashboardURL).(string), "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/"+testProject+"-dev")
	var body struct {
		Widgets []struct {
			Type       string
			Properties struct {
				Title    string
				Markdown string
				Region   string
				Metrics  [][]any
			}
		}
	}
	if err := json.Unmarshal([]byte(stacktest.Str(t, dash.Inputs, "dashboardBody")), &body); err != nil {
		t.Fatal(err)
	}
	var titles []string
	metrics := map[string]int{}
	for _, w := range body.Widgets {
		if w.Type == "text" {
			titles = append(titles, w.Properties.Markdown)
			continue
		}
		stacktest.Equal(t, w.Properties.Title+" region", w.Properties.Region, "us-east-1")
		for _, line := range w.Properties.Metrics {
			metrics[line[1].(string)]++
		}
	}
	stacktest.EqualSlices(t, "rows", titles, []string{"## NLB: the static IPs, per AZ", "## Internal ALB", "## Services"})
	for metric, want := range map[string]int{"NewFlowCount": 2, "ActiveFlowCount": 2, "ProcessedBytes": 2, "HealthyHostCount": 2,
		"RequestCount": 1, "HTTPCode_Target_5XX_Count": 1, "HTTPCode_ELB_5XX_Count": 1, "TargetResponseTime": 2,
		"CPUUtilization": 1, "MemoryUtilization": 1, "RunningTaskCount": 1, "DesiredTaskCount": 1} {
		stacktest.Equal(t, metric+" lines", metrics[metric], want)
	}
}

// flowLogs: every flow of the VPC to a log group with its retention, through a role only
// this account's flow logs may assume, which may write to that group only.
func TestFlowLogs(t *testing.T) {
	off, _ := mustRun(t, nil)
	noneOf(t, off, string(standin.TypeFlowLog), "flowLogs is off by default")
	m, out := mustRun(t, map[string]string{"flowLogs": "true", "flowLogRetentionDays": "7"})
	flow := m.One(t, string(standin.TypeFlowLog), "flow-log")
	group := m.One(t, string(standin.TypeCloudwatchLogGroup), "flow-logs")
	role := m.One(t, string(standin.TypeIamRole), "flow-logs-role")
	stacktest.Equal(t, "flow log", stacktest.Str(t, flow.Inputs, "vpcId")+" "+stacktest.Str(t, flow.Inputs, "trafficType")+" "+stacktest.Str(t, flow.Inputs, "logDestinationType"),
		m.IDOf(t, string(standin.TypeVpc), "vpc")+" ALL cloud-watch-logs")
	stacktest.Equal(t, "destination", stacktest.Str(t, flow.Inputs, "logDestination"), stacktest.Str(t, group.State, "arn"))
	stacktest.Equal(t, "role", stacktest.Str(t, flow.Inputs, "iamRoleArn"), stacktest.Str(t, role.State, "arn"))
	stacktest.Equal(t, "retention", stacktest.Num(t, group.Inputs, "retentionInDays"), 7)
	stacktest.Equal(t, "flowLogGroup", stacktest.Await(t, out.FlowLogGroup).(string), "/vpc/"+testProject+"/dev/flow-logs")
	st := policyStatements(t, role, "assumeRolePolicy")[0]
	stacktest.Equal(t, "trust", jsonOf(st.Principal)+" "+jsonOf(st.Condition),
		`{"Service":"vpc-flow-logs.amazonaws.com"} {"ArnLike":{"aws:SourceArn":"arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*"},"StringEquals":{"aws:SourceAccount":"123456789012"}}`)
	write := policyStatements(t, m.One(t, string(standin.TypeIamRolePolicy), "flow-logs-delivery"))[0]
	arn := stacktest.Str(t, group.State, "arn")
	stacktest.Equal(t, "write scope", jsonOf(write.Resource), `["`+arn+`","`+arn+`:*"]`)
	// EC2 refuses a flow log whose role may not yet write to the group (the stand-in's
	// TestFlowLogNeedsItsRolesPolicy), so the flow log waits for the role's policy.
	if !slices.Contains(flow.Dependencies, urn(string(standin.TypeIamRolePolicy), "flow-logs-delivery")) {
		t.Errorf("the flow log does not wait for its role's policy: dependencies %v", flow.Dependencies)
	}
}

// waf: a web ACL on the ALB, the rate-based rule first and scoped to sources outside the
// VPC, then the three AWS managed rule groups with their own actions.
func TestWebACL(t *testing.T) {
	off, _ := mustRun(t, nil)
	noneOf(t, off, string(standin.TypeWafv2WebAcl), "waf is off by default")
	m, out := mustRun(t, map[string]string{"waf": "true", "wafRateLimit": "500"})
	acl := m.One(t, string(standin.TypeWafv2WebAcl), "waf")
	stacktest.Equal(t, "webAclArn", stacktest.Await(t, out.WebACLArn).(string), stacktest.Str(t, acl.State, "arn"))
	stacktest.Equal(t, "scope and default", stacktest.Str(t, acl.Inputs, "scope")+" "+jsonOf(stacktest.Get(t, acl.Inputs, "defaultAction")), `REGIONAL {"allow":{}}`)
	assoc := m.One(t, string(standin.TypeWafv2WebAclAssociation), "waf-association")
	stacktest.Equal(t, "association", stacktest.Str(t, assoc.Inputs, "resourceArn")+" "+stacktest.Str(t, assoc.Inputs, "webAclArn"),
		stacktest.Str(t, m.One(t, string(standin.TypeLoadBalancer), "alb").State, "arn")+" "+stacktest.Str(t, acl.State, "arn"))
	vpcSources := m.One(t, string(standin.TypeWafv2IpSet), "waf-vpc-sources")
	stacktest.Equal(t, "VPC sources", jsonOf(stacktest.Get(t, vpcSources.Inputs, "addresses")), `["10.0.0.0/16"]`)

	rules := stacktest.Get(t, acl.Inputs, "rules").([]any)
	var order []string
	for _, r := range rules {
		order = append(order, stacktest.Str(t, r, "name"))
	}
	stacktest.EqualSlices(t, "rules in priority order", order, []string{"rate-limit-per-client-ip",
		"AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesCommonRuleSet"})
	rate := rules[0]
	stacktest.Equal(t, "rate rule", jsonOf(stacktest.Get(t, rate, "action"))+" "+jsonOf(stacktest.Get(t, rate, "statement", "rateBasedStatement", "limit"))+" "+
		stacktest.Str(t, rate, "statement", "rateBasedStatement", "aggregateKeyType"), `{"block":{}} 500 IP`)
	stacktest.Equal(t, "rate rule scope", stacktest.Str(t, rate, "statement", "rateBasedStatement", "scopeDownStatement", "notStatement", "statements", 0, "ipSetReferenceStatement", "arn"),
		stacktest.Str(t, vpcSources.State, "arn"))
	for i, r := range rules[1:] {
		stacktest.Equal(t, order[i+1], jsonOf(stacktest.Get(t, r, "overrideAction"))+" "+stacktest.Str(t, r, "statement", "managedRuleGroupStatement", "vendorName"), `{"none":{}} AWS`)
	}

	// What the rate rule counts (docs/operations.md, "WAF and the client's address"): an IPv4 client
	// reaches the ALB as itself, outside the VPC's blocks; an IPv6 client as the NLB's
	// private IPv4 address, which the scope-down excludes, so IPv6 clients do not share one
	// budget. Aggregating on a forwarded header instead would trust what clients write.
	nlbArn := stacktest.Str(t, m.One(t, string(standin.TypeLoadBalancer), "nlb").State, "arn")
	subnet := m.IDOf(t, string(standin.TypeSubnet), "public-0")
	vpcBlock := netip.MustParsePrefix(stacktest.Strs(t, vpcSources.Inputs, "addresses")[0])
	for client, counted := range map[string]bool{"203.0.113.7": true, "2001:db8::7": false} {
		seen, err := m.Cloud.SourceSeenByALB(nlbArn, subnet, client)
		if err != nil {
			t.Fatal(err)
		}
		if got := !vpcBlock.Contains(netip.MustParseAddr(seen)); got != counted {
			t.Errorf("client %s reaches the ALB as %s: counted by the rate rule %v, want %v", client, seen, got, counted)
		}
	}

	existing, _ := mustRunIn(t, withNetworks(t), map[string]string{"waf": "true",
		"vpcId": theNetwork(t, networkTeam).VpcID, "publicSubnetIds": config.CompactJSON(theNetwork(t, networkTeam).PublicSubnetIDs),
		"privateSubnetIds": config.CompactJSON(theNetwork(t, networkTeam).PrivateSubnetIDs)})
	stacktest.Equal(t, "existing VPC's sources", jsonOf(stacktest.Get(t, existing.One(t, string(standin.TypeWafv2IpSet), "waf-vpc-sources").Inputs, "addresses")), `["`+networkTeam.Cidr+`"]`)
}
