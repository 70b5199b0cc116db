package standin

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// logBucket makes bucket "logs" with a policy of the given statements.
func logBucket(t *testing.T, c *Cloud, statements ...string) {
	t.Helper()
	made(t, c, TypeS3BucketV2, "logs", map[string]any{"bucket": "logs"})
	if len(statements) > 0 {
		made(t, c, TypeS3BucketPolicy, "logs-policy", map[string]any{"bucket": "logs",
			"policy": `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`})
	}
}

const (
	albWriter = `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::127311923021:root"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::logs/alb/AWSLogs/123456789012/*"}`
	nlbWriter = `{"Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::logs/nlb/AWSLogs/123456789012/*"}`
)

// withLogs is a load balancer's inputs logging to bucket "logs" under prefix.
func withLogs(in map[string]any, prefix string) map[string]any {
	in["accessLogs"] = map[string]any{"bucket": "logs", "prefix": prefix, "enabled": true}
	return in
}

// alb is an internal ALB in the two subnets of publicSubnets.
func alb(t *testing.T, c *Cloud) map[string]any {
	subnets, _ := publicSubnets(t, c)
	return map[string]any{"loadBalancerType": "application", "internal": true, "subnets": []any{subnets[0], subnets[1]}}
}

// ModifyLoadBalancerAttributes with access logs on: ELB writes a test object, which the
// bucket policy must allow for the load balancer type's writer under its prefix.
func TestAccessLogsNeedABucketThatAdmitsELB(t *testing.T) {
	for _, tc := range []struct {
		name, policy, prefix, want string
		nlb, kms                   bool
	}{
		{name: "no bucket", want: "The specified bucket does not exist"},
		{name: "no policy", policy: "-", want: "Access Denied for bucket: logs"},
		{name: "ALB under another prefix", policy: albWriter, prefix: "elsewhere", want: "Access Denied"},
		{name: "ALB admitted", policy: albWriter, prefix: "alb"},
		{name: "ALB under KMS", policy: albWriter, prefix: "alb", kms: true, want: "Access Denied"},
		{name: "NLB with the ALB's writer", policy: strings.Replace(albWriter, "/alb/", "/nlb/", 1), prefix: "nlb", nlb: true, want: "Access Denied"},
		{name: "NLB admitted", policy: nlbWriter, prefix: "nlb", nlb: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCloud()
			switch tc.policy {
			case "":
			case "-":
				logBucket(t, c)
			default:
				logBucket(t, c, tc.policy)
			}
			if tc.kms {
				made(t, c, TypeS3BucketServerSideEncryptionConfigurationV2, "sse", map[string]any{"bucket": "logs", "rules": []any{map[string]any{
					"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "aws:kms"}}}})
			}
			in := alb(t, c)
			if tc.nlb {
				in = nlb(t, c)
			}
			_, err := try(c, TypeLoadBalancer, "lb", withLogs(in, tc.prefix))
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantError(t, err, tc.want)
		})
	}
}

// A bucket ELB wrote to is not empty: S3 refuses to delete it unless the provider empties
// it first (forceDestroy).
func TestALoggedBucketIsDeletedOnlyWithForceDestroy(t *testing.T) {
	for _, force := range []bool{false, true} {
		c := NewCloud()
		bucketURN := resource.NewURN("test", "standin", "", TypeS3BucketV2, "logs")
		checked, _, _ := c.Check(bucketURN, nil, resource.NewPropertyMapFromMap(map[string]any{"bucket": "logs", "forceDestroy": force}))
		id, _, err := c.Create(bucketURN, checked, false)
		if err != nil {
			t.Fatal(err)
		}
		made(t, c, TypeS3BucketPolicy, "p", map[string]any{"bucket": "logs", "policy": `{"Statement":[` + albWriter + `]}`})
		lbID, err := try(c, TypeLoadBalancer, "lb", withLogs(alb(t, c), "alb"))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Delete(resource.NewURN("test", "standin", "", TypeLoadBalancer, "lb"), lbID); err != nil {
			t.Fatal(err)
		}
		err = c.Delete(bucketURN, id)
		if force && err != nil {
			t.Errorf("forceDestroy: %v", err)
		}
		if !force {
			wantError(t, err, "BucketNotEmpty")
		}
	}
}

// What S3, CloudWatch and WAF refuse of what the program sends.
func TestOperationsRefusals(t *testing.T) {
	c := NewCloud()
	logBucket(t, c)
	_, err := try(c, TypeS3BucketPolicy, "other", map[string]any{"bucket": "logs",
		"policy": `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::other/*"}]}`})
	wantError(t, err, "Policy has invalid resource")
	_, err = try(c, TypeS3BucketPublicAccessBlock, "pab", map[string]any{"bucket": "missing"})
	wantError(t, err, "NoSuchBucket")

	alarm := func(extra map[string]any) error {
		in := map[string]any{"comparisonOperator": "GreaterThanThreshold", "evaluationPeriods": 1, "threshold": 1}
		for k, v := range extra {
			in[k] = v
		}
		_, err := try(c, TypeCloudwatchMetricAlarm, fmt.Sprint(len(c.Live())), in)
		return err
	}
	wantError(t, alarm(map[string]any{"metricName": "m", "namespace": "n", "period": 60}), "One of `statistic` or `extended_statistic`")
	wantError(t, alarm(map[string]any{"metricName": "m", "namespace": "n", "period": 60, "statistic": "Sum", "extendedStatistic": "p99"}), "One of `statistic` or `extended_statistic`")
	wantError(t, alarm(map[string]any{}), "One of `metric_name` or `metric_query`")
	query := func(id, expr string, ret bool) map[string]any {
		return map[string]any{"id": id, "expression": expr, "returnData": ret}
	}
	wantError(t, alarm(map[string]any{"metricQueries": []any{query("a", "b - c", true)}}), `Unrecognized metric id "b"`)
	wantError(t, alarm(map[string]any{"metricQueries": []any{query("a", "", true), query("b", "a", true)}}), "Exactly one element")

	_, err = try(c, TypeCloudwatchDashboard, "d", map[string]any{"dashboardName": "d",
		"dashboardBody": `{"widgets":[{"type":"metric","properties":{"metrics":[["AWS/ECS","CPUUtilization"]]}}]}`})
	wantError(t, err, "required property 'region'")

	_, err = try(c, TypeWafv2IpSet, "set", map[string]any{"scope": "REGIONAL", "ipAddressVersion": "IPV4", "addresses": []any{"2001:db8::/32"}})
	wantError(t, err, "WAFInvalidParameterException")
	_, err = try(c, TypeWafv2IpSet, "set2", map[string]any{"scope": "REGIONAL", "ipAddressVersion": "IPV4", "addresses": []any{"10.0.0.0/16"},
		"description": "The VPC's blocks"})
	wantError(t, err, "field: DESCRIPTION")
	group := map[string]any{"managedRuleGroupStatement": map[string]any{"name": "AWSManagedRulesCommonRuleSet", "vendorName": "AWS"}}
	_, err = try(c, TypeWafv2WebAcl, "acl", map[string]any{"scope": "REGIONAL", "defaultAction": map[string]any{"allow": map[string]any{}},
		"rules": []any{map[string]any{"name": "common", "priority": 1, "action": map[string]any{"block": map[string]any{}}, "statement": group}}})
	wantError(t, err, "a rule group takes overrideAction")
	_, err = try(c, TypeWafv2WebAclAssociation, "assoc", map[string]any{"webAclArn": "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/x/1", "resourceArn": "arn:alb"})
	wantError(t, err, "WAFNonexistentItemException")
	_, err = try(c, TypeFlowLog, "fl", map[string]any{"vpcId": "vpc-1", "trafficType": "ALL", "logDestination": "arn:aws:logs:us-east-1:123456789012:log-group:g"})
	wantError(t, err, "DeliverLogsPermissionArn")
}

// A flow log to CloudWatch Logs is created only once its role may write to the group.
func TestFlowLogNeedsItsRolesPolicy(t *testing.T) {
	c := NewCloud()
	group := "arn:aws:logs:us-east-1:123456789012:log-group:/vpc/flow-logs"
	_, role := made(t, c, TypeIamRole, "flow-role", map[string]any{"name": "flow-role",
		"assumeRolePolicy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"vpc-flow-logs.amazonaws.com"},"Action":"sts:AssumeRole"}]}`})
	flowLog := func(name string) error {
		_, err := try(c, TypeFlowLog, name, map[string]any{"vpcId": "vpc-1", "trafficType": "ALL", "logDestinationType": "cloud-watch-logs",
			"logDestination": group, "iamRoleArn": str(role, "arn")})
		return err
	}
	wantError(t, flowLog("before-the-policy"), "Access Denied for LogDestination")
	made(t, c, TypeIamRolePolicy, "delivery", map[string]any{"role": "flow-role",
		"policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":["` + group + `","` + group + `:*"]}]}`})
	if err := flowLog("after-the-policy"); err != nil {
		t.Fatalf("with the role's policy in place: %v", err)
	}
}

// The quota look-up reads AWS's default, then the account's applied value, and keeps the
// default where the account has none; each call needs its own permission.
func TestServiceQuotaLookUp(t *testing.T) {
	lookUp := func(c *Cloud) (float64, error) {
		out, err := c.Invoke("aws:servicequotas/getServiceQuota:getServiceQuota",
			resource.NewPropertyMapFromMap(map[string]any{"serviceCode": "ec2", "quotaCode": "L-0263D0A3"}))
		if err != nil {
			return 0, err
		}
		return out["value"].NumberValue(), nil
	}
	c := NewCloud()
	if v, err := lookUp(c); err != nil || v != 5 {
		t.Errorf("never changed: got %v, %v; want AWS's default 5", v, err)
	}
	c.SetQuota("ec2", "L-0263D0A3", 20)
	if v, err := lookUp(c); err != nil || v != 20 {
		t.Errorf("raised: got %v, %v; want the applied 20", v, err)
	}
	for _, action := range []string{"servicequotas:GetServiceQuota", "servicequotas:GetAWSDefaultServiceQuota"} {
		c := NewCloud()
		c.Deny(action)
		_, err := lookUp(c)
		wantError(t, err, "is not authorized to perform: "+action)
	}
}

// SNS deletes an email subscription left unconfirmed for 48 hours; a confirmed one stays.
func TestUnconfirmedSubscriptionsExpire(t *testing.T) {
	c := NewCloud()
	topic, _ := made(t, c, TypeSnsTopic, "topic", map[string]any{})
	pending, state := made(t, c, TypeSnsTopicSubscription, "pending", map[string]any{"topic": topic, "protocol": "email", "endpoint": "ops@example.com"})
	if !boolean(state, "pendingConfirmation") {
		t.Fatal("a new email subscription is not pending")
	}
	confirmed, _ := made(t, c, TypeSnsTopicSubscription, "confirmed", map[string]any{"topic": topic, "protocol": "email", "endpoint": "oncall@example.com"})
	c.ConfirmSubscription(confirmed)
	c.ExpireUnconfirmedSubscriptions()
	if _, ok := c.Read(pending); ok {
		t.Error("the unconfirmed subscription is still there after 48 hours")
	}
	if s, ok := c.Read(confirmed); !ok || boolean(s, "pendingConfirmation") {
		t.Errorf("the confirmed subscription: found %v, state %v", ok, s)
	}
}

// An NLB with logging on writes logs only once it has a TLS listener; an ALB always.
func TestNlbAccessLogsNeedATLSListener(t *testing.T) {
	c := NewCloud()
	logBucket(t, c, albWriter, nlbWriter)
	nlbArn, _ := made(t, c, TypeLoadBalancer, "nlb", withLogs(nlb(t, c), "nlb"))
	if c.DeliversAccessLogs(nlbArn) {
		t.Error("an NLB without listeners delivers access logs")
	}
	made(t, c, TypeListener, "tcp", map[string]any{"loadBalancerArn": nlbArn, "port": 80, "protocol": "TCP"})
	if c.DeliversAccessLogs(nlbArn) {
		t.Error("an NLB with a TCP listener only delivers access logs")
	}
	made(t, c, TypeListener, "tls", map[string]any{"loadBalancerArn": nlbArn, "port": 443, "protocol": "TLS",
		"certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0e6c3c2f-1234-4abc-9def-0123456789ab"})
	if !c.DeliversAccessLogs(nlbArn) {
		t.Error("an NLB with a TLS listener delivers no access logs")
	}
	albArn, _ := made(t, c, TypeLoadBalancer, "alb", withLogs(alb(t, c), "alb"))
	if !c.DeliversAccessLogs(albArn) {
		t.Error("an ALB with logging on delivers no access logs")
	}
}
