// Package iampolicy is IAM's policy language, as far as this project writes and checks
// it: the documents (identity, trust and resource policies) and an evaluator that
// decides a request the way IAM does for one account (IAM User Guide, "Policy evaluation
// logic"): an explicit Deny wins, else an Allow, else the request is implicitly denied.
//
// The evaluator knows the condition operators the project's policies use, with their
// IfExists and ForAnyValue/ForAllValues forms: StringEquals, StringNotEquals,
// StringEqualsIgnoreCase, StringLike, StringNotLike, ArnEquals, ArnLike, ArnNotEquals,
// ArnNotLike, Bool and Null. An operator it does not know never holds, and Check reports
// it, so a policy cannot pass a test through an operator nobody evaluated.
//
// It is a leaf: it imports nothing of the project, so the stand-in AWS, the bootstrap
// and the programs' tests can all use it.
package iampolicy

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Version is the policy language version every document states.
const Version = "2012-10-17"

// Effects of a statement.
const (
	Allow = "Allow"
	Deny  = "Deny"
)

// Document is a policy document.
type Document struct {
	Version   string
	Statement []Statement
}

// Statement is one statement. Action, Resource and condition values are lists; IAM
// also takes a single string, which Parse reads as a list of one.
type Statement struct {
	Sid         string     `json:",omitempty"`
	Effect      string     // Allow or Deny
	Principal   Principal  `json:",omitempty"` // trust and resource policies only
	Action      List       `json:",omitempty"`
	NotAction   List       `json:",omitempty"`
	Resource    List       `json:",omitempty"`
	NotResource List       `json:",omitempty"`
	Condition   Conditions `json:",omitempty"`
}

// Principal is a statement's principals by kind ("AWS", "Service", "Federated"), or
// the "*" of everyone (Everyone).
type Principal map[string]List

// Everyone is the principal "*".
var Everyone = Principal{"*": nil}

// MarshalJSON writes "*" for Everyone, else the map.
func (p Principal) MarshalJSON() ([]byte, error) {
	if _, all := p["*"]; all && len(p) == 1 {
		return []byte(`"*"`), nil
	}
	return json.Marshal(map[string]List(p))
}

// UnmarshalJSON reads "*" or a map of kinds to one value or a list.
func (p *Principal) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		if s != "*" {
			return fmt.Errorf("principal %q: want \"*\" or an object", s)
		}
		*p = Principal{"*": nil}
		return nil
	}
	var m map[string]List
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("principal: %w", err)
	}
	*p = m
	return nil
}

// Conditions are a statement's conditions: operator → context key → values. Every
// operator and every key must hold (AND); one of a key's values must match (OR).
type Conditions map[string]map[string]List

// List is a list of strings that also reads from a single string.
type List []string

// UnmarshalJSON reads a string or a list of strings (booleans too, as IAM does: "true").
func (l *List) UnmarshalJSON(b []byte) error {
	var one any
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	switch v := one.(type) {
	case string:
		*l = List{v}
	case bool:
		*l = List{fmt.Sprint(v)}
	case []any:
		out := make(List, 0, len(v))
		for _, e := range v {
			switch x := e.(type) {
			case string:
				out = append(out, x)
			case bool:
				out = append(out, fmt.Sprint(x))
			default:
				return fmt.Errorf("list element %v: want a string", e)
			}
		}
		*l = out
	default:
		return fmt.Errorf("%s: want a string or a list of strings", b)
	}
	return nil
}

// Parse reads a policy document as IAM takes it.
func Parse(doc string) (Document, error) {
	var d Document
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		// A document with one statement object instead of a list is valid too.
		var single struct {
			Version   string
			Statement Statement
		}
		if json.Unmarshal([]byte(doc), &single) != nil {
			return Document{}, fmt.Errorf("parsing policy document: %w", err)
		}
		d = Document{Version: single.Version, Statement: []Statement{single.Statement}}
	}
	return d, nil
}

// JSON is the document as IAM and the provider take it.
func (d Document) JSON() (string, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("encoding policy document: %w", err)
	}
	return string(b), nil
}

// Check reports what makes the document one the evaluator cannot vouch for: a wrong
// version or effect, a statement with both or neither of Action and NotAction, an
// operator or policy variable the evaluator does not know.
func (d Document) Check() error {
	var errs []error
	if d.Version != Version {
		errs = append(errs, fmt.Errorf("version %q, want %s", d.Version, Version))
	}
	for i, st := range d.Statement {
		where := fmt.Sprintf("statement %d (%s)", i, st.Sid)
		if st.Effect != Allow && st.Effect != Deny {
			errs = append(errs, fmt.Errorf("%s: effect %q, want Allow or Deny", where, st.Effect))
		}
		if (len(st.Action) == 0) == (len(st.NotAction) == 0) {
			errs = append(errs, fmt.Errorf("%s: want exactly one of Action and NotAction", where))
		}
		if st.Principal == nil && len(st.Resource) == 0 && len(st.NotResource) == 0 {
			errs = append(errs, fmt.Errorf("%s: an identity policy statement needs Resource or NotResource", where))
		}
		for op, keys := range st.Condition {
			if _, _, ok := parseOperator(op); !ok {
				errs = append(errs, fmt.Errorf("%s: condition operator %q is not one the evaluator knows", where, op))
			}
			for key, values := range keys {
				for _, v := range append(List{key}, values...) {
					if strings.Contains(v, "${") {
						errs = append(errs, fmt.Errorf("%s: policy variable in %q is not evaluated", where, v))
					}
				}
			}
		}
	}
	return errors.Join(errs...)
}

// Actions lists every action the Allow statements name (NotAction aside).
func (d Document) Actions() []string {
	var out []string
	for _, st := range d.Statement {
		if st.Effect == Allow {
			out = append(out, st.Action...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
