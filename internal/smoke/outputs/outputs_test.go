package outputs

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

func TestParseOutputsOfTheContract(t *testing.T) {
	got, err := Parse([]byte(`{
		"staticIps":   ["203.0.113.10", "203.0.113.11"],
		"staticIpv6s": ["2001:db8::10", "2001:db8::11"],
		"entrances": [
			{"protocol": "http",  "port": 80,  "redirect": true},
			{"protocol": "https", "port": 443}
		],
		"domain": "API.example.com.",
		"probePath": "/healthz",
		"mtlsMode": "verify",
		"taskIdentity": true,
		"url": "https://api.example.com/",
		"services": {"web": {"serviceName": "web"}}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	want := Outputs{
		StaticIPs:    []netip.Addr{netip.MustParseAddr("203.0.113.10"), netip.MustParseAddr("203.0.113.11")},
		StaticIPv6s:  []netip.Addr{netip.MustParseAddr("2001:db8::10"), netip.MustParseAddr("2001:db8::11")},
		Entrances:    []Entrance{{Protocol: "http", Port: 80, Redirect: true}, {Protocol: "https", Port: 443}},
		Domain:       "api.example.com",
		ProbePath:    "/healthz",
		MTLSMode:     "verify",
		TaskIdentity: true,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestParseOutputsOptionalKeys(t *testing.T) {
	got, err := Parse([]byte(`{"staticIps": ["203.0.113.10"], "staticIpv6s": null, "domain": null,
		"entrances": [{"protocol": "http", "port": 80, "redirect": null}], "probePath": "/healthz", "mtlsMode": ""}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.StaticIPv6s) != 0 || got.Domain != "" || got.MTLSMode != "" || got.TaskIdentity || got.Entrances[0].Redirect {
		t.Errorf("absent or null optional keys should be empty: %+v", got)
	}
}

// The messages are the command's interface with whoever wires the stack's exports: each
// is checked whole.
func TestParseOutputsNamesEveryProblem(t *testing.T) {
	for _, tc := range []struct {
		name, json string
		want       []string
	}{
		{"not this stack's outputs", `{"url": "http://x/"}`, []string{
			`outputs: missing "staticIps": expected the list of the NLB's Elastic IPs (pulumi stack output staticIps); is this the stack's output?`,
			`outputs: missing "entrances": expected the NLB's listeners, e.g. [{"protocol": "http", "port": 80}]; does the stack export them?`,
			`outputs: missing "probePath": expected the path the NLB's health check asks for through the ALB, e.g. "/healthz"; does the stack export it?`,
		}},
		{"a stack that predates the contract", `{"staticIps": ["203.0.113.10"], "staticIpv6s": [], "url": "http://x/"}`, []string{
			`outputs: missing "entrances": expected the NLB's listeners, e.g. [{"protocol": "http", "port": 80}]; does the stack export them?`,
			`outputs: missing "probePath": expected the path the NLB's health check asks for through the ALB, e.g. "/healthz"; does the stack export it?`,
		}},
		{"wrong types", `{"staticIps": "203.0.113.10", "staticIpv6s": {"a": 1}, "entrances": {"http": 80}, "probePath": 42,
			"domain": true, "mtlsMode": 1, "taskIdentity": "yes"}`, []string{
			`outputs: "staticIps": expected a list of IPv4 addresses, got the string "203.0.113.10"`,
			`outputs: "staticIpv6s": expected a list of IPv6 addresses, got an object`,
			`outputs: "entrances": expected a list of {"protocol", "port", "redirect"} objects, got an object`,
			`outputs: "probePath": expected a path starting with "/", without spaces, query or fragment, got the number 42`,
			`outputs: "domain": expected a DNS name such as "api.example.com", got true`,
			`outputs: "mtlsMode": expected "", "verify" or "passthrough", got the number 1`,
			`outputs: "taskIdentity": expected true or false, got the string "yes"`,
		}},
		{"null where required", `{"staticIps": null, "entrances": null, "probePath": null}`, []string{
			`outputs: "staticIps": expected a list of IPv4 addresses, got null`,
			`outputs: "entrances": expected a list of {"protocol", "port", "redirect"} objects, got null`,
			`outputs: "probePath": expected a path starting with "/", without spaces, query or fragment, got null`,
		}},
		{"empty lists", `{"staticIps": [], "entrances": [], "probePath": "/healthz"}`, []string{
			`outputs: "staticIps": expected at least one Elastic IP, got an empty list`,
			`outputs: "entrances": expected at least one listener, got an empty list`,
		}},
		{"addresses", `{"staticIps": ["203.0.113.10", "2001:db8::1", "nope", 7, "203.0.113.10"],
			"staticIpv6s": ["203.0.113.12", "fe80::1%eth0"], "entrances": [{"protocol": "http", "port": 80}], "probePath": "/healthz"}`, []string{
			`outputs: "staticIps"[1]: expected an IPv4 address, got the IPv6 address "2001:db8::1" (it belongs in "staticIpv6s")`,
			`outputs: "staticIps"[2]: expected an IPv4 address, got the string "nope"`,
			`outputs: "staticIps"[3]: expected an IPv4 address, got the number 7`,
			`outputs: "staticIps"[4]: 203.0.113.10 is listed twice`,
			`outputs: "staticIpv6s"[0]: expected an IPv6 address, got the IPv4 address "203.0.113.12" (it belongs in "staticIps")`,
			`outputs: "staticIpv6s"[1]: expected an IPv6 address, got the string "fe80::1%eth0"`,
		}},
		{"entrances", `{"staticIps": ["203.0.113.10"], "probePath": "/healthz", "entrances": [
			{"protocol": "tcp", "port": "80", "redirect": "yes"},
			{"port": 0},
			{"protocol": "https", "port": 443, "redirect": true},
			{"protocol": "http", "port": 80.5},
			"http:80",
			{"protocol": "http", "port": 8080},
			{"protocol": "https", "port": 8080}]}`, []string{
			`outputs: "entrances"[0].protocol: expected "http" or "https", got the string "tcp"`,
			`outputs: "entrances"[0].port: expected a TCP port, 1 to 65535, got the string "80"`,
			`outputs: "entrances"[0].redirect: expected true or false, got the string "yes"`,
			`outputs: "entrances"[1].protocol: missing: expected "http" or "https"`,
			`outputs: "entrances"[1].port: expected a TCP port, 1 to 65535, got the number 0`,
			`outputs: "entrances"[2].redirect: only an http entrance redirects to HTTPS; this one is https`,
			`outputs: "entrances"[3].port: expected a TCP port, 1 to 65535, got the number 80.5`,
			`outputs: "entrances"[4]: expected an object {"protocol", "port", "redirect"}, got the string "http:80"`,
			`outputs: "entrances"[6].port: port 8080 is listed twice`,
		}},
		{"a redirect and mtls need https", `{"staticIps": ["203.0.113.10"], "probePath": "/healthz", "mtlsMode": "verify",
			"entrances": [{"protocol": "http", "port": 80, "redirect": true}]}`, []string{
			`outputs: "entrances"[0].redirect: redirects to HTTPS, but no entrance is https`,
			`outputs: "mtlsMode": "verify" needs an https entrance, and "entrances" has none`,
		}},
		{"a probe path with a query", `{"staticIps": ["203.0.113.10"], "probePath": "/healthz?deep=1",
			"entrances": [{"protocol": "http", "port": 80}]}`, []string{
			`outputs: "probePath": expected a path starting with "/", without spaces, query or fragment, got the string "/healthz?deep=1"`,
		}},
		{"secrets hidden", `{"staticIps": "[secret]", "probePath": "/healthz", "entrances": [{"protocol": "http", "port": 80}]}`, []string{
			`outputs: "staticIps": expected a list of IPv4 addresses, got "[secret]" (a secret: add --show-secrets)`,
		}},
		{"not an object", `["203.0.113.10"]`, []string{
			"outputs: expected the JSON object that `pulumi stack output --json` prints, got a list",
		}},
		{"empty", "  \n", []string{
			"outputs: empty; expected the JSON object that `pulumi stack output --json` prints",
		}},
		{"not JSON", `{"staticIps": [`, []string{
			"outputs: not valid JSON: unexpected end of JSON input",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.json))
			if err == nil {
				t.Fatal("no error")
			}
			got := strings.Split(err.Error(), "\n")
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
