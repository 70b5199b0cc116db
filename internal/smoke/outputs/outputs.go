// Package outputs is the contract between the stack and its smoke check: the part of the
// stack's outputs (`pulumi stack output --json`) that internal/smoke reads, and Parse,
// which checks them. The program's engine tests parse the stack's real outputs with it,
// so the stack and the check cannot drift apart.
package outputs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"strings"
)

// Outputs is the part of the stack's outputs the smoke check reads: see internal/smoke's package
// comment for the contract.
type Outputs struct {
	StaticIPs    []netip.Addr // the NLB's Elastic IPs, one per AZ; never empty
	StaticIPv6s  []netip.Addr // the dual-stack NLB's IPv6 addresses; may be empty
	Entrances    []Entrance   // the NLB's listeners; never empty
	Domain       string       // "" without a domain
	ProbePath    string       // the NLB's health-check path, routed to a task
	MTLSMode     string       // "", "verify" or "passthrough"
	TaskIdentity bool         // the first service answers /whoami with its AZ
}

// Entrance is one NLB listener.
type Entrance struct {
	Protocol string // "http" or "https"
	Port     int
	Redirect bool // http only: the ALB answers 301 to the https entrance
}

// HTTPSPort is the port of the first https entrance, 0 when there is none.
func (o Outputs) HTTPSPort() int {
	for _, e := range o.Entrances {
		if e.Protocol == "https" {
			return e.Port
		}
	}
	return 0
}

// Keys of the outputs.
const (
	keyStaticIPs    = "staticIps"
	keyStaticIPv6s  = "staticIpv6s"
	keyEntrances    = "entrances"
	keyDomain       = "domain"
	keyProbePath    = "probePath"
	keyMTLSMode     = "mtlsMode"
	keyTaskIdentity = "taskIdentity"
)

// What a missing required key should have held, said so that the reader can tell a
// file that is not the stack's outputs from a stack that predates the key.
var missingHint = map[string]string{
	keyStaticIPs: "expected the list of the NLB's Elastic IPs (pulumi stack output staticIps); is this the stack's output?",
	keyEntrances: `expected the NLB's listeners, e.g. [{"protocol": "http", "port": 80}]; does the stack export them?`,
	keyProbePath: `expected the path the NLB's health check asks for through the ALB, e.g. "/healthz"; does the stack export it?`,
}

// Parse reads the JSON that `pulumi stack output --json` prints. It reports every
// problem at once; keys it does not know are the stack's other outputs and are ignored.
func Parse(data []byte) (Outputs, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return Outputs{}, errors.New("outputs: empty; expected the JSON object that `pulumi stack output --json` prints")
	}
	if trimmed[0] != '{' {
		return Outputs{}, fmt.Errorf("outputs: expected the JSON object that `pulumi stack output --json` prints, got %s", describe(trimmed))
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &raw); err != nil {
		return Outputs{}, fmt.Errorf("outputs: not valid JSON: %w", err)
	}
	var p problems
	var o Outputs
	o.StaticIPs = p.addresses(raw, keyStaticIPs, true, false)
	o.StaticIPv6s = p.addresses(raw, keyStaticIPv6s, false, true)
	before := len(p)
	o.Entrances = p.entrances(raw)
	entrancesOK := len(p) == before
	o.ProbePath = p.probePath(raw)
	o.Domain = p.domain(raw)
	o.MTLSMode = p.mtlsMode(raw)
	o.TaskIdentity = p.boolean(raw, keyTaskIdentity)
	if entrancesOK {
		p.consistent(o)
	}
	if err := errors.Join(p...); err != nil {
		return Outputs{}, err
	}
	return o, nil
}

// problems gathers what is wrong with the outputs.
type problems []error

func (p *problems) add(format string, args ...any) {
	*p = append(*p, fmt.Errorf("outputs: "+format, args...))
}

// present returns the key's value, or nil when the key is absent or null. A required
// key that is absent is a problem; one that is null is reported by the caller's type
// check.
func (p *problems) present(raw map[string]json.RawMessage, key string, required bool) json.RawMessage {
	v, ok := raw[key]
	if !ok {
		if required {
			p.add("missing %q: %s", key, missingHint[key])
		}
		return nil
	}
	if isNull(v) && !required {
		return nil
	}
	return v
}

// addresses reads a list of IP addresses of one family.
func (p *problems) addresses(raw map[string]json.RawMessage, key string, required, ipv6 bool) []netip.Addr {
	v := p.present(raw, key, required)
	if v == nil {
		return nil
	}
	family, other, otherKey := "IPv4", "IPv6", keyStaticIPv6s
	if ipv6 {
		family, other, otherKey = "IPv6", "IPv4", keyStaticIPs
	}
	var items []json.RawMessage
	if !isList(v) || json.Unmarshal(v, &items) != nil {
		p.add("%q: expected a list of %s addresses, got %s", key, family, describe(v))
		return nil
	}
	if len(items) == 0 && required {
		p.add("%q: expected at least one Elastic IP, got an empty list", key)
		return nil
	}
	var out []netip.Addr
	seen := map[netip.Addr]bool{}
	for i, item := range items {
		var s string
		if !isString(item) || json.Unmarshal(item, &s) != nil {
			p.add("%q[%d]: expected an %s address, got %s", key, i, family, describe(item))
			continue
		}
		a, err := netip.ParseAddr(s)
		switch {
		case err != nil || a.Zone() != "":
			p.add("%q[%d]: expected an %s address, got %s", key, i, family, describe(item))
			continue
		case a.Is4In6():
			a = a.Unmap()
		}
		if a.Is6() != ipv6 {
			p.add("%q[%d]: expected an %s address, got the %s address %q (it belongs in %q)", key, i, family, other, s, otherKey)
			continue
		}
		if seen[a] {
			p.add("%q[%d]: %s is listed twice", key, i, a)
			continue
		}
		seen[a] = true
		out = append(out, a)
	}
	return out
}

// entrances reads the NLB's listeners.
func (p *problems) entrances(raw map[string]json.RawMessage) []Entrance {
	v := p.present(raw, keyEntrances, true)
	if v == nil {
		return nil
	}
	var items []json.RawMessage
	if !isList(v) || json.Unmarshal(v, &items) != nil {
		p.add(`%q: expected a list of {"protocol", "port", "redirect"} objects, got %s`, keyEntrances, describe(v))
		return nil
	}
	if len(items) == 0 {
		p.add("%q: expected at least one listener, got an empty list", keyEntrances)
		return nil
	}
	var out []Entrance
	ports := map[int]bool{}
	for i, item := range items {
		where := fmt.Sprintf("%q[%d]", keyEntrances, i)
		var fields map[string]json.RawMessage
		if !isObject(item) || json.Unmarshal(item, &fields) != nil {
			p.add(`%s: expected an object {"protocol", "port", "redirect"}, got %s`, where, describe(item))
			continue
		}
		e, ok := p.entrance(where, fields)
		if !ok {
			continue
		}
		if ports[e.Port] {
			p.add("%s.port: port %d is listed twice", where, e.Port)
			continue
		}
		ports[e.Port] = true
		out = append(out, e)
	}
	return out
}

// entrance reads one listener's fields; ok is false when any is wrong.
func (p *problems) entrance(where string, fields map[string]json.RawMessage) (e Entrance, ok bool) {
	before := len(*p)
	switch proto, has := fields["protocol"]; {
	case !has:
		p.add(`%s.protocol: missing: expected "http" or "https"`, where)
	case !isString(proto) || json.Unmarshal(proto, &e.Protocol) != nil || (e.Protocol != "http" && e.Protocol != "https"):
		p.add(`%s.protocol: expected "http" or "https", got %s`, where, describe(proto))
	}
	switch port, has := fields["port"]; {
	case !has:
		p.add("%s.port: missing: expected a TCP port, 1 to 65535", where)
	default:
		var f float64
		if !isNumber(port) || json.Unmarshal(port, &f) != nil || f != math.Trunc(f) || f < 1 || f > 65535 {
			p.add("%s.port: expected a TCP port, 1 to 65535, got %s", where, describe(port))
		} else {
			e.Port = int(f)
		}
	}
	if r, has := fields["redirect"]; has && !isNull(r) {
		if !isBool(r) || json.Unmarshal(r, &e.Redirect) != nil {
			p.add("%s.redirect: expected true or false, got %s", where, describe(r))
		} else if e.Redirect && e.Protocol == "https" {
			p.add("%s.redirect: only an http entrance redirects to HTTPS; this one is https", where)
		}
	}
	return e, len(*p) == before
}

func (p *problems) probePath(raw map[string]json.RawMessage) string {
	v := p.present(raw, keyProbePath, true)
	if v == nil {
		return ""
	}
	var s string
	if !isString(v) || json.Unmarshal(v, &s) != nil || !strings.HasPrefix(s, "/") || strings.ContainsAny(s, " \t\r\n?#") {
		p.add(`%q: expected a path starting with "/", without spaces, query or fragment, got %s`, keyProbePath, describe(v))
		return ""
	}
	return s
}

func (p *problems) domain(raw map[string]json.RawMessage) string {
	v := p.present(raw, keyDomain, false)
	if v == nil {
		return ""
	}
	var s string
	if !isString(v) || json.Unmarshal(v, &s) != nil || strings.ContainsAny(s, "/: \t\r\n@") {
		p.add(`%q: expected a DNS name such as "api.example.com", got %s`, keyDomain, describe(v))
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(s), ".")
}

func (p *problems) mtlsMode(raw map[string]json.RawMessage) string {
	v := p.present(raw, keyMTLSMode, false)
	if v == nil {
		return ""
	}
	var s string
	if !isString(v) || json.Unmarshal(v, &s) != nil || (s != "" && s != "verify" && s != "passthrough") {
		p.add(`%q: expected "", "verify" or "passthrough", got %s`, keyMTLSMode, describe(v))
		return ""
	}
	return s
}

func (p *problems) boolean(raw map[string]json.RawMessage, key string) bool {
	v := p.present(raw, key, false)
	if v == nil {
		return false
	}
	var b bool
	if !isBool(v) || json.Unmarshal(v, &b) != nil {
		p.add("%q: expected true or false, got %s", key, describe(v))
	}
	return b
}

// consistent checks what the keys say of each other, once the entrances are known: a
// redirect and mutual TLS both need an https entrance.
func (p *problems) consistent(o Outputs) {
	if o.HTTPSPort() != 0 {
		return
	}
	for i, e := range o.Entrances {
		if e.Redirect {
			p.add(`%q[%d].redirect: redirects to HTTPS, but no entrance is https`, keyEntrances, i)
		}
	}
	if o.MTLSMode != "" {
		p.add(`%q: %q needs an https entrance, and %q has none`, keyMTLSMode, o.MTLSMode, keyEntrances)
	}
}

func first(v json.RawMessage) byte {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return 0
	}
	return v[0]
}

func isNull(v json.RawMessage) bool   { return first(v) == 'n' }
func isList(v json.RawMessage) bool   { return first(v) == '[' }
func isObject(v json.RawMessage) bool { return first(v) == '{' }
func isString(v json.RawMessage) bool { return first(v) == '"' }
func isBool(v json.RawMessage) bool   { c := first(v); return c == 't' || c == 'f' }
func isNumber(v json.RawMessage) bool { c := first(v); return c == '-' || (c >= '0' && c <= '9') }

// describe names a JSON value's type, with the value itself when it is short, for
// messages that say what was found instead of what was expected.
func describe(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	switch {
	case len(v) == 0:
		return "nothing"
	case isNull(v):
		return "null"
	case isBool(v):
		return string(v)
	case isNumber(v):
		return "the number " + shorten(string(v))
	case isList(v):
		var items []json.RawMessage
		if json.Unmarshal(v, &items) == nil && len(items) == 0 {
			return "an empty list"
		}
		return "a list"
	case isObject(v):
		return "an object"
	case isString(v):
		var s string
		if json.Unmarshal(v, &s) != nil {
			return "a string"
		}
		if s == "[secret]" {
			// pulumi stack output --json hides secrets unless asked.
			return `"[secret]" (a secret: add --show-secrets)`
		}
		return fmt.Sprintf("the string %q", shorten(s))
	}
	return "something else"
}

func shorten(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
