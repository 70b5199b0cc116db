package iampolicy

import (
	"strings"
	"testing"
)

const (
	roleArn  = "arn:aws:iam::123456789012:role/nlb-alb-fargate/dev/web-exec-role-a1b2c3d"
	boundary = "arn:aws:iam::123456789012:policy/nlb-alb-fargate-role-boundary"
)

func allowWith(cond Conditions) Document {
	return Document{Version: Version, Statement: []Statement{{Sid: "It", Effect: Allow, Action: List{"iam:CreateRole"}, Resource: List{"*"}, Condition: cond}}}
}

func ctx(kv ...string) map[string][]string {
	out := map[string][]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = append(out[kv[i]], kv[i+1])
	}
	return out
}

// Each operator, with and without the key, in the forms the project's policies use.
func TestConditionOperators(t *testing.T) {
	tests := map[string]struct {
		op      string
		values  List
		context map[string][]string
		want    bool
	}{
		"StringEquals holds on an equal value":         {"StringEquals", List{"a", "b"}, ctx("k", "b"), true},
		"StringEquals fails on another value":          {"StringEquals", List{"a"}, ctx("k", "A"), false},
		"StringEquals fails when the key is absent":    {"StringEquals", List{"a"}, ctx(), false},
		"StringEqualsIfExists holds when absent":       {"StringEqualsIfExists", List{"a"}, ctx(), true},
		"StringEqualsIfExists checks a present key":    {"StringEqualsIfExists", List{"a"}, ctx("k", "b"), false},
		"StringNotEquals holds on another value":       {"StringNotEquals", List{"a"}, ctx("k", "b"), true},
		"StringNotEquals fails on the value":           {"StringNotEquals", List{"a"}, ctx("k", "a"), false},
		"StringNotEquals holds when the key is absent": {"StringNotEquals", List{"a"}, ctx(), true},
		"StringEqualsIgnoreCase ignores case":          {"StringEqualsIgnoreCase", List{"Ab"}, ctx("k", "aB"), true},
		"StringLike matches wildcards":                 {"StringLike", List{"repo:o/r:*"}, ctx("k", "repo:o/r:pull_request"), true},
		"StringLike ? is one character":                {"StringLike", List{"a?c"}, ctx("k", "abbc"), false},
		"StringLike is case-sensitive":                 {"StringLike", List{"repo:O/*"}, ctx("k", "repo:o/r"), false},
		"StringNotLike fails on a match":               {"StringNotLike", List{"a*"}, ctx("k", "abc"), false},
		"ArnEquals is per segment with wildcards":      {"ArnEquals", List{"arn:aws:iam::*:role/x"}, ctx("k", "arn:aws:iam::123456789012:role/x"), true},
		"ArnLike does not match a non-ARN":             {"ArnLike", List{"*"}, ctx("k", "not-an-arn"), false},
		"ArnLike wildcard does not span segments":      {"ArnLike", List{"arn:aws:ecs:*"}, ctx("k", "arn:aws:ecs:eu-west-1:123456789012:cluster/c"), false},
		"ArnLike last segment keeps its colons":        {"ArnLike", List{"arn:aws:logs:eu-west-1:123456789012:*"}, ctx("k", "arn:aws:logs:eu-west-1:123456789012:log-group:g:*"), true},
		"ArnNotEquals holds on another ARN":            {"ArnNotEquals", List{roleArn}, ctx("k", boundary), true},
		"Bool true":                                    {"Bool", List{"false"}, ctx("k", "false"), true},
		"Bool other value":                             {"Bool", List{"false"}, ctx("k", "true"), false},
		"Bool absent key fails":                        {"Bool", List{"false"}, ctx(), false},
		"Null true holds when absent":                  {"Null", List{"true"}, ctx(), true},
		"Null true fails when present":                 {"Null", List{"true"}, ctx("k", "x"), false},
		"Null false holds when present":                {"Null", List{"false"}, ctx("k", "x"), true},
		"ForAnyValue holds on one matching value":      {"ForAnyValue:StringEquals", List{"a"}, ctx("k", "b", "k", "a"), true},
		"ForAnyValue fails when absent":                {"ForAnyValue:StringEquals", List{"a"}, ctx(), false},
		"ForAllValues fails on one other value":        {"ForAllValues:StringEquals", List{"a"}, ctx("k", "a", "k", "b"), false},
		"ForAllValues holds on all matching":           {"ForAllValues:StringLike", List{"a*"}, ctx("k", "ab", "k", "ac"), true},
		"ForAllValues holds when absent (IAM's trap)":  {"ForAllValues:StringEquals", List{"a"}, ctx(), true},
		"an unknown operator never holds":              {"NumericLessThan", List{"5"}, ctx("k", "1"), false},
		"an unknown operator never holds, absent key":  {"StringEqualsAnything", List{"a"}, ctx(), false},
		"Null with IfExists is not an operator":        {"NullIfExists", List{"true"}, ctx(), false},
		"ForAnyValue:Null is not an operator":          {"ForAnyValue:Null", List{"true"}, ctx(), false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := Request{Action: "iam:CreateRole", Resource: roleArn, Context: tc.context}
			got := allowWith(Conditions{tc.op: {"k": tc.values}}).Evaluate(r).Allowed()
			if got != tc.want {
				t.Errorf("%s %v with context %v: allowed %v, want %v", tc.op, tc.values, tc.context, got, tc.want)
			}
		})
	}
}

// An operator it does not know in a Deny does not deny either: Check reports it, so no
// policy of the project relies on it.
func TestUnknownOperatorIsReported(t *testing.T) {
	doc := Document{Version: Version, Statement: []Statement{
		{Sid: "Allow", Effect: Allow, Action: List{"s3:GetObject"}, Resource: List{"*"}},
		{Sid: "Deny", Effect: Deny, Action: List{"s3:GetObject"}, Resource: List{"*"}, Condition: Conditions{"NumericGreaterThan": {"s3:max-keys": {"10"}}}},
	}}
	if err := doc.Check(); err == nil || !strings.Contains(err.Error(), `condition operator "NumericGreaterThan" is not one the evaluator knows`) {
		t.Errorf("Check: %v, want the unknown operator named", err)
	}
}

// Every statement and every key must hold; one value of a key is enough.
func TestConditionsAreAndedValuesOred(t *testing.T) {
	doc := allowWith(Conditions{
		"StringEquals": {"iam:PermissionsBoundary": {boundary}, "aws:RequestedRegion": {"eu-west-1", "us-east-1"}},
		"Bool":         {"aws:SecureTransport": {"true"}},
	})
	base := ctx("iam:PermissionsBoundary", boundary, "aws:RequestedRegion", "us-east-1", "aws:SecureTransport", "true")
	if r := doc.Evaluate(Request{Action: "iam:CreateRole", Resource: roleArn, Context: base}); !r.Allowed() {
		t.Errorf("all conditions hold: %v", r)
	}
	for _, drop := range []string{"iam:PermissionsBoundary", "aws:RequestedRegion", "aws:SecureTransport"} {
		c := ctx()
		for k, v := range base {
			if k != drop {
				c[k] = v
			}
		}
		if r := doc.Evaluate(Request{Action: "iam:CreateRole", Resource: roleArn, Context: c}); r.Allowed() {
			t.Errorf("without %s: %v, want denied", drop, r)
		}
	}
}

func TestActionsResourcesAndDeny(t *testing.T) {
	doc := Document{Version: Version, Statement: []Statement{
		{Sid: "Roles", Effect: Allow, Action: List{"iam:*Role", "iam:Get*", "iam:*RolePermissionsBoundary"}, Resource: List{"arn:aws:iam::123456789012:role/nlb-alb-fargate/dev/*"}},
		{Sid: "Logs", Effect: Allow, Action: List{"logs:*"}, Resource: List{"arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/*"}},
		{Sid: "NotIam", Effect: Allow, NotAction: List{"iam:*", "sts:*"}, Resource: List{"*"}, Condition: Conditions{"StringEquals": {"aws:RequestedRegion": {"eu-west-1"}}}},
		{Sid: "NoBoundaryRemoval", Effect: Deny, Action: List{"iam:DeleteRolePermissionsBoundary"}, Resource: List{"*"}},
		{Sid: "NotThisBucket", Effect: Deny, Action: List{"s3:*"}, NotResource: List{"arn:aws:s3:::state-*", "arn:aws:s3:::state-*/*"}},
	}}
	eu := ctx("aws:RequestedRegion", "eu-west-1")
	tests := []struct {
		action, resource string
		context          map[string][]string
		want             Decision
	}{
		{"iam:CreateRole", roleArn, nil, Allowed},
		{"IAM:createrole", roleArn, nil, Allowed}, // actions ignore case
		{"iam:CreateRole", strings.Replace(roleArn, "/dev/", "/prod/", 1), nil, ImplicitDeny},
		{"iam:CreateRole", strings.Replace(roleArn, "nlb-alb-fargate", "NLB-ALB-FARGATE", 1), nil, ImplicitDeny}, // resources do not
		{"iam:PutRolePolicy", roleArn, nil, ImplicitDeny},
		{"iam:PutRolePermissionsBoundary", roleArn, nil, Allowed},
		{"iam:GetRole", roleArn, nil, Allowed},
		{"iam:DeleteRolePermissionsBoundary", roleArn, nil, ExplicitDeny}, // the Deny wins over the Allow of Roles
		{"logs:CreateLogStream", "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/nlb/dev/web:log-stream:x", nil, Allowed},
		{"logs:CreateLogStream", "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/x", nil, ImplicitDeny},
		{"ec2:CreateVpc", "*", eu, Allowed},
		{"ec2:CreateVpc", "*", ctx("aws:RequestedRegion", "us-east-1"), ImplicitDeny},
		{"sts:AssumeRole", "*", eu, ImplicitDeny}, // NotAction leaves it out
		{"s3:GetObject", "arn:aws:s3:::payroll/2024.csv", eu, ExplicitDeny},
		{"s3:GetObject", "arn:aws:s3:::state-abc/.pulumi/meta.yaml", eu, Allowed},
	}
	for _, tc := range tests {
		got := doc.Evaluate(Request{Action: tc.action, Resource: tc.resource, Context: tc.context})
		if got.Decision != tc.want {
			t.Errorf("%s on %s: %v, want %s", tc.action, tc.resource, got, tc.want)
		}
	}
}

func TestBoundaryAndIdentityMustBothAllow(t *testing.T) {
	identity := Document{Version: Version, Statement: []Statement{{Effect: Allow, Action: List{"*"}, Resource: List{"*"}}}}
	b := Document{Version: Version, Statement: []Statement{{Sid: "Logs", Effect: Allow, Action: List{"logs:PutLogEvents"}, Resource: List{"*"}}}}
	if r := WithBoundary(Request{Action: "logs:PutLogEvents", Resource: "*"}, b, identity); !r.Allowed() {
		t.Errorf("both allow: %v", r)
	}
	if r := WithBoundary(Request{Action: "iam:CreateUser", Resource: "*"}, b, identity); r.Allowed() {
		t.Errorf("the boundary does not allow iam:CreateUser: %v", r)
	}
	if r := WithBoundary(Request{Action: "logs:PutLogEvents", Resource: "*"}, b); r.Allowed() {
		t.Errorf("no identity policy allows it: %v", r)
	}
}

func TestTrustPolicyPrincipal(t *testing.T) {
	doc, err := Parse(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
		"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:o/r:pull_request","token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}}`)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Check(); err != nil {
		t.Fatal(err)
	}
	req := func(federated, sub string) Request {
		return Request{Action: "sts:AssumeRoleWithWebIdentity", Resource: roleArn, Principal: map[string]string{"Federated": federated},
			Context: ctx("token.actions.githubusercontent.com:sub", sub, "token.actions.githubusercontent.com:aud", "sts.amazonaws.com")}
	}
	provider := "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
	if r := doc.Evaluate(req(provider, "repo:o/r:pull_request")); !r.Allowed() {
		t.Errorf("the trusted subject: %v", r)
	}
	if r := doc.Evaluate(req(provider, "repo:o/r:environment:prod")); r.Allowed() {
		t.Errorf("another subject: %v", r)
	}
	if r := doc.Evaluate(req("arn:aws:iam::123456789012:oidc-provider/accounts.google.com", "repo:o/r:pull_request")); r.Allowed() {
		t.Errorf("another provider: %v", r)
	}
	if r := (Document{Version: Version, Statement: []Statement{{Effect: Deny, Principal: Everyone, Action: List{"sts:*"}, Resource: List{"*"}}}}).Evaluate(req(provider, "x")); r.Decision != ExplicitDeny {
		t.Errorf(`Principal "*" denies everyone: %v`, r)
	}
}

func TestParseAndRoundTrip(t *testing.T) {
	doc, err := Parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":false}}}]}`)
	if err != nil {
		t.Fatal(err)
	}
	st := doc.Statement[0]
	if len(st.Action) != 1 || st.Condition["Bool"]["aws:SecureTransport"][0] != "false" {
		t.Errorf("parsed %+v", st)
	}
	out, err := doc.JSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":["s3:*"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":["false"]}}}]}`
	if out != want {
		t.Errorf("JSON\n%s\nwant\n%s", out, want)
	}
	if _, err := Parse(`{"Statement":[{"Action":7}]}`); err == nil {
		t.Error("an action of 7 parsed")
	}
}

func TestCheck(t *testing.T) {
	bad := Document{Version: "2008-10-17", Statement: []Statement{
		{Sid: "Both", Effect: "allow", Action: List{"s3:*"}, NotAction: List{"iam:*"}, Resource: List{"*"}},
		{Sid: "NoResource", Effect: Allow, Action: List{"s3:*"}},
		{Sid: "Variable", Effect: Allow, Action: List{"s3:*"}, Resource: List{"arn:aws:s3:::home/${aws:username}/*"}, Condition: Conditions{"StringLike": {"s3:prefix": {"${aws:username}/*"}}}},
	}}
	err := bad.Check()
	for _, want := range []string{`version "2008-10-17"`, `statement 0 (Both): effect "allow"`, "statement 0 (Both): want exactly one of Action and NotAction",
		"statement 1 (NoResource): an identity policy statement needs Resource", `statement 2 (Variable): policy variable in "${aws:username}/*"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Check: %v, want it to say %q", err, want)
		}
	}
}
