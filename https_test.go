package main

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/stacktest"
	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

const (
	testCertArn   = "arn:aws:acm:us-east-1:123456789012:certificate/0e6c3c2f-1234-4abc-9def-0123456789ab"
	testZoneID    = "Z0123456789EXAMPLE0"
	testPrincipal = "arn:aws:iam::210987654321:root"
)

// Every option of this file is off by default, and then none of its resources exist.
func TestDefaultStackHasNoHTTPSDNSOrPrivateLink(t *testing.T) {
	m, out := mustRun(t, nil)
	for _, typ := range []string{string(standin.TypeRoute53Record), string(standin.TypeAcmCertificate), string(standin.TypeAcmCertificateValidation), string(standin.TypeVpcEndpointService)} {
		stacktest.Equal(t, typ, len(m.ByType(typ)), 0)
	}
	stacktest.Equal(t, "listeners", len(m.ByType(string(standin.TypeListener))), 2) // the NLB's TCP one, the ALB's HTTP one
	stacktest.Equal(t, "NLB target groups", len(m.ByType(string(standin.TypeTargetGroup))), 2)
	stacktest.Equal(t, "NLB enforces its security group on PrivateLink traffic",
		stacktest.Str(t, m.One(t, string(standin.TypeLoadBalancer), "nlb").Inputs, "enforceSecurityGroupInboundRulesOnPrivateLinkTraffic"), "on")
	if out.EndpointServiceName.OutputState != nil {
		t.Errorf("endpointServiceName must not be exported without privateLink")
	}
}

// The NLB's IPv6 addresses are read back from its network interfaces, one per public
// subnet, not pinned in the subnet mappings: the provider's Read loses a pinned IPv6
// address next to an EIP and then replaces the NLB on every update.
func TestNlbHasStaticIPv6PerAZ(t *testing.T) {
	m, out := mustRunIn(t, largeAccount, map[string]string{"azCount": "3"})
	nlb := m.One(t, string(standin.TypeLoadBalancer), "nlb")
	ipv6s := stacktest.Await(t, out.StaticIPv6s).([]string)
	stacktest.Equal(t, "staticIpv6s", len(ipv6s), 3)
	for i, ip := range ipv6s {
		mapping := stacktest.Get(t, nlb.Inputs, "subnetMappings", i)
		stacktest.Equal(t, fmt.Sprintf("mapping %d ipv6Address (must not be pinned)", i), stacktest.Get(t, mapping, "ipv6Address"), nil)
		subnet := m.One(t, string(standin.TypeSubnet), fmt.Sprintf("public-%d", i))
		block := netip.MustParsePrefix(stacktest.Str(t, subnet.State, "ipv6CidrBlock"))
		if a, err := netip.ParseAddr(ip); err != nil || !block.Contains(a) {
			t.Errorf("staticIpv6s[%d] = %q: want an address in public-%d's %s", i, ip, i, block)
		}
		// It is the address of the NLB's own network interface in that subnet.
		eni, err := m.Cloud.Invoke("aws:ec2/getNetworkInterface:getNetworkInterface", resource.NewPropertyMapFromMap(map[string]any{
			"filters": []any{
				map[string]any{"name": "description", "values": []any{"ELB " + stacktest.Str(t, nlb.State, "arnSuffix")}},
				map[string]any{"name": "subnet-id", "values": []any{subnet.ID}},
			},
		}))
		if err != nil {
			t.Fatalf("the NLB's interface in public-%d: %v", i, err)
		}
		stacktest.Equal(t, fmt.Sprintf("staticIpv6s[%d] is the NLB interface's address", i), fmt.Sprint(eni["ipv6Addresses"].Mappable()), fmt.Sprint([]any{ip}))
	}
}

func TestHTTPSTerminatesOnTheAlbAndTheNlbPassesTCP(t *testing.T) {
	cfg := map[string]string{"certificateArn": testCertArn}
	m, out := mustRun(t, cfg)
	c := settings(t, cfg)
	alb := m.One(t, string(standin.TypeLoadBalancer), "alb")
	https := m.One(t, string(standin.TypeListener), "alb-https-listener")
	httpsPort := stacktest.Num(t, https.Inputs, "port")
	stacktest.Equal(t, "https listener lb", stacktest.Str(t, https.Inputs, "loadBalancerArn"), stacktest.Str(t, alb.State, "arn"))
	stacktest.Equal(t, "https port = httpsListenerPort", httpsPort, c.Ingress.HTTPSListenerPort)
	stacktest.Equal(t, "https protocol", stacktest.Str(t, https.Inputs, "protocol"), "HTTPS")
	stacktest.Equal(t, "certificate", stacktest.Str(t, https.Inputs, "certificateArn"), testCertArn)
	stacktest.Equal(t, "sslPolicy", stacktest.Str(t, https.Inputs, "sslPolicy"), c.Ingress.SslPolicy)
	if !strings.Contains(stacktest.Str(t, https.Inputs, "sslPolicy"), "TLS13") {
		t.Errorf("sslPolicy %s: want a TLS 1.3 policy", stacktest.Str(t, https.Inputs, "sslPolicy"))
	}
	stacktest.Equal(t, "https default", stacktest.Str(t, https.Inputs, "defaultActions", 0, "fixedResponse", "messageBody"), "OK")

	// TCP on the NLB → ALB-type target group → the ALB's HTTPS listener, all on one port.
	nlbHTTPS := m.One(t, string(standin.TypeListener), "nlb-https-listener")

	// Plain HTTP now redirects, permanently, to the port clients reach HTTPS on.
	httpDefault := stacktest.Get(t, m.One(t, string(standin.TypeListener), "alb-http-listener").Inputs, "defaultActions", 0)
	stacktest.Equal(t, "http default", stacktest.Str(t, httpDefault, "type"), "redirect")
	stacktest.Equal(t, "redirect status", stacktest.Str(t, httpDefault, "redirect", "statusCode"), "HTTP_301")
	stacktest.Equal(t, "redirect protocol", stacktest.Str(t, httpDefault, "redirect", "protocol"), "HTTPS")
	stacktest.Equal(t, "redirect port = the NLB's HTTPS listener port", stacktest.Str(t, httpDefault, "redirect", "port"), strconv.Itoa(stacktest.Num(t, nlbHTTPS.Inputs, "port")))

	tg := m.One(t, string(standin.TypeTargetGroup), "nlb-alb-https-tg")
	stacktest.Equal(t, "https tg type", stacktest.Str(t, tg.Inputs, "targetType"), "alb")
	stacktest.Equal(t, "https tg protocol", stacktest.Str(t, tg.Inputs, "protocol"), "TCP")
	stacktest.Equal(t, "https tg port = ALB HTTPS listener port", stacktest.Num(t, tg.Inputs, "port"), httpsPort)
	stacktest.Equal(t, "https tg health protocol", stacktest.Str(t, tg.Inputs, "healthCheck", "protocol"), "HTTPS")
	stacktest.Equal(t, "nlb https listener protocol (TLS cannot forward to an ALB)", stacktest.Str(t, nlbHTTPS.Inputs, "protocol"), "TCP")
	stacktest.Equal(t, "nlb https listener port = ALB HTTPS listener port (passed through)", stacktest.Num(t, nlbHTTPS.Inputs, "port"), httpsPort)
	stacktest.Equal(t, "nlb https listener target", stacktest.Str(t, nlbHTTPS.Inputs, "defaultActions", 0, "targetGroupArn"), tg.ID)
	att := m.One(t, string(standin.TypeTargetGroupAttachment), "nlb-alb-https-attachment")
	stacktest.Equal(t, "https attachment target", stacktest.Str(t, att.Inputs, "targetId"), stacktest.Str(t, alb.State, "arn"))
	stacktest.Equal(t, "https attachment port = the target group's", stacktest.Num(t, att.Inputs, "port"), stacktest.Num(t, tg.Inputs, "port"))
	if !slices.Contains(att.Dependencies, urn(string(standin.TypeListener), "alb-https-listener")) {
		t.Errorf("the HTTPS attachment must wait for the ALB's HTTPS listener; dependencies %v", att.Dependencies)
	}

	// Service rules serve on HTTPS only; the health check path is routed on both.
	m.One(t, string(standin.TypeListenerRule), "web-rule-https")
	for _, r := range m.ByType(string(standin.TypeListenerRule)) {
		if r.Name == "web-rule" {
			t.Errorf("with redirectHttp, the HTTP listener must not forward service traffic")
		}
	}
	stacktest.Equal(t, "https rule listener", stacktest.Str(t, m.One(t, string(standin.TypeListenerRule), "web-rule-https").Inputs, "listenerArn"), https.ID)
	stacktest.Equal(t, "https health rule", stacktest.Str(t, m.One(t, string(standin.TypeListenerRule), "nlb-health-rule-https").Inputs, "listenerArn"), https.ID)
	stacktest.Equal(t, "http health rule", stacktest.Str(t, m.One(t, string(standin.TypeListenerRule), "nlb-health-rule").Inputs, "listenerArn"), m.One(t, string(standin.TypeListener), "alb-http-listener").ID)
	if !slices.Contains(m.One(t, string(standin.TypeEcsService), "web-service").Dependencies, urn(string(standin.TypeListenerRule), "web-rule-https")) {
		t.Errorf("the service must wait for its HTTPS rule")
	}

	// The HTTP chain, and beside it the HTTPS port from the internet through the NLB to the
	// ALB; the tasks still take plain HTTP from the ALB and send HTTPS out only.
	in, task := c.Ingress, c.Services[0].ContainerPort
	want := []string{
		fmt.Sprintf("alb-sg in %d nlb-sg", in.HTTPSListenerPort), fmt.Sprintf("alb-sg in %d nlb-sg", in.AlbListenerPort), fmt.Sprintf("alb-sg out %d web-sg", task),
		fmt.Sprintf("nlb-sg in %d 0.0.0.0/0", in.HTTPSListenerPort), fmt.Sprintf("nlb-sg in %d ::/0", in.HTTPSListenerPort),
		fmt.Sprintf("nlb-sg in %d 0.0.0.0/0", in.ListenerPort), fmt.Sprintf("nlb-sg in %d ::/0", in.ListenerPort),
		fmt.Sprintf("nlb-sg out %d alb-sg", in.HTTPSListenerPort), fmt.Sprintf("nlb-sg out %d alb-sg", in.AlbListenerPort),
		fmt.Sprintf("web-sg in %d alb-sg", task), "web-sg out 443 0.0.0.0/0", "web-sg out 443 ::/0",
	}
	sort.Strings(want)
	stacktest.EqualSlices(t, "security group rules", sgEdges(t, m), want)
	dns := stacktest.Await(t, out.DNS).(string)
	stacktest.Equal(t, "url (the NLB's HTTPS port)", stacktest.Await(t, out.URL).(string), wantURL("https", dns, stacktest.Num(t, nlbHTTPS.Inputs, "port")))
}

func TestHTTPSWithoutRedirectServesBoth(t *testing.T) {
	cfg := map[string]string{"certificateArn": testCertArn, "redirectHttp": "false", "httpsListenerPort": "8443"}
	notDefaults(t, cfg)
	m, _ := mustRun(t, cfg)
	stacktest.Equal(t, "http default", stacktest.Str(t, m.One(t, string(standin.TypeListener), "alb-http-listener").Inputs, "defaultActions", 0, "type"), "fixed-response")
	stacktest.Equal(t, "http rule", stacktest.Str(t, m.One(t, string(standin.TypeListenerRule), "web-rule").Inputs, "listenerArn"), m.One(t, string(standin.TypeListener), "alb-http-listener").ID)
	stacktest.Equal(t, "https rule", stacktest.Str(t, m.One(t, string(standin.TypeListenerRule), "web-rule-https").Inputs, "listenerArn"), m.One(t, string(standin.TypeListener), "alb-https-listener").ID)
	stacktest.Equal(t, "https listener port", stacktest.Num(t, m.One(t, string(standin.TypeListener), "alb-https-listener").Inputs, "port"), 8443)
	stacktest.Equal(t, "https tg port", stacktest.Num(t, m.One(t, string(standin.TypeTargetGroup), "nlb-alb-https-tg").Inputs, "port"), 8443)
	stacktest.Equal(t, "nlb https port", stacktest.Num(t, m.One(t, string(standin.TypeListener), "nlb-https-listener").Inputs, "port"), 8443)
}

func TestAliasRecordsForTheDomain(t *testing.T) {
	m, out := mustRun(t, map[string]string{"domain": "example.com", "hostedZoneId": testZoneID})
	nlb := m.One(t, string(standin.TypeLoadBalancer), "nlb")
	for _, typ := range []string{"A", "AAAA"} {
		r := m.One(t, string(standin.TypeRoute53Record), "nlb-alias-"+typ)
		stacktest.Equal(t, typ+" zone", stacktest.Str(t, r.Inputs, "zoneId"), testZoneID)
		stacktest.Equal(t, typ+" name", stacktest.Str(t, r.Inputs, "name"), "example.com")
		stacktest.Equal(t, typ+" type", stacktest.Str(t, r.Inputs, "type"), typ)
		stacktest.Equal(t, typ+" alias name", stacktest.Str(t, r.Inputs, "aliases", 0, "name"), stacktest.Str(t, nlb.State, "dnsName"))
		stacktest.Equal(t, typ+" alias zone", stacktest.Str(t, r.Inputs, "aliases", 0, "zoneId"), stacktest.Str(t, nlb.State, "zoneId"))
		stacktest.Equal(t, typ+" health", stacktest.Get(t, r.Inputs, "aliases", 0, "evaluateTargetHealth"), any(true))
	}
	stacktest.Equal(t, "url (the domain, the NLB listener's port)", stacktest.Await(t, out.URL).(string), wantURL("http", "example.com", stacktest.Num(t, m.One(t, string(standin.TypeListener), "nlb-tcp-listener").Inputs, "port")))
}

func TestHostedZoneByName(t *testing.T) {
	m, _ := mustRun(t, map[string]string{"domain": "www.example.com", "hostedZoneName": "example.com"})
	stacktest.Equal(t, "zone", stacktest.Str(t, m.One(t, string(standin.TypeRoute53Record), "nlb-alias-A").Inputs, "zoneId"), standin.ZoneID("example.com"))

	// A missing zone is reported on hostedZoneName, before anything is registered.
	mustRefuse(t, nil, map[string]string{"domain": "www.example.org", "hostedZoneName": "example.org"},
		[]string{`hostedZoneName: looking up the public hosted zone "example.org"`})
}

func TestCreatedCertificateIsValidatedBeforeUse(t *testing.T) {
	m, out := mustRun(t, map[string]string{"createCertificate": "true", "domain": "example.com", "hostedZoneId": testZoneID})
	cert := m.One(t, string(standin.TypeAcmCertificate), "certificate")
	stacktest.Equal(t, "certificate domain", stacktest.Str(t, cert.Inputs, "domainName"), "example.com")
	stacktest.Equal(t, "validation method", stacktest.Str(t, cert.Inputs, "validationMethod"), "DNS")
	record := m.One(t, string(standin.TypeRoute53Record), "certificate-validation-record")
	dvo := stacktest.Get(t, cert.State, "domainValidationOptions", 0)
	stacktest.Equal(t, "validation record zone", stacktest.Str(t, record.Inputs, "zoneId"), testZoneID)
	stacktest.Equal(t, "validation record name", stacktest.Str(t, record.Inputs, "name"), stacktest.Str(t, dvo, "resourceRecordName"))
	stacktest.Equal(t, "validation record type", stacktest.Str(t, record.Inputs, "type"), "CNAME")
	stacktest.EqualSlices(t, "validation record value", stacktest.Strs(t, record.Inputs, "records"), []string{stacktest.Str(t, dvo, "resourceRecordValue")})
	validation := m.One(t, string(standin.TypeAcmCertificateValidation), "certificate-validation")
	stacktest.Equal(t, "validation certificate", stacktest.Str(t, validation.Inputs, "certificateArn"), cert.ID)
	stacktest.EqualSlices(t, "validation fqdns", stacktest.Strs(t, validation.Inputs, "validationRecordFqdns"), []string{stacktest.Str(t, record.State, "fqdn")})
	https := m.One(t, string(standin.TypeListener), "alb-https-listener")
	stacktest.Equal(t, "HTTPS listener's certificate", stacktest.Str(t, https.Inputs, "certificateArn"), cert.ID)
	if !slices.Contains(https.Dependencies, urn(string(standin.TypeAcmCertificateValidation), "certificate-validation")) {
		t.Errorf("the HTTPS listener must wait for the certificate's validation (it takes the ARN from it); dependencies: %v", https.Dependencies)
	}
	stacktest.Equal(t, "url (the domain, the NLB's HTTPS port)", stacktest.Await(t, out.URL).(string), wantURL("https", "example.com", stacktest.Num(t, m.One(t, string(standin.TypeListener), "nlb-https-listener").Inputs, "port")))
}

func TestPrivateLinkEndpointService(t *testing.T) {
	m, out := mustRun(t, map[string]string{"privateLink": `{"allowedPrincipals":["` + testPrincipal + `"]}`})
	svc := m.One(t, string(standin.TypeVpcEndpointService), "nlb-endpoint-service")
	stacktest.EqualSlices(t, "NLB", stacktest.Strs(t, svc.Inputs, "networkLoadBalancerArns"), []string{stacktest.Str(t, m.One(t, string(standin.TypeLoadBalancer), "nlb").State, "arn")})
	stacktest.Equal(t, "acceptance required by default", stacktest.Get(t, svc.Inputs, "acceptanceRequired"), any(true))
	stacktest.EqualSlices(t, "principals", stacktest.Strs(t, svc.Inputs, "allowedPrincipals"), []string{testPrincipal})
	stacktest.Equal(t, "endpointServiceName", stacktest.Await(t, out.EndpointServiceName).(string), stacktest.Str(t, svc.State, "serviceName"))
	stacktest.Equal(t, "security group still applies to PrivateLink traffic",
		stacktest.Str(t, m.One(t, string(standin.TypeLoadBalancer), "nlb").Inputs, "enforceSecurityGroupInboundRulesOnPrivateLinkTraffic"), "on")

	optOut, _ := mustRun(t, map[string]string{"privateLink": `{"allowedPrincipals":["` + testPrincipal + `"],"acceptanceRequired":false,"enforceSecurityGroupRules":false}`})
	stacktest.Equal(t, "opt-out", stacktest.Str(t, optOut.One(t, string(standin.TypeLoadBalancer), "nlb").Inputs, "enforceSecurityGroupInboundRulesOnPrivateLinkTraffic"), "off")
	stacktest.Equal(t, "acceptance off", stacktest.Get(t, optOut.One(t, string(standin.TypeVpcEndpointService), "nlb-endpoint-service").Inputs, "acceptanceRequired"), any(false))
}

func TestHTTPSExample(t *testing.T) {
	m, _, err := runRaw(t, loadStackFiles(t, "examples/https.yaml"), false)
	if err != nil {
		t.Fatalf("examples/https.yaml: %v", err)
	}
	for _, name := range []string{"alb-https-listener", "nlb-https-listener"} {
		m.One(t, string(standin.TypeListener), name)
	}
	m.One(t, string(standin.TypeAcmCertificateValidation), "certificate-validation")
	m.One(t, string(standin.TypeRoute53Record), "nlb-alias-AAAA")
	m.One(t, string(standin.TypeVpcEndpointService), "nlb-endpoint-service")
}
