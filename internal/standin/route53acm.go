package standin

// Route 53 and ACM (terraform-provider-aws internal/service/route53, internal/service/acm):
// DNS records, the account's public hosted zone and its look-up, and certificates with
// their DNS validation.

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// The Pulumi type tokens of the Route 53 and ACM models.
const (
	TypeRoute53Record            tokens.Type = "aws:route53/record:Record"
	TypeAcmCertificate           tokens.Type = "aws:acm/certificate:Certificate"
	TypeAcmCertificateValidation tokens.Type = "aws:acm/certificateValidation:CertificateValidation"
)

func init() {
	register(map[tokens.Type]*model{
		TypeRoute53Record: {
			tf: "aws_route53_record", source: "internal/service/route53/record.go",
			forceNew: []string{"name", "zoneId"}, // type and set_identifier change in place (DELETE + CREATE in one batch)
			computed: []string{"allowOverwrite"},
			sets:     []string{"records"},
			create: func(o *op) (string, map[string]any, error) {
				name := recordName(str(o.in, "name"))
				return fmt.Sprintf("%s_%s_%s", str(o.in, "zoneId"), name, str(o.in, "type")), map[string]any{
					"fqdn": name, "healthCheckId": "", "multivalueAnswerRoutingPolicy": false, "setIdentifier": "",
				}, nil
			},
			rules: []rule{
				{
					name: "StateFunc: name lowercased, trailing dot removed", attr: "name",
					why: "record names differing only in case or a trailing dot are the same record",
					same: func(s, n resource.PropertyValue, _ resource.PropertyMap) bool {
						s, n = unwrap(s), unwrap(n)
						return s.IsString() && n.IsString() && recordName(s.StringValue()) == recordName(n.StringValue())
					},
				},
				{
					name: "normalizeAliasName",
					why:  "alias targets are stored lowercased without a trailing dot",
					read: func(_ *Cloud, state resource.PropertyMap) {
						put(state, "name", recordName(str(state, "name")))
						for _, a := range objs(state, "aliases") {
							put(a, "name", recordName(str(a, "name")))
						}
					},
				},
				{
					name: "sdkv2.SuppressEquivalentStringCaseInsensitive", attr: "aliases",
					why: "alias target names compare without case or a trailing dot",
					same: func(s, n resource.PropertyValue, _ resource.PropertyMap) bool {
						return covers(lowerAliasNames(s), lowerAliasNames(n))
					},
				},
			},
		},
		TypeAcmCertificate: {
			tf: "aws_acm_certificate", source: "internal/service/acm/certificate.go",
			forceNew: []string{"certificateAuthorityArn", "domainName", "keyAlgorithm", "subjectAlternativeNames", "validationMethod", "validationOptions"},
			computed: []string{"domainName", "keyAlgorithm", "options", "subjectAlternativeNames", "validationMethod"},
			sets:     []string{"subjectAlternativeNames", "domainValidationOptions"},
			tagged:   true,
			create:   createCertificate,
			rules: []rule{{
				name: "resourceCertificateRead: subject_alternative_names",
				why:  "ACM lists the domain name among the certificate's alternative names",
				read: func(_ *Cloud, state resource.PropertyMap) {
					sans := strs(state, "subjectAlternativeNames")
					if d := str(state, "domainName"); d != "" && !contains(sans, d) {
						sans = append([]string{d}, sans...)
					}
					vals := make([]any, len(sans))
					for i, s := range sans {
						vals[i] = s
					}
					put(state, "subjectAlternativeNames", vals)
				},
			}},
		},
		TypeAcmCertificateValidation: {
			tf: "aws_acm_certificate_validation", source: "internal/service/acm/certificate_validation.go",
			forceNew: []string{"certificateArn", "validationRecordFqdns"}, // no Update
			sets:     []string{"validationRecordFqdns"},
			create:   createCertificateValidation,
		},
	})
	registerInvokes(map[string]invokeFunc{
		"aws:route53/getZone:getZone": getZone,
	})
}

// HostedZone is the public hosted zone every stand-in account has (the examples' domain).
const HostedZone = "example.com"

// ZoneID is the id the stand-in's Route 53 gives a public zone, as stable as a real one.
func ZoneID(name string) string {
	return "Z" + strings.ToUpper(hexOf(20, "zone", strings.TrimSuffix(name, ".")))
}

// getZone finds a public hosted zone by name or id: the account holds HostedZone, and
// any other name is not found, as in an account that does not host it.
func getZone(_ *Cloud, args resource.PropertyMap) (resource.PropertyMap, error) {
	name, id := strings.TrimSuffix(str(args, "name"), "."), str(args, "zoneId")
	switch {
	case name == "" && id == "":
		return nil, fmt.Errorf("neither name nor zoneId given")
	case name != "" && name != HostedZone, id != "" && id != ZoneID(HostedZone):
		return nil, fmt.Errorf("no matching Route 53 Hosted Zone found")
	}
	name, id = HostedZone, ZoneID(HostedZone)
	var servers []any
	for i, tld := range []string{"com", "net", "org", "co.uk"} {
		servers = append(servers, fmt.Sprintf("ns-%d.awsdns-%02d.%s", 100*i+7, 10+i, tld))
	}
	return resource.NewPropertyMapFromMap(map[string]any{
		"id": id, "zoneId": id, "name": name, "arn": "arn:aws:route53:::hostedzone/" + id,
		"nameServers": servers, "primaryNameServer": servers[0], "privateZone": boolean(args, "privateZone"),
		"callerReference": hexOf(36, "caller", id), "comment": "", "resourceRecordSetCount": 2,
		"tags": map[string]any{}, "vpcId": "", "linkedServiceDescription": "", "linkedServicePrincipal": "",
	}), nil
}

func recordName(name string) string { return strings.ToLower(strings.TrimSuffix(name, ".")) }

func lowerAliasNames(v resource.PropertyValue) resource.PropertyValue {
	v = unwrap(v)
	if !v.IsArray() {
		return v
	}
	var out []resource.PropertyValue
	for _, e := range v.ArrayValue() {
		if e = unwrap(e); e.IsObject() {
			m := e.ObjectValue().Copy()
			put(m, "name", recordName(str(m, "name")))
			e = resource.NewObjectProperty(m)
		}
		out = append(out, e)
	}
	return resource.NewArrayProperty(out)
}

func createCertificate(o *op) (string, map[string]any, error) {
	arn := o.arn("acm", "certificate/"+uuid(o.hex("uuid", 32)))
	var dvos []any
	for _, domain := range append([]string{str(o.in, "domainName")}, strs(o.in, "subjectAlternativeNames")...) {
		dvos = append(dvos, map[string]any{
			"domainName":          domain,
			"resourceRecordName":  fmt.Sprintf("_%s.%s.", o.hex("rr"+domain, 32), strings.TrimPrefix(domain, "*.")),
			"resourceRecordType":  "CNAME",
			"resourceRecordValue": fmt.Sprintf("_%s.%s.acm-validations.aws.", o.hex("rv"+domain, 32), o.hex("rvz"+domain, 10)),
		})
	}
	return arn, map[string]any{
		"arn": arn, "domainValidationOptions": dvos, "status": "PENDING_VALIDATION",
		"type": "AMAZON_ISSUED", "keyAlgorithm": "RSA_2048", "validationEmails": []any{},
		"options": map[string]any{"certificateTransparencyLoggingPreference": "ENABLED"},
	}, nil
}

// createCertificateValidation waits for issuance, which needs a validation record for
// every domain of the certificate among validationRecordFqdns.
func createCertificateValidation(o *op) (string, map[string]any, error) {
	if o.preview {
		return "", map[string]any{}, nil
	}
	cert := o.lookup(str(o.in, "certificateArn"))
	if cert == nil {
		return "", nil, fmt.Errorf("ResourceNotFoundException: certificate %s not found", str(o.in, "certificateArn"))
	}
	fqdns := map[string]bool{}
	for _, f := range strs(o.in, "validationRecordFqdns") {
		fqdns[strings.TrimSuffix(f, ".")] = true
	}
	for _, dvo := range objs(cert, "domainValidationOptions") {
		if name := strings.TrimSuffix(str(dvo, "resourceRecordName"), "."); !fqdns[name] {
			return "", nil, fmt.Errorf("missing %s DNS validation record: %s", str(dvo, "domainName"), name)
		}
	}
	return "2024-01-01 00:00:00 +0000 UTC", map[string]any{}, nil
}
