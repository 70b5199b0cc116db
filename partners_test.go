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
	"github.com/example/nlb-alb-fargate/internal/stacktest"
	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// clientRulesOf are the NLB security group's inbound rules from outside, as
// "cidr port" strings.
func clientRulesOf(t *testing.T, m *mocks) []string {
	t.Helper()
	nlbSG := m.One(t, string(standin.TypeSecurityGroup), "nlb-sg")
	var rules []string
	for _, r := range m.ByType(string(standin.TypeSecurityGroupIngressRule)) {
		if stacktest.Str(t, r.Inputs, "securityGroupId") != nlbSG.ID {
			continue
		}
		cidr, _ := r.Inputs["cidrIpv4"].(string)
		if v6, _ := r.Inputs["cidrIpv6"].(string); v6 != "" {
			cidr = v6
		}
		if cidr == "" {
			t.Errorf("%s: the NLB's group admits %v, not a network", r.Name, r.Inputs["referencedSecurityGroupId"])
		}
		rules = append(rules, fmt.Sprintf("%s %d", cidr, stacktest.Num(t, r.Inputs, "fromPort")))
		stacktest.Equal(t, r.Name+" one port", stacktest.Num(t, r.Inputs, "toPort"), stacktest.Num(t, r.Inputs, "fromPort"))
	}
	slices.Sort(rules)
	return rules
}

// The NLB admits exactly allowedCidrs on each listener port, and nothing else from
// outside; the default is everyone, over IPv4 and IPv6, under the rules' old names.
func TestAllowedCidrsAreTheOnlyWayIn(t *testing.T) {
	m, _ := mustRun(t, nil)
	stacktest.EqualSlices(t, "default client rules", clientRulesOf(t, m), []string{"0.0.0.0/0 80", "::/0 80"})
	m.One(t, string(standin.TypeSecurityGroupIngressRule), "nlb-from-internet-ipv4")
	m.One(t, string(standin.TypeSecurityGroupIngressRule), "nlb-from-internet-ipv6")

	m, _ = mustRun(t, map[string]string{"certificateArn": testCertArn, "allowedCidrs": `["203.0.113.0/24","2001:db8:1234::/48"]`})
	stacktest.EqualSlices(t, "partner client rules", clientRulesOf(t, m), []string{"2001:db8:1234::/48 443", "2001:db8:1234::/48 80", "203.0.113.0/24 443", "203.0.113.0/24 80"})
	// The NLB's probes of the ALB still leave through the group's outbound rules.
	nlbSG := m.One(t, string(standin.TypeSecurityGroup), "nlb-sg")
	for _, name := range []string{"nlb-to-alb", "nlb-to-alb-https"} {
		stacktest.Equal(t, name+" group", stacktest.Str(t, m.One(t, string(standin.TypeSecurityGroupEgressRule), name).Inputs, "securityGroupId"), nlbSG.ID)
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
	stacktest.Equal(t, "client rules with a raised quota", len(clientRulesOf(t, m)), 62)
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
	bucket := m.One(t, string(standin.TypeS3BucketV2), "mtls-ca-bundle")
	name := stacktest.Str(t, bucket.State, "bucket")
	for _, typ := range []tokens.Type{standin.TypeS3BucketPublicAccessBlock, standin.TypeS3BucketServerSideEncryptionConfigurationV2, standin.TypeS3BucketPolicy} {
		found := false
		for _, r := range m.ByType(string(typ)) {
			found = found || stacktest.Str(t, r.Inputs, "bucket") == name
		}
		if !found {
			t.Errorf("the CA bundle bucket has no %s", typ)
		}
	}
	// S3 asks for 15 minutes between first enabling versioning and writing: a new stack
	// writes its bundle at once, so the bucket is never versioned.
	noneOf(t, m, string(standin.TypeS3BucketVersioningV2), "the CA bundle bucket is not versioned")
	stacktest.Equal(t, "bucket versioning", m.Cloud.BucketVersioning(name), "")
	deny := policyStatements(t, m.One(t, string(standin.TypeS3BucketPolicy), "mtls-ca-bundle-policy"))
	stacktest.Equal(t, "TLS-only policy", jsonOf(deny), `[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::`+name+`","arn:aws:s3:::`+name+`/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]`)

	object := m.One(t, string(standin.TypeS3BucketObjectv2), "mtls-ca-bundle-object")
	bundle := mustRead(t, "examples/partners-ca.pem")
	key := stacktest.Str(t, object.Inputs, "key")
	sum := sha256.Sum256([]byte(bundle))
	stacktest.Equal(t, "bundle key", key, "ca-bundle-"+hex.EncodeToString(sum[:])+".pem")
	stacktest.Equal(t, "uploaded bundle", stacktest.Str(t, object.Inputs, "content"), bundle)
	stored, err := m.Cloud.GetObject(name, key, "")
	if err != nil {
		t.Fatal(err)
	}
	stacktest.Equal(t, "bundle in S3", string(stored), bundle)
	for _, dep := range []string{urn(string(standin.TypeS3BucketPolicy), "mtls-ca-bundle-policy"), urn(string(standin.TypeS3BucketServerSideEncryptionConfigurationV2), "mtls-ca-bundle-encryption")} {
		if !slices.Contains(object.Dependencies, dep) {
			t.Errorf("the bundle object does not wait for %s: %v", dep, object.Dependencies)
		}
	}
	store := m.One(t, string(standin.TypeLbTrustStore), "mtls-trust-store")
	stacktest.Equal(t, "trust store source", stacktest.Str(t, store.Inputs, "caCertificatesBundleS3Bucket")+"/"+stacktest.Str(t, store.Inputs, "caCertificatesBundleS3Key"), name+"/"+key)
	stacktest.Equal(t, "trust store pins no version", store.Inputs["caCertificatesBundleS3ObjectVersion"] == nil, true)

	https := m.One(t, string(standin.TypeListener), "alb-https-listener")
	stacktest.Equal(t, "HTTPS mutual authentication", jsonOf(stacktest.Get(t, https.Inputs, "mutualAuthentication")),
		`{"ignoreClientCertificateExpiry":false,"mode":"verify","trustStoreArn":"`+stacktest.Str(t, store.State, "arn")+`"}`)
	stacktest.Equal(t, "HTTP listener has none", m.One(t, string(standin.TypeListener), "alb-http-listener").Inputs["mutualAuthentication"] == nil, true)

	hc := m.One(t, string(standin.TypeTargetGroup), "nlb-alb-https-tg").Inputs["healthCheck"]
	stacktest.Equal(t, "HTTPS entrance probed over HTTP", stacktest.Str(t, hc, "protocol")+" "+stacktest.Str(t, hc, "port")+" "+stacktest.Str(t, hc, "path"), "HTTP 80 /healthz")
	hc = m.One(t, string(standin.TypeTargetGroup), "nlb-alb-tg").Inputs["healthCheck"]
	stacktest.Equal(t, "HTTP entrance probed as before", stacktest.Str(t, hc, "protocol")+" "+stacktest.Str(t, hc, "port"), "HTTP traffic-port")

	c := containerDefs(t, m.One(t, string(standin.TypeEcsTaskDefinition), "web-task"))[0]
	env := map[string]string{}
	for i := range stacktest.Get(t, c, "environment").([]any) {
		env[stacktest.Str(t, c, "environment", i, "name")] = stacktest.Str(t, c, "environment", i, "value")
	}
	stacktest.Equal(t, "MTLS_MODE", env["MTLS_MODE"], "verify")
	stacktest.Equal(t, "MTLS_PORT", env["MTLS_PORT"], "443")
}

// passthrough with a caBundle builds nothing the listener does not use, and says so.
func TestMutualTLSPassthroughIgnoresABundle(t *testing.T) {
	m, _ := mustRun(t, withMTLS(`{"mode":"passthrough","caBundle":"examples/partners-ca.pem"}`))
	noneOf(t, m, string(standin.TypeLbTrustStore), "passthrough with a bundle")
	noneOf(t, m, string(standin.TypeS3BucketObjectv2), "passthrough with a bundle")
	for _, b := range m.ByType(string(standin.TypeS3BucketV2)) {
		if b.Name == "mtls-ca-bundle" {
			t.Errorf("passthrough with a bundle made the CA bundle bucket")
		}
	}
	stacktest.Equal(t, "passthrough", jsonOf(stacktest.Get(t, m.One(t, string(standin.TypeListener), "alb-https-listener").Inputs, "mutualAuthentication")), `{"mode":"passthrough"}`)
}

// A network spelt otherwise than AWS writes it is sent in AWS's spelling, and the rule
// keeps the name it had under the old spelling as an alias, so an existing stack's rule
// is neither replaced (AWS would refuse the new one as a duplicate) nor changed.
func TestClientRulesInAWSSpelling(t *testing.T) {
	m, _ := mustRun(t, map[string]string{"allowedCidrs": `["2001:DB8:0::/32","203.0.113.0/24"]`})
	stacktest.EqualSlices(t, "client rules", clientRulesOf(t, m), []string{"2001:db8::/32 80", "203.0.113.0/24 80"})
	rule := m.One(t, string(standin.TypeSecurityGroupIngressRule), "nlb-from-2001-db8---32")
	stacktest.EqualSlices(t, "aliases", rule.Aliases, []string{"nlb-from-2001-DB8-0---32"})
	stacktest.EqualSlices(t, "no alias for a canonical spelling", m.One(t, string(standin.TypeSecurityGroupIngressRule), "nlb-from-203.0.113.0-24").Aliases, nil)
}

// passthrough hands certificates on unverified; without mtls the HTTPS listener's mutual
// authentication is sent off, so removing mtls turns it off on a running listener.
func TestMutualTLSPassthroughAndOff(t *testing.T) {
	m, _ := mustRun(t, withMTLS(`{"mode":"passthrough"}`))
	stacktest.Equal(t, "passthrough", jsonOf(stacktest.Get(t, m.One(t, string(standin.TypeListener), "alb-https-listener").Inputs, "mutualAuthentication")), `{"mode":"passthrough"}`)
	noneOf(t, m, string(standin.TypeLbTrustStore), "passthrough without a bundle verifies nothing")
	hc := m.One(t, string(standin.TypeTargetGroup), "nlb-alb-https-tg").Inputs["healthCheck"]
	stacktest.Equal(t, "passthrough admits the NLB's probe", stacktest.Str(t, hc, "protocol")+" "+stacktest.Str(t, hc, "port"), "HTTPS traffic-port")

	m, _ = mustRun(t, map[string]string{"certificateArn": testCertArn})
	stacktest.Equal(t, "off", jsonOf(stacktest.Get(t, m.One(t, string(standin.TypeListener), "alb-https-listener").Inputs, "mutualAuthentication")), `{"mode":"off"}`)
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
		tg := m.One(t, string(standin.TypeTargetGroup), "web-tg")
		alb := m.One(t, string(standin.TypeLoadBalancer), "alb")
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
			stacktest.Equal(t, a.name, fmt.Sprintf("%s %s %v per %ds", stacktest.Str(t, alarm.Inputs, "metricName"), stat, alarm.Inputs["threshold"], stacktest.Num(t, alarm.Inputs, "period")),
				fmt.Sprintf("%s %s %s per 60s", a.metric, a.stat, a.threshold))
			stacktest.Equal(t, a.name+" dimensions", jsonOf(stacktest.Get(t, alarm.Inputs, "dimensions")),
				`{"LoadBalancer":"`+stacktest.Str(t, alb.State, "arnSuffix")+`","TargetGroup":"`+stacktest.Str(t, tg.State, "arnSuffix")+`"}`)
			names = append(names, stacktest.Str(t, alarm.State, "name"))
		}
		got := stacktest.Get(t, m.One(t, string(standin.TypeEcsService), "web-service").Inputs, "alarms")
		stacktest.EqualSlices(t, "watched alarms", stacktest.Strs(t, got, "alarmNames"), names)
		stacktest.Equal(t, "enable, rollback", fmt.Sprint(stacktest.Get(t, got, "enable"), stacktest.Get(t, got, "rollback")), fmt.Sprint(rollback, rollback))
		// The circuit breaker stays either way.
		stacktest.Equal(t, "circuit breaker", jsonOf(stacktest.Get(t, m.One(t, string(standin.TypeEcsService), "web-service").Inputs, "deploymentCircuitBreaker")), `{"enable":true,"rollback":true}`)
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
