package main

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/example/nlb-alb-fargate/internal/standin"
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
		equal(t, typ, len(m.byType(typ)), 0)
	}
	equal(t, "listeners", len(m.byType(string(standin.TypeListener))), 2) // the NLB's TCP one, the ALB's HTTP one
	equal(t, "NLB target groups", len(m.byType(string(standin.TypeTargetGroup))), 2)
	equal(t, "NLB enforces its security group on PrivateLink traffic",
		str(t, m.one(t, string(standin.TypeLoadBalancer), "nlb").Inputs, "enforceSecurityGroupInboundRulesOnPrivateLinkTraffic"), "on")
	if out.EndpointServiceName.OutputState != nil {
		t.Errorf("endpointServiceName must not be exported without privateLink")
	}
}

// The NLB's IPv6 addresses are read back from its network interfaces, one per public
// subnet, not pinned in the subnet mappings: the provider's Read loses a pinned IPv6
// address next to an EIP and then replaces the NLB on every update.
func TestNlbHasStaticIPv6PerAZ(t *testing.T) {
	m, out := mustRunIn(t, largeAccount, map[string]string{"azCount": "3"})
	nlb := m.one(t, string(standin.TypeLoadBalancer), "nlb")
	ipv6s := await(t, out.StaticIPv6s).([]string)
	equal(t, "staticIpv6s", len(ipv6s), 3)
	for i, ip := range ipv6s {
		mapping := get(t, nlb.Inputs, "subnetMappings", i)
		equal(t, fmt.Sprintf("mapping %d ipv6Address (must not be pinned)", i), get(t, mapping, "ipv6Address"), nil)
		subnet := m.one(t, string(standin.TypeSubnet), fmt.Sprintf("public-%d", i))
		block := netip.MustParsePrefix(str(t, subnet.State, "ipv6CidrBlock"))
		if a, err := netip.ParseAddr(ip); err != nil || !block.Contains(a) {
			t.Errorf("staticIpv6s[%d] = %q: want an address in public-%d's %s", i, ip, i, block)
		}
		// It is the address of the NLB's own network interface in that subnet.
		eni, err := m.Cloud.Invoke("aws:ec2/getNetworkInterface:getNetworkInterface", resource.NewPropertyMapFromMap(map[string]any{
			"filters": []any{
				map[string]any{"name": "description", "values": []any{"ELB " + str(t, nlb.State, "arnSuffix")}},
				map[string]any{"name": "subnet-id", "values": []any{subnet.ID}},
			},
		}))
		if err != nil {
			t.Fatalf("the NLB's interface in public-%d: %v", i, err)
		}
		equal(t, fmt.Sprintf("staticIpv6s[%d] is the NLB interface's address", i), fmt.Sprint(eni["ipv6Addresses"].Mappable()), fmt.Sprint([]any{ip}))
	}
}

func TestHTTPSTerminatesOnTheAlbAndTheNlbPassesTCP(t *testing.T) {
	cfg := map[string]string{"certificateArn": testCertArn}
	m, out := mustRun(t, cfg)
	c := settings(t, cfg)
	alb := m.one(t, string(standin.TypeLoadBalancer), "alb")
	https := m.one(t, string(standin.TypeListener), "alb-https-listener")
	httpsPort := num(t, https.Inputs, "port")
	equal(t, "https listener lb", str(t, https.Inputs, "loadBalancerArn"), str(t, alb.State, "arn"))
	equal(t, "https port = httpsListenerPort", httpsPort, c.Ingress.HTTPSListenerPort)
	equal(t, "https protocol", str(t, https.Inputs, "protocol"), "HTTPS")
	equal(t, "certificate", str(t, https.Inputs, "certificateArn"), testCertArn)
	equal(t, "sslPolicy", str(t, https.Inputs, "sslPolicy"), c.Ingress.SslPolicy)
	if !strings.Contains(str(t, https.Inputs, "sslPolicy"), "TLS13") {
		t.Errorf("sslPolicy %s: want a TLS 1.3 policy", str(t, https.Inputs, "sslPolicy"))
	}
	equal(t, "https default", str(t, https.Inputs, "defaultActions", 0, "fixedResponse", "messageBody"), "OK")

	// TCP on the NLB → ALB-type target group → the ALB's HTTPS listener, all on one port.
	nlbHTTPS := m.one(t, string(standin.TypeListener), "nlb-https-listener")

	// Plain HTTP now redirects, permanently, to the port clients reach HTTPS on.
	httpDefault := get(t, m.one(t, string(standin.TypeListener), "alb-http-listener").Inputs, "defaultActions", 0)
	equal(t, "http default", str(t, httpDefault, "type"), "redirect")
	equal(t, "redirect status", str(t, httpDefault, "redirect", "statusCode"), "HTTP_301")
	equal(t, "redirect protocol", str(t, httpDefault, "redirect", "protocol"), "HTTPS")
	equal(t, "redirect port = the NLB's HTTPS listener port", str(t, httpDefault, "redirect", "port"), strconv.Itoa(num(t, nlbHTTPS.Inputs, "port")))

	tg := m.one(t, string(standin.TypeTargetGroup), "nlb-alb-https-tg")
	equal(t, "https tg type", str(t, tg.Inputs, "targetType"), "alb")
	equal(t, "https tg protocol", str(t, tg.Inputs, "protocol"), "TCP")
	equal(t, "https tg port = ALB HTTPS listener port", num(t, tg.Inputs, "port"), httpsPort)
	equal(t, "https tg health protocol", str(t, tg.Inputs, "healthCheck", "protocol"), "HTTPS")
	equal(t, "nlb https listener protocol (TLS cannot forward to an ALB)", str(t, nlbHTTPS.Inputs, "protocol"), "TCP")
	equal(t, "nlb https listener port = ALB HTTPS listener port (passed through)", num(t, nlbHTTPS.Inputs, "port"), httpsPort)
	equal(t, "nlb https listener target", str(t, nlbHTTPS.Inputs, "defaultActions", 0, "targetGroupArn"), tg.ID)
	att := m.one(t, string(standin.TypeTargetGroupAttachment), "nlb-alb-https-attachment")
	equal(t, "https attachment target", str(t, att.Inputs, "targetId"), str(t, alb.State, "arn"))
	equal(t, "https attachment port = the target group's", num(t, att.Inputs, "port"), num(t, tg.Inputs, "port"))
	if !slices.Contains(att.Dependencies, urn(string(standin.TypeListener), "alb-https-listener")) {
		t.Errorf("the HTTPS attachment must wait for the ALB's HTTPS listener; dependencies %v", att.Dependencies)
	}

	// Service rules serve on HTTPS only; the health check path is routed on both.
	m.one(t, string(standin.TypeListenerRule), "web-rule-https")
	for _, r := range m.byType(string(standin.TypeListenerRule)) {
		if r.Name == "web-rule" {
			t.Errorf("with redirectHttp, the HTTP listener must not forward service traffic")
		}
	}
	equal(t, "https rule listener", str(t, m.one(t, string(standin.TypeListenerRule), "web-rule-https").Inputs, "listenerArn"), https.ID)
	equal(t, "https health rule", str(t, m.one(t, string(standin.TypeListenerRule), "nlb-health-rule-https").Inputs, "listenerArn"), https.ID)
	equal(t, "http health rule", str(t, m.one(t, string(standin.TypeListenerRule), "nlb-health-rule").Inputs, "listenerArn"), m.one(t, string(standin.TypeListener), "alb-http-listener").ID)
	if !slices.Contains(m.one(t, string(standin.TypeEcsService), "web-service").Dependencies, urn(string(standin.TypeListenerRule), "web-rule-https")) {
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
	equalSlices(t, "security group rules", sgEdges(t, m), want)
	dns := await(t, out.DNS).(string)
	equal(t, "url (the NLB's HTTPS port)", await(t, out.URL).(string), wantURL("https", dns, num(t, nlbHTTPS.Inputs, "port")))
}

func TestHTTPSWithoutRedirectServesBoth(t *testing.T) {
	cfg := map[string]string{"certificateArn": testCertArn, "redirectHttp": "false", "httpsListenerPort": "8443"}
	notDefaults(t, cfg)
	m, _ := mustRun(t, cfg)
	equal(t, "http default", str(t, m.one(t, string(standin.TypeListener), "alb-http-listener").Inputs, "defaultActions", 0, "type"), "fixed-response")
	equal(t, "http rule", str(t, m.one(t, string(standin.TypeListenerRule), "web-rule").Inputs, "listenerArn"), m.one(t, string(standin.TypeListener), "alb-http-listener").ID)
	equal(t, "https rule", str(t, m.one(t, string(standin.TypeListenerRule), "web-rule-https").Inputs, "listenerArn"), m.one(t, string(standin.TypeListener), "alb-https-listener").ID)
	equal(t, "https listener port", num(t, m.one(t, string(standin.TypeListener), "alb-https-listener").Inputs, "port"), 8443)
	equal(t, "https tg port", num(t, m.one(t, string(standin.TypeTargetGroup), "nlb-alb-https-tg").Inputs, "port"), 8443)
	equal(t, "nlb https port", num(t, m.one(t, string(standin.TypeListener), "nlb-https-listener").Inputs, "port"), 8443)
}

func TestAliasRecordsForTheDomain(t *testing.T) {
	m, out := mustRun(t, map[string]string{"domain": "example.com", "hostedZoneId": testZoneID})
	nlb := m.one(t, string(standin.TypeLoadBalancer), "nlb")
	for _, typ := range []string{"A", "AAAA"} {
		r := m.one(t, string(standin.TypeRoute53Record), "nlb-alias-"+typ)
		equal(t, typ+" zone", str(t, r.Inputs, "zoneId"), testZoneID)
		equal(t, typ+" name", str(t, r.Inputs, "name"), "example.com")
		equal(t, typ+" type", str(t, r.Inputs, "type"), typ)
		equal(t, typ+" alias name", str(t, r.Inputs, "aliases", 0, "name"), str(t, nlb.State, "dnsName"))
		equal(t, typ+" alias zone", str(t, r.Inputs, "aliases", 0, "zoneId"), str(t, nlb.State, "zoneId"))
		equal(t, typ+" health", get(t, r.Inputs, "aliases", 0, "evaluateTargetHealth"), any(true))
	}
	equal(t, "url (the domain, the NLB listener's port)", await(t, out.URL).(string), wantURL("http", "example.com", num(t, m.one(t, string(standin.TypeListener), "nlb-tcp-listener").Inputs, "port")))
}

func TestHostedZoneByName(t *testing.T) {
	m, _ := mustRun(t, map[string]string{"domain": "www.example.com", "hostedZoneName": "example.com"})
	equal(t, "zone", str(t, m.one(t, string(standin.TypeRoute53Record), "nlb-alias-A").Inputs, "zoneId"), standin.ZoneID("example.com"))

	// A missing zone is reported on hostedZoneName, before anything is registered.
	mustRefuse(t, nil, map[string]string{"domain": "www.example.org", "hostedZoneName": "example.org"},
		[]string{`hostedZoneName: looking up the public hosted zone "example.org"`})
}

func TestCreatedCertificateIsValidatedBeforeUse(t *testing.T) {
	m, out := mustRun(t, map[string]string{"createCertificate": "true", "domain": "example.com", "hostedZoneId": testZoneID})
	cert := m.one(t, string(standin.TypeAcmCertificate), "certificate")
	equal(t, "certificate domain", str(t, cert.Inputs, "domainName"), "example.com")
	equal(t, "validation method", str(t, cert.Inputs, "validationMethod"), "DNS")
	record := m.one(t, string(standin.TypeRoute53Record), "certificate-validation-record")
	dvo := get(t, cert.State, "domainValidationOptions", 0)
	equal(t, "validation record zone", str(t, record.Inputs, "zoneId"), testZoneID)
	equal(t, "validation record name", str(t, record.Inputs, "name"), str(t, dvo, "resourceRecordName"))
	equal(t, "validation record type", str(t, record.Inputs, "type"), "CNAME")
	equalSlices(t, "validation record value", strs(t, record.Inputs, "records"), []string{str(t, dvo, "resourceRecordValue")})
	validation := m.one(t, string(standin.TypeAcmCertificateValidation), "certificate-validation")
	equal(t, "validation certificate", str(t, validation.Inputs, "certificateArn"), cert.ID)
	equalSlices(t, "validation fqdns", strs(t, validation.Inputs, "validationRecordFqdns"), []string{str(t, record.State, "fqdn")})
	https := m.one(t, string(standin.TypeListener), "alb-https-listener")
	equal(t, "HTTPS listener's certificate", str(t, https.Inputs, "certificateArn"), cert.ID)
	if !slices.Contains(https.Dependencies, urn(string(standin.TypeAcmCertificateValidation), "certificate-validation")) {
		t.Errorf("the HTTPS listener must wait for the certificate's validation (it takes the ARN from it); dependencies: %v", https.Dependencies)
	}
	equal(t, "url (the domain, the NLB's HTTPS port)", await(t, out.URL).(string), wantURL("https", "example.com", num(t, m.one(t, string(standin.TypeListener), "nlb-https-listener").Inputs, "port")))
}

func TestPrivateLinkEndpointService(t *testing.T) {
	m, out := mustRun(t, map[string]string{"privateLink": `{"allowedPrincipals":["` + testPrincipal + `"]}`})
	svc := m.one(t, string(standin.TypeVpcEndpointService), "nlb-endpoint-service")
	equalSlices(t, "NLB", strs(t, svc.Inputs, "networkLoadBalancerArns"), []string{str(t, m.one(t, string(standin.TypeLoadBalancer), "nlb").State, "arn")})
	equal(t, "acceptance required by default", get(t, svc.Inputs, "acceptanceRequired"), any(true))
	equalSlices(t, "principals", strs(t, svc.Inputs, "allowedPrincipals"), []string{testPrincipal})
	equal(t, "endpointServiceName", await(t, out.EndpointServiceName).(string), str(t, svc.State, "serviceName"))
	equal(t, "security group still applies to PrivateLink traffic",
		str(t, m.one(t, string(standin.TypeLoadBalancer), "nlb").Inputs, "enforceSecurityGroupInboundRulesOnPrivateLinkTraffic"), "on")

	optOut, _ := mustRun(t, map[string]string{"privateLink": `{"allowedPrincipals":["` + testPrincipal + `"],"acceptanceRequired":false,"enforceSecurityGroupRules":false}`})
	equal(t, "opt-out", str(t, optOut.one(t, string(standin.TypeLoadBalancer), "nlb").Inputs, "enforceSecurityGroupInboundRulesOnPrivateLinkTraffic"), "off")
	equal(t, "acceptance off", get(t, optOut.one(t, string(standin.TypeVpcEndpointService), "nlb-endpoint-service").Inputs, "acceptanceRequired"), any(false))
}

func TestHTTPSExample(t *testing.T) {
	m, _, err := runRaw(t, loadStackFiles(t, "examples/https.yaml"), false)
	if err != nil {
		t.Fatalf("examples/https.yaml: %v", err)
	}
	for _, name := range []string{"alb-https-listener", "nlb-https-listener"} {
		m.one(t, string(standin.TypeListener), name)
	}
	m.one(t, string(standin.TypeAcmCertificateValidation), "certificate-validation")
	m.one(t, string(standin.TypeRoute53Record), "nlb-alias-AAAA")
	m.one(t, string(standin.TypeVpcEndpointService), "nlb-endpoint-service")
}
