package standin

// IAM, CloudWatch Logs, Route 53, ACM and ECR resources (terraform-provider-aws
// internal/service/{iam,logs,route53,acm,ecr}).

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

const tLogGroup = "aws:cloudwatch/logGroup:LogGroup"

// policyRule is verify.SuppressEquivalentPolicyDiffs on an IAM policy attribute.
func policyRule(attr string) rule {
	return rule{
		name: "verify.SuppressEquivalentPolicyDiffs", attr: attr,
		why:  "a policy document equivalent to the stored one plans no change",
		same: func(s, n resource.PropertyValue, _ resource.PropertyMap) bool { return equivalentPolicies(s, n) },
	}
}

// normalizeJSONRule is the attribute's StateFunc: a policy or other JSON document is
// stored as compact JSON with sorted keys, so the stored text is not the program's.
func normalizeJSONRule(attr, name string) rule {
	return rule{
		name: name,
		why:  "the stored JSON is normalised (compact, keys sorted), not the text the program sent",
		read: func(_ *Cloud, state resource.PropertyMap) {
			var v any
			if err := json.Unmarshal([]byte(str(state, attr)), &v); err == nil {
				put(state, attr, canonicalJSON(v))
			}
		},
	}
}

func init() {
	register(map[tokens.Type]*model{
		"aws:iam/role:Role": {
			tf: "aws_iam_role", source: "internal/service/iam/role.go",
			forceNew: []string{"name", "namePrefix", "path"},
			computed: []string{"name", "namePrefix", "inlinePolicies", "managedPolicyArns"},
			sets:     []string{"inlinePolicies", "managedPolicyArns"},
			defaults: map[string]any{"path": "/", "maxSessionDuration": 3600},
			autoname: 64,
			tagged:   true,
			create: func(o *op) (string, map[string]any, error) {
				name := str(o.in, "name")
				return name, map[string]any{
					"arn":      fmt.Sprintf("arn:aws:iam::%s:role%s%s", Account, str(o.in, "path"), name),
					"uniqueId": "AROA" + strings.ToUpper(o.hex("uid", 17)), "createDate": "2024-01-01T00:00:00Z",
					"description": "", "permissionsBoundary": "", "namePrefix": "",
					"managedPolicyArns": []any{}, "inlinePolicies": []any{},
				}, nil
			},
			rules: []rule{policyRule("assumeRolePolicy"), normalizeJSONRule("assumeRolePolicy", "structure.NormalizeJsonString")},
		},
		"aws:iam/rolePolicy:RolePolicy": {
			tf: "aws_iam_role_policy", source: "internal/service/iam/role_policy.go",
			forceNew: []string{"name", "namePrefix", "role"},
			computed: []string{"name", "namePrefix"},
			autoname: 128,
			create: func(o *op) (string, map[string]any, error) {
				return str(o.in, "role") + ":" + str(o.in, "name"), map[string]any{"namePrefix": ""}, nil
			},
			rules: []rule{policyRule("policy"), normalizeJSONRule("policy", "verify.LegacyPolicyNormalize")},
		},
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
			tf: "aws_iam_role_policy_attachment", source: "internal/service/iam/role_policy_attachment.go",
			forceNew: []string{"role", "policyArn"}, // no Update
			create: func(o *op) (string, map[string]any, error) {
				return str(o.in, "role") + "-" + o.digits("id", 26), map[string]any{}, nil
			},
		},
		tLogGroup: {
			tf: "aws_cloudwatch_log_group", source: "internal/service/logs/group.go",
			forceNew: []string{"name", "namePrefix", "logGroupClass"},
			computed: []string{"name", "namePrefix", "logGroupClass"},
			autoname: 512,
			tagged:   true,
			create: func(o *op) (string, map[string]any, error) {
				name := str(o.in, "name")
				if !o.preview && o.c.taken(tLogGroup, "name", name) {
					return "", nil, fmt.Errorf("ResourceAlreadyExistsException: The specified log group already exists: %s", name)
				}
				return name, map[string]any{"arn": o.arn("logs", "log-group:"+name), "logGroupClass": "STANDARD", "kmsKeyId": "", "namePrefix": ""}, nil
			},
		},
		"aws:route53/record:Record": {
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
		"aws:acm/certificate:Certificate": {
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
		"aws:acm/certificateValidation:CertificateValidation": {
			tf: "aws_acm_certificate_validation", source: "internal/service/acm/certificate_validation.go",
			forceNew: []string{"certificateArn", "validationRecordFqdns"}, // no Update
			sets:     []string{"validationRecordFqdns"},
			create:   createCertificateValidation,
		},
		"aws:ecr/repository:Repository": {
			tf: "aws_ecr_repository", source: "internal/service/ecr/repository.go",
			forceNew: []string{"name", "encryptionConfigurations"},
			defaults: map[string]any{"imageTagMutability": "MUTABLE"},
			autoname: 256, lower: true,
			tagged: true,
			create: func(o *op) (string, map[string]any, error) {
				name := str(o.in, "name")
				return name, map[string]any{
					"arn": o.arn("ecr", "repository/"+name), "registryId": Account,
					"repositoryUrl": fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", Account, o.region(), name),
				}, nil
			},
			rules: []rule{
				{
					name: "resourceRepositoryRead",
					why:  "Read always stores the encryption (AES256) and scanning (off) settings ECR reports",
					read: func(_ *Cloud, state resource.PropertyMap) {
						if len(objs(state, "encryptionConfigurations")) == 0 {
							put(state, "encryptionConfigurations", []any{map[string]any{"encryptionType": "AES256", "kmsKey": ""}})
						}
						if obj(state, "imageScanningConfiguration") == nil {
							put(state, "imageScanningConfiguration", map[string]any{"scanOnPush": false})
						}
					},
				},
				{
					name: "verify.SuppressMissingOptionalConfigurationBlock", attr: "encryptionConfigurations",
					why:  "an encryption block ECR reports but the program leaves out plans no change",
					same: func(_, n resource.PropertyValue, _ resource.PropertyMap) bool { return n.IsNull() },
				},
				{
					name: "verify.SuppressMissingOptionalConfigurationBlock (scanning)", attr: "imageScanningConfiguration",
					why:  "a scanning block ECR reports but the program leaves out plans no change",
					same: func(_, n resource.PropertyValue, _ resource.PropertyMap) bool { return n.IsNull() },
				},
			},
		},
	})
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

// equivalentPolicies is awspolicy.PoliciesAreEquivalent: the same statements in any
// order, a single value and a one-element list alike, lists in any order.
func equivalentPolicies(s, n resource.PropertyValue) bool {
	s, n = unwrap(s), unwrap(n)
	if !s.IsString() || !n.IsString() {
		return false
	}
	a, b := canonicalPolicy(s.StringValue()), canonicalPolicy(n.StringValue())
	return a != "" && a == b
}

func canonicalPolicy(doc string) string {
	var p map[string]any
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return ""
	}
	stmts, ok := p["Statement"].([]any)
	if !ok {
		stmts = []any{p["Statement"]}
	}
	for _, st := range stmts {
		m, ok := st.(map[string]any)
		if !ok {
			continue
		}
		for _, k := range []string{"Action", "NotAction", "Resource", "NotResource"} {
			if v, ok := m[k]; ok {
				m[k] = sortedStringList(v)
			}
		}
		if pr, ok := m["Principal"].(map[string]any); ok {
			for k, v := range pr {
				pr[k] = sortedStringList(v)
			}
		}
	}
	sort.SliceStable(stmts, func(i, j int) bool { return canonicalJSON(stmts[i]) < canonicalJSON(stmts[j]) })
	p["Statement"] = stmts
	return canonicalJSON(p)
}

func sortedStringList(v any) any {
	switch x := v.(type) {
	case string:
		return []any{x}
	case []any:
		out := append([]any(nil), x...)
		sort.SliceStable(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
		return out
	}
	return v
}
