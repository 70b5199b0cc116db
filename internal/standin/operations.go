package standin

// The operations and security baseline's resources: the access-log bucket and its
// configuration (internal/service/s3), the VPC's default security group and flow log
// (internal/service/ec2), the alarm topic (internal/service/sns), alarms and the
// dashboard (internal/service/cloudwatch), and the web ACL (internal/service/wafv2).
// What ELB checks when access logs are turned on is a hook of the load balancer.

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

const (
	tBucket       = "aws:s3/bucketV2:BucketV2"
	tBucketPolicy = "aws:s3/bucketPolicy:BucketPolicy"
	tBucketSSE    = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	tWebACL       = "aws:wafv2/webAcl:WebAcl"
)

// jsonRules are a JSON attribute's StateFunc (structure.NormalizeJsonString) and its
// DiffSuppressFunc (verify.SuppressEquivalentJSONDiffs).
func jsonRules(attr string) []rule {
	return []rule{
		normalizeJSONRule(attr, "structure.NormalizeJsonString"),
		{
			name: "verify.SuppressEquivalentJSONDiffs", attr: attr,
			why: "JSON equal to the stored one, in another layout, plans no change",
			same: func(s, n resource.PropertyValue, _ resource.PropertyMap) bool {
				s, n = unwrap(s), unwrap(n)
				if !s.IsString() || !n.IsString() {
					return false
				}
				var a, b any
				return json.Unmarshal([]byte(s.StringValue()), &a) == nil && json.Unmarshal([]byte(n.StringValue()), &b) == nil &&
					canonicalJSON(a) == canonicalJSON(b)
			},
		},
	}
}

// bucketConfig is the create of a bucket's sub-resource (encryption, public access
// block, policy, lifecycle); S3 answers NoSuchBucket without the bucket. The provider's
// id is the bucket's name; the Cloud holds objects of every type by id, so the stand-in
// adds the type to keep them apart (nothing reads these ids).
func bucketConfig(o *op) (string, map[string]any, error) {
	name := str(o.in, "bucket")
	if !o.preview && !o.c.taken(tBucket, "bucket", name) {
		return "", nil, fmt.Errorf("NoSuchBucket: The specified bucket does not exist: %s", name)
	}
	return name + "#" + string(o.urn.Type().Name()), map[string]any{}, nil
}

func init() {
	register(map[tokens.Type]*model{
		tBucket: {
			tf: "aws_s3_bucket", source: "internal/service/s3/bucket.go",
			forceNew: []string{"bucket", "bucketPrefix", "objectLockEnabled"},
			computed: []string{"bucket", "bucketPrefix", "objectLockEnabled", "accelerationStatus", "acl", "corsRules", "grants",
				"lifecycleRules", "loggings", "objectLockConfiguration", "policy", "replicationConfigurations", "requestPayer",
				"serverSideEncryptionConfigurations", "versionings", "websites"},
			autoname: 63, lower: true, nameAttr: "bucket",
			tagged: true,
			create: func(o *op) (string, map[string]any, error) {
				name := str(o.in, "bucket")
				if !o.preview && o.c.taken(tBucket, "bucket", name) {
					return "", nil, fmt.Errorf("BucketAlreadyOwnedByYou: %s", name)
				}
				return name, map[string]any{
					"arn": "arn:aws:s3:::" + name, "bucketDomainName": name + ".s3.amazonaws.com",
					"bucketRegionalDomainName": fmt.Sprintf("%s.s3.%s.amazonaws.com", name, o.region()),
					"hostedZoneId":             "Z3AQBSTGFYJSTF", "region": o.region(), "bucketPrefix": "", "objectLockEnabled": false,
					// S3 encrypts every new bucket with SSE-S3 by default (January 2023).
					"serverSideEncryptionConfigurations": []any{map[string]any{"rules": []any{map[string]any{
						"applyServerSideEncryptionByDefaults": []any{map[string]any{"sseAlgorithm": "AES256", "kmsMasterKeyId": ""}},
						"bucketKeyEnabled":                    false,
					}}}},
					"versionings": []any{map[string]any{"enabled": false, "mfaDelete": false}},
				}, nil
			},
		},
		tBucketSSE: {
			tf: "aws_s3_bucket_server_side_encryption_configuration", source: "internal/service/s3/bucket_server_side_encryption_configuration.go",
			forceNew: []string{"bucket", "expectedBucketOwner"},
			sets:     []string{"rules"},
			create:   bucketConfig,
		},
		"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {
			tf: "aws_s3_bucket_public_access_block", source: "internal/service/s3/bucket_public_access_block.go",
			forceNew: []string{"bucket"},
			create:   bucketConfig,
		},
		"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": {
			tf: "aws_s3_bucket_lifecycle_configuration", source: "internal/service/s3/bucket_lifecycle_configuration.go",
			forceNew: []string{"bucket", "expectedBucketOwner"},
			computed: []string{"transitionDefaultMinimumObjectSize"},
			create: func(o *op) (string, map[string]any, error) {
				id, _, err := bucketConfig(o)
				for _, r := range objs(o.in, "rules") {
					if e := obj(r, "expiration"); e != nil && number(e, "days") < 1 {
						return "", nil, fmt.Errorf("InvalidArgument: 'Days' for Expiration action must be a positive integer")
					}
				}
				return id, map[string]any{"transitionDefaultMinimumObjectSize": "all_storage_classes_128K"}, err
			},
		},
		tBucketPolicy: {
			tf: "aws_s3_bucket_policy", source: "internal/service/s3/bucket_policy.go",
			forceNew: []string{"bucket"},
			create: func(o *op) (string, map[string]any, error) {
				id, _, err := bucketConfig(o)
				if err == nil && !o.preview {
					err = checkBucketPolicy(str(o.in, "bucket"), str(o.in, "policy"))
				}
				return id, map[string]any{}, err
			},
			rules: []rule{policyRule("policy"), normalizeJSONRule("policy", "structure.NormalizeJsonString")},
		},
		"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": {
			tf: "aws_default_security_group", source: "internal/service/ec2/vpc_default_security_group.go",
			forceNew: []string{"vpcId"},
			computed: []string{"ingress", "egress"},
			sets:     []string{"ingress", "egress"},
			tagged:   true,
			// resourceDefaultSecurityGroupCreate adopts the VPC's default group and revokes
			// every rule the program does not list: EC2 made it with all traffic allowed
			// between members and all egress.
			create: func(o *op) (string, map[string]any, error) {
				vpc := o.lookup(str(o.in, "vpcId"))
				if vpc == nil && !o.preview {
					return "", nil, fmt.Errorf("InvalidVpcID.NotFound: The vpc ID '%s' does not exist", str(o.in, "vpcId"))
				}
				id := str(vpc, "defaultSecurityGroupId")
				return id, map[string]any{
					"arn": o.arn("ec2", "security-group/"+id), "name": "default", "description": "default VPC security group",
					"ownerId": Account, "ingress": []any{}, "egress": []any{}, "revokeRulesOnDelete": false,
				}, nil
			},
		},
		"aws:ec2/flowLog:FlowLog": {
			tf: "aws_flow_log", source: "internal/service/ec2/vpc_flow_log.go",
			// Update changes tags only: every argument the program sets is ForceNew.
			forceNew: []string{"vpcId", "trafficType", "logDestination", "logDestinationType", "iamRoleArn", "maxAggregationInterval", "logFormat"},
			computed: []string{"logFormat", "logDestination", "logGroupName"},
			defaults: map[string]any{"logDestinationType": "cloud-watch-logs", "maxAggregationInterval": 600},
			tagged:   true,
			create: func(o *op) (string, map[string]any, error) {
				if !o.preview && str(o.in, "logDestinationType") == "cloud-watch-logs" && str(o.in, "iamRoleArn") == "" {
					return "", nil, fmt.Errorf("InvalidParameter: DeliverLogsPermissionArn must be specified for cloud-watch-logs delivery")
				}
				id := "fl-0" + o.hex("fl", 16)
				return id, map[string]any{
					"arn":       o.arn("ec2", "vpc-flow-log/"+id),
					"logFormat": "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}",
				}, nil
			},
		},
		"aws:sns/topic:Topic": {
			tf: "aws_sns_topic", source: "internal/service/sns/topic.go",
			forceNew: []string{"name", "namePrefix", "fifoTopic"},
			computed: []string{"name", "namePrefix", "policy", "signatureVersion", "tracingConfig", "archivePolicy"},
			autoname: 256,
			tagged:   true,
			create: func(o *op) (string, map[string]any, error) {
				arn := o.arn("sns", str(o.in, "name"))
				policy := fmt.Sprintf(`{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":"%s","Condition":{"StringEquals":{"AWS:SourceOwner":"%s"}}}]}`, arn, Account)
				return arn, map[string]any{"arn": arn, "owner": Account, "policy": policy, "namePrefix": "", "beginningArchiveTime": ""}, nil
			},
		},
		"aws:sns/topicSubscription:TopicSubscription": {
			tf: "aws_sns_topic_subscription", source: "internal/service/sns/topic_subscription.go",
			forceNew: []string{"topic", "protocol", "endpoint"},
			computed: []string{"filterPolicyScope"},
			defaults: map[string]any{"confirmationTimeoutInMinutes": 1},
			create: func(o *op) (string, map[string]any, error) {
				if !o.preview && o.lookup(str(o.in, "topic")) == nil {
					return "", nil, fmt.Errorf("NotFound: Topic does not exist: %s", str(o.in, "topic"))
				}
				arn := str(o.in, "topic") + ":" + o.hex("sub", 8) + "-" + o.hex("sub2", 4) + "-" + o.hex("sub3", 4) + "-" + o.hex("sub4", 4) + "-" + o.hex("sub5", 12)
				// An email endpoint stays pending until its owner follows the link AWS mails.
				return arn, map[string]any{
					"arn": arn, "ownerId": Account, "confirmationWasAuthenticated": false,
					"pendingConfirmation": str(o.in, "protocol") == "email", "filterPolicyScope": "",
				}, nil
			},
		},
		"aws:cloudwatch/metricAlarm:MetricAlarm": {
			tf: "aws_cloudwatch_metric_alarm", source: "internal/service/cloudwatch/metric_alarm.go",
			forceNew: []string{"name"},
			computed: []string{"evaluateLowSampleCountPercentiles"},
			sets:     []string{"alarmActions", "okActions", "insufficientDataActions", "metricQueries"},
			defaults: map[string]any{"actionsEnabled": true, "treatMissingData": "missing"},
			autoname: 255,
			tagged:   true,
			validate: validMetricAlarm,
			create: func(o *op) (string, map[string]any, error) {
				name := str(o.in, "name")
				if err := checkMetricQueries(o.in); err != nil {
					return "", nil, err
				}
				return name, map[string]any{"arn": o.arn("cloudwatch", "alarm:"+name), "evaluateLowSampleCountPercentiles": ""}, nil
			},
		},
		"aws:cloudwatch/dashboard:Dashboard": {
			tf: "aws_cloudwatch_dashboard", source: "internal/service/cloudwatch/dashboard.go",
			forceNew: []string{"dashboardName"},
			create: func(o *op) (string, map[string]any, error) {
				name := str(o.in, "dashboardName")
				if err := checkDashboardBody(str(o.in, "dashboardBody")); err != nil && !o.preview {
					return "", nil, err
				}
				return name, map[string]any{"dashboardArn": fmt.Sprintf("arn:aws:cloudwatch::%s:dashboard/%s", Account, name)}, nil
			},
			rules: jsonRules("dashboardBody"),
		},
		"aws:wafv2/ipSet:IpSet": {
			tf: "aws_wafv2_ip_set", source: "internal/service/wafv2/ip_set.go",
			forceNew: []string{"name", "namePrefix", "scope", "ipAddressVersion"},
			computed: []string{"name", "namePrefix"},
			sets:     []string{"addresses"},
			autoname: 128,
			tagged:   true,
			create: func(o *op) (string, map[string]any, error) {
				if err := checkIPSetAddresses(str(o.in, "ipAddressVersion"), strs(o.in, "addresses")); err != nil && !o.preview {
					return "", nil, err
				}
				if err := checkWAFDescription(str(o.in, "description")); err != nil {
					return "", nil, err
				}
				id := wafID(o, "ipset")
				return id, map[string]any{"arn": wafArn(o, "ipset", id), "lockToken": wafID(o, "lock"), "namePrefix": ""}, nil
			},
		},
		tWebACL: {
			tf: "aws_wafv2_web_acl", source: "internal/service/wafv2/web_acl.go",
			forceNew: []string{"name", "namePrefix", "scope"},
			computed: []string{"name", "namePrefix"},
			sets:     []string{"rules"},
			autoname: 128,
			tagged:   true,
			validate: validWebACLRules,
			create: func(o *op) (string, map[string]any, error) {
				if err := checkWAFDescription(str(o.in, "description")); err != nil {
					return "", nil, err
				}
				capacity := webACLCapacity(objs(o.in, "rules"))
				if capacity > maxWebACLCapacity {
					return "", nil, fmt.Errorf("WAFLimitsExceededException: the web ACL needs %d WCUs, more than %d", capacity, maxWebACLCapacity)
				}
				id := wafID(o, "webacl")
				return id, map[string]any{
					"arn": wafArn(o, "webacl", id), "capacity": capacity, "lockToken": wafID(o, "lock"),
					"applicationIntegrationUrl": "", "namePrefix": "",
				}, nil
			},
		},
		"aws:wafv2/webAclAssociation:WebAclAssociation": {
			tf: "aws_wafv2_web_acl_association", source: "internal/service/wafv2/web_acl_association.go",
			forceNew: []string{"resourceArn", "webAclArn"}, // no Update
			create: func(o *op) (string, map[string]any, error) {
				acl, target := str(o.in, "webAclArn"), str(o.in, "resourceArn")
				if !o.preview {
					if !o.c.taken(tWebACL, "arn", acl) {
						return "", nil, fmt.Errorf("WAFNonexistentItemException: web ACL %s does not exist", acl)
					}
					if !o.c.taken(tLoadBalancer, "arn", target) {
						return "", nil, fmt.Errorf("WAFNonexistentItemException: resource %s does not exist", target)
					}
				}
				return acl + "," + target, map[string]any{}, nil
			},
		},
	})
	hooks[tBucket] = objectHook{deleting: bucketDeleting}
}

// wafID is a WAF object's id (a UUID); wafArn its regional ARN.
func wafID(o *op, salt string) string {
	return fmt.Sprintf("%s-%s-%s-%s-%s", o.hex(salt, 8), o.hex(salt+"2", 4), o.hex(salt+"3", 4), o.hex(salt+"4", 4), o.hex(salt+"5", 12))
}

func wafArn(o *op, kind, id string) string {
	return o.arn("wafv2", fmt.Sprintf("regional/%s/%s/%s", kind, str(o.in, "name"), id))
}

// bucketDeleting is DeleteBucket: S3 refuses a bucket that holds objects; the provider
// empties it first only with force_destroy.
func bucketDeleting(c *Cloud, id string, state resource.PropertyMap) error {
	c.mu.Lock()
	n := c.bucketObjects[id]
	c.mu.Unlock()
	if n > 0 && !boolean(state, "forceDestroy") {
		return fmt.Errorf("deleting S3 Bucket (%s): BucketNotEmpty: The bucket you tried to delete is not empty (%d objects)", id, n)
	}
	c.mu.Lock()
	delete(c.bucketObjects, id)
	c.mu.Unlock()
	return nil
}

// checkBucketPolicy is PutBucketPolicy's own check: every statement's resources are this
// bucket or its objects (MalformedPolicy: Policy has invalid resource).
func checkBucketPolicy(bucket, doc string) error {
	stmts, err := policyStatements(doc)
	if err != nil {
		return fmt.Errorf("MalformedPolicy: %v", err)
	}
	for _, st := range stmts {
		for _, r := range policyList(st["Resource"]) {
			if r != "arn:aws:s3:::"+bucket && !strings.HasPrefix(r, "arn:aws:s3:::"+bucket+"/") {
				return fmt.Errorf("MalformedPolicy: Policy has invalid resource %s", r)
			}
		}
	}
	return nil
}

func policyStatements(doc string) ([]map[string]any, error) {
	var p struct{ Statement []map[string]any }
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return nil, err
	}
	return p.Statement, nil
}

// policyList is a policy element as a list: a single string or a list of them.
func policyList(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// policyAllows reports whether a statement of the policy allows the principal (a
// "Service" or "AWS" value) the action on resource, wildcards as IAM matches them.
func policyAllows(doc, principalKind, principal, action, resource string) bool {
	stmts, err := policyStatements(doc)
	if err != nil {
		return false
	}
	for _, st := range stmts {
		if st["Effect"] != "Allow" {
			continue
		}
		pr, _ := st["Principal"].(map[string]any)
		if pr == nil || !contains(policyList(pr[principalKind]), principal) {
			continue
		}
		if !anyMatch(policyList(st["Action"]), action) || !anyMatch(policyList(st["Resource"]), resource) {
			continue
		}
		return true
	}
	return false
}

func anyMatch(patterns []string, s string) bool {
	for _, p := range patterns {
		re := "^" + strings.ReplaceAll(regexp.QuoteMeta(p), `\*`, ".*") + "$"
		if regexp.MustCompile(re).MatchString(s) {
			return true
		}
	}
	return false
}

// elbLogAccounts are the ELB accounts that write ALB access logs under the legacy policy,
// in the Regions opened before August 2022 (Elastic Load Balancing User Guide).
var elbLogAccounts = map[string]string{
	"us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980", "us-west-2": "797873946194",
	"af-south-1": "098369216593", "ap-east-1": "754344448648", "ap-southeast-3": "589379963580", "ap-south-1": "718504428378",
	"ap-northeast-3": "383597477331", "ap-northeast-2": "600734575887", "ap-southeast-1": "114774131450",
	"ap-southeast-2": "783225319266", "ap-northeast-1": "582318560864", "ca-central-1": "985666609251",
	"eu-central-1": "054676820928", "eu-west-1": "156460612806", "eu-west-2": "652711504416", "eu-south-1": "635631232127",
	"eu-west-3": "009996457667", "eu-north-1": "897822967062", "me-south-1": "076674570225", "sa-east-1": "507241528517",
}

// accessLogsChecked is what ModifyLoadBalancerAttributes checks when access logs are on:
// the bucket exists, ELB's log writer may put the test object under the prefix (for an ALB
// the Region's ELB account or logdelivery.elasticloadbalancing.amazonaws.com; for an NLB
// delivery.logs.amazonaws.com), and an ALB's bucket is not encrypted with KMS. Then ELB
// writes ELBAccessLogTestFile into it.
func accessLogsChecked(c *Cloud, state resource.PropertyMap) error {
	logs := obj(state, "accessLogs")
	if logs == nil || !boolean(logs, "enabled") {
		return nil
	}
	bucket := str(logs, "bucket")
	denied := fmt.Errorf("InvalidConfigurationRequest: Access Denied for bucket: %s. Please check S3bucket permission", bucket)
	if !c.taken(tBucket, "bucket", bucket) {
		return fmt.Errorf("InvalidConfigurationRequest: The specified bucket does not exist: %s", bucket)
	}
	object := fmt.Sprintf("arn:aws:s3:::%s/%s/AWSLogs/%s/ELBAccessLogTestFile", bucket, str(logs, "prefix"), Account)
	var policy string
	for _, p := range c.liveOfType(tBucketPolicy) {
		if str(p, "bucket") == bucket {
			policy = str(p, "policy")
		}
	}
	allowed := false
	if str(state, "loadBalancerType") == "network" {
		allowed = policyAllows(policy, "Service", "delivery.logs.amazonaws.com", "s3:PutObject", object)
	} else {
		allowed = policyAllows(policy, "Service", "logdelivery.elasticloadbalancing.amazonaws.com", "s3:PutObject", object) ||
			policyAllows(policy, "AWS", fmt.Sprintf("arn:aws:iam::%s:root", elbLogAccounts[c.Region()]), "s3:PutObject", object)
		for _, sse := range c.liveOfType(tBucketSSE) {
			if str(sse, "bucket") == bucket && strings.Contains(canonicalJSON(sse.Mappable()["rules"]), "aws:kms") {
				allowed = false // ALB log delivery writes SSE-S3 only
			}
		}
	}
	if !allowed {
		return denied
	}
	c.mu.Lock()
	c.bucketObjects[bucket]++
	c.mu.Unlock()
	return nil
}

// validMetricAlarm is the schema's ExactlyOneOf/ConflictsWith and Create's
// validMetricAlarm: one metric (with a statistic or an extended statistic, not both) or
// metric queries, never both.
func validMetricAlarm(in resource.PropertyMap) []string {
	metric, queries := str(in, "metricName") != "", len(objs(in, "metricQueries")) > 0
	var failures []string
	switch {
	case metric && queries:
		failures = append(failures, `"metric_name": conflicts with metric_query`)
	case !metric && !queries:
		failures = append(failures, "One of `metric_name` or `metric_query` must be set for a cloudwatch metric alarm")
	case metric && (str(in, "statistic") == "") == (str(in, "extendedStatistic") == ""):
		failures = append(failures, "One of `statistic` or `extended_statistic` must be set for a cloudwatch metric alarm")
	}
	return failures
}

// checkMetricQueries is PutMetricAlarm's check of metric math: exactly one query returns
// data, and an expression names only queries that exist.
func checkMetricQueries(in resource.PropertyMap) error {
	queries := objs(in, "metricQueries")
	if len(queries) == 0 {
		return nil
	}
	ids, returning := map[string]bool{}, 0
	for _, q := range queries {
		ids[str(q, "id")] = true
		if boolean(q, "returnData") {
			returning++
		}
	}
	if returning != 1 {
		return fmt.Errorf("ValidationError: Exactly one element of the metrics list should return data (%d do)", returning)
	}
	ident := regexp.MustCompile(`[a-z][a-zA-Z0-9_]*`)
	for _, q := range queries {
		for _, ref := range ident.FindAllString(str(q, "expression"), -1) {
			if !ids[ref] {
				return fmt.Errorf("ValidationError: Unrecognized metric id %q in expression %q", ref, str(q, "expression"))
			}
		}
	}
	return nil
}

// checkDashboardBody is PutDashboard's validation: a JSON object with widgets, each
// metric widget with a region and metrics.
func checkDashboardBody(body string) error {
	var d struct {
		Widgets []struct {
			Type       string
			Properties map[string]any
		}
	}
	if err := json.Unmarshal([]byte(body), &d); err != nil || d.Widgets == nil {
		return fmt.Errorf("InvalidParameterInput: The field DashboardBody must be a valid JSON object with widgets")
	}
	for i, w := range d.Widgets {
		if w.Type != "metric" {
			continue
		}
		if _, ok := w.Properties["region"].(string); !ok {
			return fmt.Errorf("InvalidParameterInput: dashboard body widgets[%d].properties: Should have required property 'region'", i)
		}
		if m, _ := w.Properties["metrics"].([]any); len(m) == 0 {
			return fmt.Errorf("InvalidParameterInput: dashboard body widgets[%d].properties.metrics: Should NOT have fewer than 1 items", i)
		}
	}
	return nil
}

// checkIPSetAddresses is CreateIPSet's check: CIDRs of the set's IP version.
func checkIPSetAddresses(version string, addresses []string) error {
	for _, a := range addresses {
		p, err := netip.ParsePrefix(a)
		if err != nil || p.Addr().Is4() != (version == "IPV4") {
			return fmt.Errorf("WAFInvalidParameterException: Error reason: The parameter contains formatting that is not valid., field: IP_ADDRESS, parameter: %s", a)
		}
	}
	return nil
}

// wafDescription is the pattern WAF's API holds a description to (the schema checks only
// its length).
var wafDescription = regexp.MustCompile(`^[\w+=:#@/\-,\.][\w+=:#@/\-,\.\s]+[\w+=:#@/\-,\.]$`)

func checkWAFDescription(d string) error {
	if d != "" && !wafDescription.MatchString(d) {
		return fmt.Errorf("WAFInvalidParameterException: Error reason: The parameter contains formatting that is not valid., field: DESCRIPTION, parameter: %s", d)
	}
	return nil
}

// WCUs of what the program's web ACL uses (the managed groups' published capacities).
var managedGroupCapacity = map[string]int{
	"AWSManagedRulesCommonRuleSet": 700, "AWSManagedRulesKnownBadInputsRuleSet": 200, "AWSManagedRulesAmazonIpReputationList": 25,
}

const maxWebACLCapacity = 5000

// webACLCapacity is the web ACL's WCUs: a rate-based rule costs 2, plus its scope-down.
func webACLCapacity(rules []resource.PropertyMap) int {
	total := 0
	for _, r := range rules {
		st := obj(r, "statement")
		if g := obj(st, "managedRuleGroupStatement"); g != nil {
			total += managedGroupCapacity[str(g, "name")]
		} else if obj(st, "rateBasedStatement") != nil {
			total += 3
		} else {
			total++
		}
	}
	return total
}

// validWebACLRules is what the schema and CreateWebACL require of rules: unique names and
// priorities, an override action for a rule group and an action for any other rule.
func validWebACLRules(in resource.PropertyMap) []string {
	var failures []string
	names, priorities := map[string]bool{}, map[float64]bool{}
	for _, r := range objs(in, "rules") {
		name := str(r, "name")
		if names[name] || priorities[number(r, "priority")] {
			failures = append(failures, fmt.Sprintf("WAFInvalidParameterException: rule %s: duplicate name or priority", name))
		}
		names[name], priorities[number(r, "priority")] = true, true
		group := obj(obj(r, "statement"), "managedRuleGroupStatement") != nil
		if group != (obj(r, "overrideAction") != nil) || group == (obj(r, "action") != nil) {
			failures = append(failures, fmt.Sprintf("WAFInvalidParameterException: rule %s: a rule group takes overrideAction, any other rule action", name))
		}
	}
	return failures
}
