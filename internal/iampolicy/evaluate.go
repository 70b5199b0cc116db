package iampolicy

// Deciding a request: which statements apply (action, resource, principal, conditions),
// then IAM's order: an explicit Deny in any policy wins, else an Allow, else the request
// is implicitly denied (IAM User Guide, "Policy evaluation logic"; condition operators
// from "IAM JSON policy elements: Condition operators").

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Request is one call as IAM evaluates it.
type Request struct {
	Action   string // service:Operation, e.g. iam:CreateRole
	Resource string // the resource's ARN, or "*"
	// Principal is who calls, for trust and resource policies ("Federated": the OIDC
	// provider's ARN); statements without a Principal ignore it.
	Principal map[string]string
	// Context is the request context: the condition keys IAM populates for this call.
	// A key that is absent is not in the map; multivalued keys hold several values.
	Context map[string][]string
}

// Decision is the outcome for a request.
type Decision string

// The three outcomes of IAM's evaluation.
const (
	ImplicitDeny Decision = "implicitly denied" // no statement allows it
	Allowed      Decision = "allowed"
	ExplicitDeny Decision = "explicitly denied"
)

// Result is a decision and the statement that made it ("" for an implicit deny).
type Result struct {
	Decision Decision
	Sid      string
}

// Allowed reports whether the request is allowed.
func (r Result) Allowed() bool { return r.Decision == Allowed }

func (r Result) String() string {
	if r.Sid == "" {
		return string(r.Decision)
	}
	return fmt.Sprintf("%s by %s", r.Decision, r.Sid)
}

// Evaluate decides the request against the policies together, as IAM does with the
// identity-based policies of one principal.
func Evaluate(r Request, docs ...Document) Result {
	allowed := Result{Decision: ImplicitDeny}
	for _, d := range docs {
		for i, st := range d.Statement {
			if !st.applies(r) {
				continue
			}
			sid := st.Sid
			if sid == "" {
				sid = fmt.Sprintf("statement %d", i)
			}
			if st.Effect == Deny {
				return Result{Decision: ExplicitDeny, Sid: sid}
			}
			if st.Effect == Allow && allowed.Decision != Allowed {
				allowed = Result{Decision: Allowed, Sid: sid}
			}
		}
	}
	return allowed
}

// Evaluate decides the request against this document alone.
func (d Document) Evaluate(r Request) Result { return Evaluate(r, d) }

// WithBoundary decides the request for a principal with a permissions boundary: both
// its identity policies and the boundary must allow it, and neither may deny it (IAM
// User Guide, "Permissions boundaries for IAM entities").
func WithBoundary(r Request, boundary Document, identity ...Document) Result {
	id := Evaluate(r, identity...)
	b := boundary.Evaluate(r)
	switch {
	case id.Decision == ExplicitDeny:
		return id
	case b.Decision == ExplicitDeny:
		return b
	case !id.Allowed():
		return id
	case !b.Allowed():
		return Result{Decision: ImplicitDeny, Sid: "the permissions boundary"}
	}
	return id
}

func (st Statement) applies(r Request) bool {
	switch {
	case len(st.Action) > 0 && !matchAny(st.Action, r.Action, matchAction):
		return false
	case len(st.NotAction) > 0 && matchAny(st.NotAction, r.Action, matchAction):
		return false
	case len(st.Resource) > 0 && !matchAny(st.Resource, r.Resource, matchResource):
		return false
	case len(st.NotResource) > 0 && matchAny(st.NotResource, r.Resource, matchResource):
		return false
	case st.Principal != nil && !st.Principal.admits(r.Principal):
		return false
	}
	for op, keys := range st.Condition {
		for key, values := range keys {
			if !holds(op, values, r.Context[key]) {
				return false
			}
		}
	}
	return true
}

// admits reports whether the caller is one of the statement's principals.
func (p Principal) admits(caller map[string]string) bool {
	if _, all := p["*"]; all {
		return true
	}
	for kind, values := range p {
		if v, ok := caller[kind]; ok && matchAny(values, v, matchResource) {
			return true
		}
	}
	return false
}

func matchAny(patterns []string, s string, match func(pattern, s string) bool) bool {
	for _, p := range patterns {
		if match(p, s) {
			return true
		}
	}
	return false
}

// matchAction is an Action element's match: service prefix and operation, wildcards,
// case-insensitive.
func matchAction(pattern, action string) bool {
	return glob(strings.ToLower(pattern), strings.ToLower(action))
}

// matchResource is a Resource element's match: "*" alone is every resource; an ARN is
// matched segment by segment (the first five colons split it, the sixth segment keeps
// its own colons), wildcards within a segment, case-sensitive.
func matchResource(pattern, resource string) bool {
	if pattern == "*" {
		return true
	}
	p, r := strings.SplitN(pattern, ":", 6), strings.SplitN(resource, ":", 6)
	if len(p) != 6 || len(r) != 6 {
		return glob(pattern, resource)
	}
	for i := range p {
		if !glob(p[i], r[i]) {
			return false
		}
	}
	return true
}

var (
	globMu    sync.Mutex
	globCache = map[string]*regexp.Regexp{}
)

// glob matches * (any run of characters, none too) and ? (one character).
func glob(pattern, s string) bool {
	if !strings.ContainsAny(pattern, "*?") {
		return pattern == s
	}
	globMu.Lock()
	re, ok := globCache[pattern]
	if !ok {
		re = regexp.MustCompile("^(?s)" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$")
		globCache[pattern] = re
	}
	globMu.Unlock()
	return re.MatchString(s)
}

// qualifier is a condition operator's set qualifier.
type qualifier int

const (
	single    qualifier = iota
	anyValue            // ForAnyValue:
	allValues           // ForAllValues:
)

// baseOperators are the operators the evaluator knows, without IfExists, each with
// whether it negates and how one context value matches one condition value.
var baseOperators = map[string]struct {
	negated bool
	match   func(policy, value string) bool
}{
	"StringEquals":              {false, func(p, v string) bool { return p == v }},
	"StringNotEquals":           {true, func(p, v string) bool { return p == v }},
	"StringEqualsIgnoreCase":    {false, strings.EqualFold},
	"StringNotEqualsIgnoreCase": {true, strings.EqualFold},
	"StringLike":                {false, glob},
	"StringNotLike":             {true, glob},
	// ArnEquals and ArnLike behave alike: each of the six segments is matched, with
	// wildcards; a value that is not an ARN matches nothing.
	"ArnEquals":    {false, matchArn},
	"ArnLike":      {false, matchArn},
	"ArnNotEquals": {true, matchArn},
	"ArnNotLike":   {true, matchArn},
	"Bool":         {false, func(p, v string) bool { return strings.EqualFold(p, v) }},
}

func matchArn(pattern, value string) bool {
	p, v := strings.SplitN(pattern, ":", 6), strings.SplitN(value, ":", 6)
	if len(p) != 6 || len(v) != 6 || v[0] != "arn" {
		return false
	}
	for i := range p {
		if !glob(p[i], v[i]) {
			return false
		}
	}
	return true
}

// parseOperator splits an operator into its qualifier, base and IfExists.
func parseOperator(op string) (q qualifier, base string, ok bool) {
	base = op
	switch {
	case strings.HasPrefix(op, "ForAnyValue:"):
		q, base = anyValue, strings.TrimPrefix(op, "ForAnyValue:")
	case strings.HasPrefix(op, "ForAllValues:"):
		q, base = allValues, strings.TrimPrefix(op, "ForAllValues:")
	}
	base = strings.TrimSuffix(base, "IfExists")
	if base == "Null" {
		return q, base, q == single && !strings.HasSuffix(op, "IfExists")
	}
	_, ok = baseOperators[base]
	return q, base, ok
}

// holds evaluates one operator on one key: the condition's values against the
// context's values of the key (none when the key is absent).
func holds(op string, want List, got []string) bool {
	q, base, ok := parseOperator(op)
	if !ok {
		return false // an operator the evaluator does not know never holds
	}
	if base == "Null" {
		// Null: "true" holds when the key is absent, "false" when it is present.
		return slices.ContainsFunc(want, func(w string) bool { return strings.EqualFold(w, "true") == (len(got) == 0) })
	}
	if len(got) == 0 {
		switch {
		case strings.HasSuffix(op, "IfExists"):
			return true
		case q == allValues:
			return true // ForAllValues holds for an absent key: every one of no values matches
		case q == anyValue:
			return false
		}
		return baseOperators[base].negated // a negated operator holds when the key is absent
	}
	b := baseOperators[base]
	matches := func(v string) bool {
		hit := slices.ContainsFunc(want, func(w string) bool { return b.match(w, v) })
		return hit != b.negated
	}
	switch q {
	case allValues:
		return !slices.ContainsFunc(got, func(v string) bool { return !matches(v) })
	case anyValue:
		return slices.ContainsFunc(got, matches)
	}
	if b.negated {
		// Single-valued and negated: no value of the key may match any condition value.
		return !slices.ContainsFunc(got, func(v string) bool { return !matches(v) })
	}
	return slices.ContainsFunc(got, matches)
}
