// Command smoke checks every entrance partners allow-list: each static IPv4 address
// (one Elastic IP per Availability Zone) and each fixed IPv6 address of the stack's
// Network Load Balancer, on each of its listener ports. It reads the stack's outputs,
// probes every address × port concurrently, prints a table and exits 0 when nothing
// failed, 1 when a probe failed, 2 for bad usage or outputs it cannot use.
//
//	go run ./internal/smoke -stack dev
//
// In CI, where the outputs come from an earlier step:
//
//	pulumi stack output --json > outputs.json
//	go run ./internal/smoke -outputs outputs.json -format markdown
//
// # What it checks
//
// On every address × entrance (the NLB passes TCP through to the internal ALB):
//
//   - http with redirect: GET / answers 301 with a Location of https:// on the https
//     entrance's port, keeping the host; then the probe path answers 200 from a task.
//   - http without redirect: GET probePath answers 200 from a task.
//   - https: the TLS handshake sends the domain as SNI and the certificate verifies for
//     it with the system's roots (and -ca-file's); then GET probePath answers 200 from a
//     task. Without a domain (and without -server-name) only the chain is verified: the
//     row says the hostname was NOT checked and the summary counts such rows.
//   - mtlsMode verify: the https entrance gets two rows. Without a client certificate
//     the ALB must refuse: a failed handshake, an alert or a closed connection after it,
//     or a 4xx from the ALB itself. With -client-cert and -client-key the request must
//     reach a task; without those flags that row is skipped. With passthrough, the
//     certificate is presented when given, and the probe is the usual one.
//   - taskIdentity: GET /whoami (Accept: application/json) must answer 200 from a task,
//     and the table shows its "availability_zone". Not on an http entrance that
//     redirects, where /whoami would be redirected too.
//
// Each probe opens its own connections (one per request, so nothing is shared between
// addresses) and has -timeout for all of its dials, handshakes and requests; the whole
// run, reading the outputs included, has -deadline. At most -parallel probes run at
// once.
//
// # A task's answer, and the ALB's
//
// The ALB answers unmatched requests itself with 200 text/plain "OK", so a 200 alone
// proves nothing. The probe path is the one the NLB's own health check asks for, and a
// listener rule on every ALB listener routes it to a task of the first public service,
// even where HTTP otherwise redirects: only a task answers it. Everything the ALB answers
// itself (fixed responses, redirects, 502, 503, 504) carries "Server: awselb/2.0";
// the bundled app sets no Server header and answers its probe path with "ok\n". A 200 at
// the probe path counts as a task's when its Server header does not start with "awselb"
// and, as a second sign, its body is not exactly "OK"; otherwise the row fails with
// "ALB default answer, not a task". (An image of your own whose probe path answers
// exactly "OK" is taken for the ALB: make it answer anything else.)
//
// # Skipped is not passed
//
// A row is skipped, neither passed nor failed, when it could not be checked from here:
// an IPv6 address whose connect fails with ENETUNREACH, EHOSTUNREACH or EADDRNOTAVAIL
// (many CI runners have no IPv6 route), or the with-certificate row of mtls verify
// without -client-cert. A refused connection or a timeout is a failure: the packets got
// somewhere, or should have. The IPv4 addresses are never skipped: a runner that cannot
// reach them has checked nothing, so an unroutable IPv4 address fails. Skipped rows do
// not change the exit status; the summary line counts them.
//
// # The outputs contract
//
// The command reads the JSON object `pulumi stack output --json` prints, and ignores keys
// it does not know:
//
//	{
//	  "staticIps":   ["203.0.113.10", "203.0.113.11"],
//	  "staticIpv6s": ["2001:db8::10", "2001:db8::11"],
//	  "entrances": [
//	    {"protocol": "http",  "port": 80,  "redirect": true},
//	    {"protocol": "https", "port": 443}
//	  ],
//	  "domain":       "api.example.com",
//	  "probePath":    "/healthz",
//	  "mtlsMode":     "verify",
//	  "taskIdentity": true
//	}
//
// The keys:
//
//   - staticIps (required): the NLB's Elastic IPs, IPv4, at least one.
//   - staticIpv6s (optional, may be empty or null): the dual-stack NLB's IPv6 addresses.
//   - entrances (required, at least one): the NLB's TCP listeners, each {"protocol":
//     "http" or "https", "port": 1 to 65535, "redirect": true on an http entrance whose
//     ALB listener answers 301 to HTTPS (optional, default false)}. Ports are distinct; a
//     redirect needs an https entrance, and points at the first one's port.
//   - domain (optional): the DNS name clients use, sent as SNI and as the Host header,
//     and the name the certificate must be valid for. -server-name overrides it.
//   - probePath (required): the NLB's health-check path, which the ALB routes to a task
//     on every entrance; it starts with "/" and has no query.
//   - mtlsMode (optional): "", "verify" or "passthrough", the ALB's HTTPS listener's
//     mutual TLS; not "" only with an https entrance.
//   - taskIdentity (optional, default false): the first public service answers /whoami
//     with JSON that holds "availability_zone".
//
// An outputs file missing a required key, or holding one of the wrong type, is refused
// with every problem named at once, and exit status 2.
//
// # Output
//
// One row per address × entrance (two for an https entrance with mtls verify): address,
// port, protocol, result (pass, FAIL or skipped), time in milliseconds, the task's AZ
// (or "-"), and a detail. -format markdown prints a GitHub-flavoured table; when
// $GITHUB_STEP_SUMMARY names a file, the markdown table is also appended to it, whatever
// -format says. Each failure is also named on stderr as address:port and why.
package main
