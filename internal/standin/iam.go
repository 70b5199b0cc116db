package standin

// IAM (terraform-provider-aws internal/service/iam): roles and their policies, and how
// policy documents are read: when two are the same (awspolicy.PoliciesAreEquivalent), and
// whether one allows a principal an action, which other services check (ELB of a log
// bucket's policy).

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// The Pulumi type tokens of the IAM models.
const (
	TypeIamRole                 tokens.Type = "aws:iam/role:Role"
	TypeIamRolePolicy           tokens.Type = "aws:iam/rolePolicy:RolePolicy"
	TypeIamRolePolicyAttachment tokens.Type = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	TypeIamPolicy               tokens.Type = "aws:iam/policy:Policy"
)

func init() {
	register(map[tokens.Type]*model{
		TypeIamRole: {
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
		TypeIamRolePolicy: {
			tf: "aws_iam_role_policy", source: "internal/service/iam/role_policy.go",
			forceNew: []string{"name", "namePrefix", "role"},
			computed: []string{"name", "namePrefix"},
			autoname: 128,
			create: func(o *op) (string, map[string]any, error) {
				return str(o.in, "role") + ":" + str(o.in, "name"), map[string]any{"namePrefix": ""}, nil
			},
			rules: []rule{policyRule("policy"), normalizeJSONRule("policy", "verify.LegacyPolicyNormalize")},
		},
		// A customer managed policy: the bootstrap's permissions boundary. A new document is
		// a new default version (CreatePolicyVersion), in place.
		TypeIamPolicy: {
			tf: "aws_iam_policy", source: "internal/service/iam/policy.go",
			forceNew: []string{"name", "namePrefix", "path", "description"},
			computed: []string{"name", "namePrefix"},
			defaults: map[string]any{"path": "/"},
			autoname: 128,
			tagged:   true,
			create: func(o *op) (string, map[string]any, error) {
				arn := fmt.Sprintf("arn:aws:iam::%s:policy%s%s", Account, str(o.in, "path"), str(o.in, "name"))
				return arn, map[string]any{
					"arn": arn, "policyId": "ANPA" + strings.ToUpper(o.hex("pid", 17)), "attachmentCount": 0,
					"description": "", "namePrefix": "",
				}, nil
			},
			rules: []rule{policyRule("policy"), normalizeJSONRule("policy", "structure.NormalizeJsonString")},
		},
		TypeIamRolePolicyAttachment: {
			tf: "aws_iam_role_policy_attachment", source: "internal/service/iam/role_policy_attachment.go",
			forceNew: []string{"role", "policyArn"}, // no Update
			create: func(o *op) (string, map[string]any, error) {
				return str(o.in, "role") + "-" + o.digits("id", 26), map[string]any{}, nil
			},
		},
	})
}

// policyRule is verify.SuppressEquivalentPolicyDiffs on an IAM policy attribute.
func policyRule(attr string) rule {
	return rule{
		name: "verify.SuppressEquivalentPolicyDiffs", attr: attr,
		why:  "a policy document equivalent to the stored one plans no change",
		same: func(s, n resource.PropertyValue, _ resource.PropertyMap) bool { return equivalentPolicies(s, n) },
	}
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

// roleMayWriteLogs reports whether a live role (by ARN) has an inline policy that lets it
// create log streams in and put events to the log group (by ARN), as flow-log delivery
// needs.
func (c *Cloud) roleMayWriteLogs(roleArn, logGroupArn string) bool {
	roleName := roleArn[strings.LastIndex(roleArn, "/")+1:]
	stream := logGroupArn + ":log-stream:eni-0123456789abcdef0-all"
	for _, p := range c.liveOfType(TypeIamRolePolicy) {
		if str(p, "role") != roleName {
			continue
		}
		doc := str(p, "policy")
		if policyAllows(doc, "", "", "logs:CreateLogStream", stream) && policyAllows(doc, "", "", "logs:PutLogEvents", stream) {
			return true
		}
	}
	return false
}

// policyAllows reports whether a statement of the policy allows the principal (a
// "Service" or "AWS" value; "" for an identity policy, which names none) the action on
// resource, wildcards as IAM matches them.
func policyAllows(doc, principalKind, principal, action, resource string) bool {
	stmts, err := policyStatements(doc)
	if err != nil {
		return false
	}
	for _, st := range stmts {
		if st["Effect"] != "Allow" {
			continue
		}
		if principalKind != "" {
			pr, _ := st["Principal"].(map[string]any)
			if pr == nil || !contains(policyList(pr[principalKind]), principal) {
				continue
			}
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
