package main

// The partner-grade ingress: allowedCidrs, mutual TLS at the ALB, and deployments that
// roll back on alarm (examples/partners.yaml uses all three).

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/example/nlb-alb-fargate/internal/standin/harness"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// clientRulesOf are the NLB security group's inbound rules from outside, as
// "cidr port" strings.
func clientRulesOf(t *testing.T, m *mocks) []string {
	t.Helper()
	nlbSG := m.one(t, string(standin.TypeSecurityGroup), "nlb-sg")
	var rules []string
	for _, r := range m.byType(string(standin.TypeSecurityGroupIngressRule)) {
		if str(t, r.Inputs, "securityGroupId") != nlbSG.ID {
			continue
		}
		cidr, _ := r.Inputs["cidrIpv4"].(string)
		if v6, _ := r.Inputs["cidrIpv6"].(string); v6 != "" {
			cidr = v6
		}
		if cidr == "" {
			t.Errorf("%s: the NLB's group admits %v, not a network", r.Name, r.Inputs["referencedSecurityGroupId"])
		}
		rules = append(rules, fmt.Sprintf("%s %d", cidr, num(t, r.Inputs, "fromPort")))
		equal(t, r.Name+" one port", num(t, r.Inputs, "toPort"), num(t, r.Inputs, "fromPort"))
	}
	slices.Sort(rules)
	return rules
}

// The NLB admits exactly allowedCidrs on each listener port, and nothing else from
// outside; the default is everyone, over IPv4 and IPv6, under the rules' old names.
func TestAllowedCidrsAreTheOnlyWayIn(t *testing.T) {
	m, _ := mustRun(t, nil)
	equalSlices(t, "default client rules", clientRulesOf(t, m), []string{"0.0.0.0/0 80", "::/0 80"})
	m.one(t, string(standin.TypeSecurityGroupIngressRule), "nlb-from-internet-ipv4")
	m.one(t, string(standin.TypeSecurityGroupIngressRule), "nlb-from-internet-ipv6")

	m, _ = mustRun(t, map[string]string{"certificateArn": testCertArn, "allowedCidrs": `["203.0.113.0/24","2001:db8:1234::/48"]`})
	equalSlices(t, "partner client rules", clientRulesOf(t, m), []string{"2001:db8:1234::/48 443", "2001:db8:1234::/48 80", "203.0.113.0/24 443", "203.0.113.0/24 80"})
	// The NLB's probes of the ALB still leave through the group's outbound rules.
	nlbSG := m.one(t, string(standin.TypeSecurityGroup), "nlb-sg")
	for _, name := range []string{"nlb-to-alb", "nlb-to-alb-https"} {
		equal(t, name+" group", str(t, m.one(t, string(standin.TypeSecurityGroupEgressRule), name).Inputs, "securityGroupId"), nlbSG.ID)
	}
}

// IPv6 networks are refused for an IPv4-only NLB before anything is registered; the
// default (everyone) is not.
func TestIPv6ClientsNeedADualStackNlb(t *testing.T) {
	cfg := existingVpcConfig(theNetwork(t, networkTeam))
	mustRunIn(t, withNetworks(t), cfg) // the default list includes ::/0
	cfg["allowedCidrs"] = `["203.0.113.0/24","2001:db8::/32"]`
	mustRefuse(t, withNetworks(t), cfg, []string{
		`allowedCidrs[1]: invalid value "2001:db8::/32": the NLB is IPv4 only, because the public subnets of vpcId have no IPv6 block`,
	})
}

// Preflight compares the rules with the account's own quota, IPv4 and IPv6 apart.
func TestClientRulesFitTheAccountsQuota(t *testing.T) {
	var many []string
	for i := range 31 {
		many = append(many, fmt.Sprintf("198.51.100.%d/32", i))
	}
	cfg := map[string]string{"certificateArn": testCertArn, "allowedCidrs": config.CompactJSON(many)}
	mustRefuse(t, nil, cfg, []string{
		`allowedCidrs: too many networks: they make 62 IPv4 inbound rules in the NLB's security group (one per network and listener port), and the account allows 60 ("Inbound or outbound rules per security group", quota L-0EA8095F)`,
	})
	raised := func(c *standin.Cloud) { c.SetQuota("vpc", config.SecurityGroupRulesQuotaCode, 100) }
	m, _ := mustRunIn(t, raised, cfg)
	equal(t, "client rules with a raised quota", len(clientRulesOf(t, m)), 62)
}

// withMTLS is HTTPS with mutual TLS against the example's CA bundle.
func withMTLS(mtls string) map[string]string {
	return map[string]string{"certificateArn": testCertArn, "taskIdentity": "true", "mtls": mtls}
}

// mtls verify: the bundle in a private, encrypted, TLS-only bucket that is not versioned,
// under a key named after its content; the trust store made from that key; the HTTPS
// listener verifying against it; the NLB probing that entrance over HTTP; and the app told
// the mode and the HTTPS listener's port.
func TestMutualTLSVerifiesAgainstTheUploadedBundle(t *testing.T) {
	m, _ := mustRun(t, withMTLS(`{"caBundle":"examples/partners-ca.pem"}`))
	bucket := m.one(t, string(standin.TypeS3BucketV2), "mtls-ca-bundle")
	name := str(t, bucket.State, "bucket")
	for _, typ := range []tokens.Type{standin.TypeS3BucketPublicAccessBlock, standin.TypeS3BucketServerSideEncryptionConfigurationV2, standin.TypeS3BucketPolicy} {
		found := false
		for _, r := range m.byType(string(typ)) {
			found = found || str(t, r.Inputs, "bucket") == name
		}
		if !found {
			t.Errorf("the CA bundle bucket has no %s", typ)
		}
	}
	// S3 asks for 15 minutes between first enabling versioning and writing: a new stack
	// writes its bundle at once, so the bucket is never versioned.
	noneOf(t, m, string(standin.TypeS3BucketVersioningV2), "the CA bundle bucket is not versioned")
	equal(t, "bucket versioning", m.Cloud.BucketVersioning(name), "")
	deny := policyStatements(t, m.one(t, string(standin.TypeS3BucketPolicy), "mtls-ca-bundle-policy"))
	equal(t, "TLS-only policy", jsonOf(deny), `[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::`+name+`","arn:aws:s3:::`+name+`/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]`)

	object := m.one(t, string(standin.TypeS3BucketObjectv2), "mtls-ca-bundle-object")
	bundle := mustRead(t, "examples/partners-ca.pem")
	key := str(t, object.Inputs, "key")
	sum := sha256.Sum256([]byte(bundle))
	equal(t, "bundle key", key, "ca-bundle-"+hex.EncodeToString(sum[:])+".pem")
	equal(t, "uploaded bundle", str(t, object.Inputs, "content"), bundle)
	stored, err := m.Cloud.GetObject(name, key, "")
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "bundle in S3", string(stored), bundle)
	for _, dep := range []string{urn(string(standin.TypeS3BucketPolicy), "mtls-ca-bundle-policy"), urn(string(standin.TypeS3BucketServerSideEncryptionConfigurationV2), "mtls-ca-bundle-encryption")} {
		if !slices.Contains(object.Dependencies, dep) {
			t.Errorf("the bundle object does not wait for %s: %v", dep, object.Dependencies)
		}
	}
	store := m.one(t, string(standin.TypeLbTrustStore), "mtls-trust-store")
	equal(t, "trust store source", str(t, store.Inputs, "caCertificatesBundleS3Bucket")+"/"+str(t, store.Inputs, "caCertificatesBundleS3Key"), name+"/"+key)
	equal(t, "trust store pins no version", store.Inputs["caCertificatesBundleS3ObjectVersion"] == nil, true)

	https := m.one(t, string(standin.TypeListener), "alb-https-listener")
	equal(t, "HTTPS mutual authentication", jsonOf(get(t, https.Inputs, "mutualAuthentication")),
		`{"ignoreClientCertificateExpiry":false,"mode":"verify","trustStoreArn":"`+str(t, store.State, "arn")+`"}`)
	equal(t, "HTTP listener has none", m.one(t, string(standin.TypeListener), "alb-http-listener").Inputs["mutualAuthentication"] == nil, true)

	hc := m.one(t, string(standin.TypeTargetGroup), "nlb-alb-https-tg").Inputs["healthCheck"]
	equal(t, "HTTPS entrance probed over HTTP", str(t, hc, "protocol")+" "+str(t, hc, "port")+" "+str(t, hc, "path"), "HTTP 80 /healthz")
	hc = m.one(t, string(standin.TypeTargetGroup), "nlb-alb-tg").Inputs["healthCheck"]
	equal(t, "HTTP entrance probed as before", str(t, hc, "protocol")+" "+str(t, hc, "port"), "HTTP traffic-port")

	c := containerDefs(t, m.one(t, string(standin.TypeEcsTaskDefinition), "web-task"))[0]
	env := map[string]string{}
	for i := range get(t, c, "environment").([]any) {
		env[str(t, c, "environment", i, "name")] = str(t, c, "environment", i, "value")
	}
	equal(t, "MTLS_MODE", env["MTLS_MODE"], "verify")
	equal(t, "MTLS_PORT", env["MTLS_PORT"], "443")
}

// passthrough with a caBundle builds nothing the listener does not use, and says so.
func TestMutualTLSPassthroughIgnoresABundle(t *testing.T) {
	m, _ := mustRun(t, withMTLS(`{"mode":"passthrough","caBundle":"examples/partners-ca.pem"}`))
	noneOf(t, m, string(standin.TypeLbTrustStore), "passthrough with a bundle")
	noneOf(t, m, string(standin.TypeS3BucketObjectv2), "passthrough with a bundle")
	for _, b := range m.byType(string(standin.TypeS3BucketV2)) {
		if b.Name == "mtls-ca-bundle" {
			t.Errorf("passthrough with a bundle made the CA bundle bucket")
		}
	}
	equal(t, "passthrough", jsonOf(get(t, m.one(t, string(standin.TypeListener), "alb-https-listener").Inputs, "mutualAuthentication")), `{"mode":"passthrough"}`)
}

// A network spelt otherwise than AWS writes it is sent in AWS's spelling, and the rule
// keeps the name it had under the old spelling as an alias, so an existing stack's rule
// is neither replaced (AWS would refuse the new one as a duplicate) nor changed.
func TestClientRulesInAWSSpelling(t *testing.T) {
	m, _ := mustRun(t, map[string]string{"allowedCidrs": `["2001:DB8:0::/32","203.0.113.0/24"]`})
	equalSlices(t, "client rules", clientRulesOf(t, m), []string{"2001:db8::/32 80", "203.0.113.0/24 80"})
	rule := m.one(t, string(standin.TypeSecurityGroupIngressRule), "nlb-from-2001-db8---32")
	equalSlices(t, "aliases", rule.Aliases, []string{"nlb-from-2001-DB8-0---32"})
	equalSlices(t, "no alias for a canonical spelling", m.one(t, string(standin.TypeSecurityGroupIngressRule), "nlb-from-203.0.113.0-24").Aliases, nil)
}

// passthrough hands certificates on unverified; without mtls the HTTPS listener's mutual
// authentication is sent off, so removing mtls turns it off on a running listener.
func TestMutualTLSPassthroughAndOff(t *testing.T) {
	m, _ := mustRun(t, withMTLS(`{"mode":"passthrough"}`))
	equal(t, "passthrough", jsonOf(get(t, m.one(t, string(standin.TypeListener), "alb-https-listener").Inputs, "mutualAuthentication")), `{"mode":"passthrough"}`)
	noneOf(t, m, string(standin.TypeLbTrustStore), "passthrough without a bundle verifies nothing")
	hc := m.one(t, string(standin.TypeTargetGroup), "nlb-alb-https-tg").Inputs["healthCheck"]
	equal(t, "passthrough admits the NLB's probe", str(t, hc, "protocol")+" "+str(t, hc, "port"), "HTTPS traffic-port")

	m, _ = mustRun(t, map[string]string{"certificateArn": testCertArn})
	equal(t, "off", jsonOf(get(t, m.one(t, string(standin.TypeListener), "alb-https-listener").Inputs, "mutualAuthentication")), `{"mode":"off"}`)
	noneOf(t, m, string(standin.TypeS3BucketObjectv2), "no bundle without mtls")
}

// A bad bundle stops the program before any resource, naming the setting.
func TestBadCABundleRegistersNothing(t *testing.T) {
	mustRefuse(t, nil, withMTLS(`{"caBundle":"examples/partners.yaml"}`), []string{
		`mtls.caBundle: invalid file "examples/partners.yaml": not PEM: it holds no -----BEGIN CERTIFICATE----- block`,
	})
	mustRefuse(t, nil, map[string]string{"mtls": `{"caBundle":"no/such.pem"}`}, []string{
		`mtls.caBundle: cannot read "no/such.pem": no such file or directory`,
		`mtls: needs HTTPS`,
	})
}

// Each service's deployments watch its own target group's 5xx and p99 alarms; ECS
// rolls back when one fires, and rollbackOnAlarm false turns the watch off, not the alarms.
func TestDeploymentsRollBackOnTheirAlarms(t *testing.T) {
	for _, rollback := range []bool{true, false} {
		m, _ := mustRun(t, map[string]string{"rollbackOnAlarm": fmt.Sprint(rollback), "alarmTarget5xxCount": "7", "alarmP99LatencyMs": "1500"})
		tg := m.one(t, string(standin.TypeTargetGroup), "web-tg")
		alb := m.one(t, string(standin.TypeLoadBalancer), "alb")
		alarms := alarmsByName(m)
		var names []string
		for _, a := range []struct{ name, metric, stat, threshold string }{
			{"web-deploy-5xx-alarm", "HTTPCode_Target_5XX_Count", "Sum", "7"},
			{"web-deploy-p99-alarm", "TargetResponseTime", "p99", "1.5"},
		} {
			alarm, ok := alarms[a.name]
			if !ok {
				t.Fatalf("rollbackOnAlarm %v: no alarm %s", rollback, a.name)
			}
			stat, _ := alarm.Inputs["statistic"].(string)
			if ext, _ := alarm.Inputs["extendedStatistic"].(string); ext != "" {
				stat = ext
			}
			equal(t, a.name, fmt.Sprintf("%s %s %v per %ds", str(t, alarm.Inputs, "metricName"), stat, alarm.Inputs["threshold"], num(t, alarm.Inputs, "period")),
				fmt.Sprintf("%s %s %s per 60s", a.metric, a.stat, a.threshold))
			equal(t, a.name+" dimensions", jsonOf(get(t, alarm.Inputs, "dimensions")),
				`{"LoadBalancer":"`+str(t, alb.State, "arnSuffix")+`","TargetGroup":"`+str(t, tg.State, "arnSuffix")+`"}`)
			names = append(names, str(t, alarm.State, "name"))
		}
		got := get(t, m.one(t, string(standin.TypeEcsService), "web-service").Inputs, "alarms")
		equalSlices(t, "watched alarms", strs(t, got, "alarmNames"), names)
		equal(t, "enable, rollback", fmt.Sprint(get(t, got, "enable"), get(t, got, "rollback")), fmt.Sprint(rollback, rollback))
		// The circuit breaker stays either way.
		equal(t, "circuit breaker", jsonOf(get(t, m.one(t, string(standin.TypeEcsService), "web-service").Inputs, "deploymentCircuitBreaker")), `{"enable":true,"rollback":true}`)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Under the real engine: a release whose target group's 5xx alarm fires during its
// deployment is rolled back by ECS when rollbackOnAlarm is on, and only then. Like the
// circuit breaker's, the rollback is unseen by the next preview (the state still names
// the new revision; README, Roll back).
func TestEngineAlarmRollsBackABadRelease(t *testing.T) {
	skipShort(t)
	t.Parallel()
	e := harness.NewStack(t, harness.PulumiCLI(t), harness.StackOptions{Name: "dev", ConfigFile: "Pulumi.dev.yaml", Program: program})
	dev := devConfig(t)
	e.Apply(t) // the release in service, revision 1
	for release, rollback := range []bool{true, false} {
		// A release: a new task definition revision that the service deploys.
		e.SetConfig(t, stackYAML(dev, map[string]any{"rollbackOnAlarm": rollback, "environment": map[string]any{"RELEASE": fmt.Sprint(release)}}))
		e.Apply(t)
		var serviceArn, alarm string
		for _, r := range e.Resources(t) {
			switch {
			case r.URN.Type() == standin.TypeEcsService && r.URN.Name() == "web-service":
				serviceArn = string(r.ID)
			case r.URN.Type() == standin.TypeCloudwatchMetricAlarm && r.URN.Name() == "web-deploy-5xx-alarm":
				alarm, _ = r.Outputs["name"].(string)
			}
		}
		failed, rolledBack, err := e.AWS.Cloud.FireAlarmDuringDeployment(serviceArn, alarm)
		if err != nil {
			t.Fatal(err)
		}
		equal(t, fmt.Sprintf("rollbackOnAlarm %v: the deployment failed, rolled back", rollback), fmt.Sprint(failed, rolledBack), fmt.Sprint(rollback, rollback))
		if err := e.Preview(t).NoChanges(); err != nil {
			t.Errorf("rollbackOnAlarm %v: after the alarm, the next preview: %v", rollback, err)
		}
	}
	e.Destroy(t)
}
