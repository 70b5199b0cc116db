package main

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// kind is the type of a setting, as Pulumi.yaml's config schema names it.
type kind string

const (
	kindString  kind = "string"
	kindInt     kind = "integer"
	kindBool    kind = "boolean"
	kindStrings kind = "array"  // array of strings
	kindObjects kind = "object" // structured value, decoded by its own parser
)

// setting is one key of the project's stack config. The registry below is the single
// source of truth for names, types and defaults: the program reads with it, unknown
// keys are detected with it, and a test checks Pulumi.yaml and the README against it.
type setting struct {
	name       string
	kind       kind
	def        any
	perService bool // may also be set on each entry of `services`
	// For kindObjects: the fields of the object, or of each item when list is set.
	fields []field
	list   bool
}

// field is one key inside a structured setting.
type field struct {
	name string
	kind kind
}

// settings lists every key the program reads, in the order of Pulumi.yaml.
var settings = []setting{
	// network
	{name: "vpcCidr", kind: kindString, def: "10.0.0.0/16"},
	{name: "azCount", kind: kindInt, def: 2},
	{name: "natGateways", kind: kindString, def: "perAz"},
	{name: "vpcEndpoints", kind: kindBool, def: false},
	// ingress
	{name: "listenerPort", kind: kindInt, def: 80},
	{name: "listenerProtocol", kind: kindString, def: "TCP"},
	{name: "albListenerPort", kind: kindInt, def: 80},
	{name: "albTargetGroupPort", kind: kindInt, def: 80},
	{name: "nlbHealthCheckPath", kind: kindString, def: ""}, // "": the first public service's (nlbProbePath)
	{name: "nlbHealthCheckRulePriority", kind: kindInt, def: 50000},
	{name: "deletionProtection", kind: kindBool, def: false},
	// HTTPS, DNS and PrivateLink (all off by default)
	{name: "certificateArn", kind: kindString, def: ""},
	{name: "createCertificate", kind: kindBool, def: false},
	{name: "httpsListenerPort", kind: kindInt, def: 443},
	{name: "sslPolicy", kind: kindString, def: "ELBSecurityPolicy-TLS13-1-2-2021-06"},
	{name: "redirectHttp", kind: kindBool, def: true},
	{name: "domain", kind: kindString, def: ""},
	{name: "hostedZoneId", kind: kindString, def: ""},
	{name: "hostedZoneName", kind: kindString, def: ""},
	{name: "privateLink", kind: kindObjects, def: map[string]any{},
		fields: []field{{"allowedPrincipals", kindStrings}, {"acceptanceRequired", kindBool}, {"enforceSecurityGroupRules", kindBool}}},
	// static IPs and the account check
	{name: "eipAllocationIds", kind: kindStrings, def: []string{}},
	{name: "retainStaticIps", kind: kindBool, def: false},
	{name: "preflight", kind: kindBool, def: true},
	// service (top-level values are the single service, and defaults for `services`)
	{name: "image", kind: kindString, def: "", perService: true},
	{name: "build", kind: kindString, def: "./app", perService: true},
	{name: "containerPort", kind: kindInt, def: 8080, perService: true},
	{name: "cpu", kind: kindInt, def: 256, perService: true},
	{name: "memory", kind: kindInt, def: 512, perService: true},
	{name: "containerMemory", kind: kindInt, def: 256, perService: true},
	{name: "desiredCount", kind: kindInt, def: 2, perService: true},
	{name: "healthCheckPath", kind: kindString, def: "/", perService: true},
	{name: "healthCheckInterval", kind: kindInt, def: 10, perService: true},
	{name: "healthCheckTimeout", kind: kindInt, def: 5, perService: true},
	{name: "healthCheckGracePeriod", kind: kindInt, def: 60, perService: true},
	{name: "deregistrationDelay", kind: kindInt, def: 10, perService: true},
	{name: "priority", kind: kindInt, def: 1, perService: true},
	{name: "pathPatterns", kind: kindStrings, def: []string{"*"}, perService: true},
	{name: "hostHeaders", kind: kindStrings, def: []string{}, perService: true},
	{name: "logRetentionDays", kind: kindInt, def: 30, perService: true},
	{name: "internal", kind: kindBool, def: false, perService: true},
	{name: "internalPort", kind: kindInt, def: 0, perService: true},
	{name: "spot", kind: kindBool, def: false, perService: true},
	{name: "capacityProviderStrategy", kind: kindObjects, def: []any{}, perService: true, list: true,
		fields: []field{{"capacityProvider", kindString}, {"base", kindInt}, {"weight", kindInt}}},
	{name: "enableExecuteCommand", kind: kindBool, def: false, perService: true},
	{name: "autoscaling", kind: kindObjects, def: map[string]any{}, perService: true,
		fields: []field{{"min", kindInt}, {"max", kindInt}, {"cpuTarget", kindInt}, {"requestsPerTarget", kindInt}}},
	{name: "containerHealthCheck", kind: kindObjects, def: map[string]any{}, perService: true,
		fields: []field{{"command", kindStrings}, {"interval", kindInt}, {"timeout", kindInt}, {"retries", kindInt}, {"startPeriod", kindInt}}},
	{name: "imageCredentialsSecretArn", kind: kindString, def: "", perService: true},
	{name: "taskIdentity", kind: kindBool, def: false, perService: true},
}

// lookupSetting returns the registry entry for a key.
func lookupSetting(name string) (setting, bool) {
	for _, s := range settings {
		if s.name == name {
			return s, true
		}
	}
	return setting{}, false
}

// stackConfig is the whole, validated stack configuration.
type stackConfig struct {
	Network  networkConfig
	Ingress  ingressConfig
	Services []serviceConfig
	// Preflight compares what the config needs with the account's quotas before anything
	// is created (preflight.go).
	Preflight bool
}

type networkConfig struct {
	VpcCidr      string
	AzCount      int
	NatGateways  string // perAz | single | none
	VpcEndpoints bool   // interface endpoints for ECR and CloudWatch Logs, S3 gateway endpoint
	ExecEndpoint bool   // some service has ECS Exec: with VpcEndpoints, an ssmmessages endpoint too
}

type ingressConfig struct {
	ListenerPort               int    // NLB TCP listener, the port partners connect to
	ListenerProtocol           string // only TCP can forward to an ALB-type target group
	AlbListenerPort            int    // internal ALB HTTP listener
	AlbTargetGroupPort         int    // port of the NLB's ALB-type target group; must equal AlbListenerPort
	NlbHealthCheckPath         string // HTTP path the NLB probes through the ALB to a task (resolved: never "")
	NlbHealthCheckRulePriority int    // ALB rule that routes NlbHealthCheckPath to the first service
	DeletionProtection         bool

	// TLS ends on the ALB: a TLS listener on the NLB cannot forward to an ALB-type target
	// group, so the NLB passes TCP on HTTPSListenerPort through to the ALB's HTTPS listener.
	CertificateArn    string
	CreateCertificate bool // an ACM certificate for Domain, DNS-validated in the hosted zone
	HTTPSListenerPort int  // NLB TCP listener, ALB HTTPS listener and their target group
	SslPolicy         string
	RedirectHTTP      bool // the HTTP listener answers 301 to HTTPS
	Domain            string
	HostedZoneID      string
	HostedZoneName    string
	PrivateLink       *privateLinkConfig // nil: no endpoint service

	// The NLB's Elastic IPs: the user's own, one per AZ in AZ order (never released by the
	// stack), or, when empty, allocated by the stack and kept on destroy if RetainStaticIPs.
	EipAllocationIDs []string
	RetainStaticIPs  bool
}

// privateLinkConfig offers the NLB to partners as a VPC endpoint service.
type privateLinkConfig struct {
	AllowedPrincipals         []string
	AcceptanceRequired        bool
	EnforceSecurityGroupRules bool
}

// https reports whether the ALB terminates TLS.
func (in ingressConfig) https() bool { return in.CertificateArn != "" || in.CreateCertificate }

type serviceConfig struct {
	Name                   string   `json:"name"`
	Image                  string   `json:"image"`
	Build                  string   `json:"build"`
	ContainerPort          int      `json:"containerPort"`
	Cpu                    int      `json:"cpu"`
	Memory                 int      `json:"memory"`
	ContainerMemory        int      `json:"containerMemory"`
	DesiredCount           int      `json:"desiredCount"`
	HealthCheckPath        string   `json:"healthCheckPath"`
	HealthCheckInterval    int      `json:"healthCheckInterval"`
	HealthCheckTimeout     int      `json:"healthCheckTimeout"`
	HealthCheckGracePeriod int      `json:"healthCheckGracePeriod"`
	DeregistrationDelay    int      `json:"deregistrationDelay"`
	Priority               int      `json:"priority"`
	PathPatterns           []string `json:"pathPatterns"`
	HostHeaders            []string `json:"hostHeaders"`
	LogRetentionDays       int      `json:"logRetentionDays"`
	// Internal services get their own ALB listener port, reachable from inside the VPC only.
	Internal                 bool                       `json:"internal"`
	InternalPort             int                        `json:"internalPort"`
	Spot                     bool                       `json:"spot"`
	CapacityProviderStrategy []capacityProviderStrategy `json:"capacityProviderStrategy"`
	EnableExecuteCommand     bool                       `json:"enableExecuteCommand"`
	Autoscaling              *autoscalingConfig         `json:"autoscaling"` // nil: fixed desiredCount
	// The container's own health check (ECS's), for an image other than the bundled app;
	// nil: the bundled app's probe, or none.
	ContainerHealthCheck *containerHealthCheck `json:"containerHealthCheck"`
	// A Secrets Manager secret with the user name and password of a private registry
	// outside ECR, for image.
	ImageCredentialsSecretArn string `json:"imageCredentialsSecretArn"`
	// The bundled app's /whoami: the task's ARN (with the account id), AZ and private IP.
	TaskIdentity bool `json:"taskIdentity"`

	path string // where the service is configured, for error messages: "" or "services[1]."
}

// containerHealthCheck is ECS's container health check; a zero number means ECS's default.
type containerHealthCheck struct {
	Command     []string `json:"command"`
	Interval    int      `json:"interval"`
	Timeout     int      `json:"timeout"`
	Retries     int      `json:"retries"`
	StartPeriod int      `json:"startPeriod"`
}

type capacityProviderStrategy struct {
	CapacityProvider string `json:"capacityProvider"`
	Base             int    `json:"base"`
	Weight           int    `json:"weight"`
}

type autoscalingConfig struct {
	Min               int `json:"min"`
	Max               int `json:"max"`
	CpuTarget         int `json:"cpuTarget"`         // average CPU %, 0: no CPU policy
	RequestsPerTarget int `json:"requestsPerTarget"` // ALB requests per task, 0: no request policy
}

// capacityStrategy is the service's capacity provider strategy: `spot` is shorthand for
// all FARGATE_SPOT, and without either setting all tasks run on FARGATE. A service always
// has a strategy, never a launch type: the provider replaces a service whose strategy goes
// from none to some or back, but changes one strategy to another in place.
func (s serviceConfig) capacityStrategy() []capacityProviderStrategy {
	switch {
	case s.Spot:
		return []capacityProviderStrategy{{CapacityProvider: "FARGATE_SPOT", Weight: 1}}
	case len(s.CapacityProviderStrategy) > 0:
		return s.CapacityProviderStrategy
	}
	return []capacityProviderStrategy{{CapacityProvider: "FARGATE", Weight: 1}}
}

// builtFromBundledApp reports whether the image is built from this repository's app/,
// whose binary supports the `-healthcheck` probe and a read-only root filesystem.
func (s serviceConfig) builtFromBundledApp() bool {
	return s.Image == "" && strings.TrimSuffix(strings.TrimPrefix(s.Build, "./"), "/") == "app"
}

// defaultServiceName names the single service of a stack without `services`.
const defaultServiceName = "web"

// loadConfig reads the project's stack config once, checks every rule, and returns all
// problems together. It registers nothing, so a bad config stops `pulumi preview` before
// any resource exists.
func loadConfig(ctx *pulumi.Context) (*stackConfig, error) {
	r := &configReader{cfg: config.New(ctx, ""), problems: &problems{}}
	r.reportUnknownKeys(ctx.Project(), os.Getenv("PULUMI_CONFIG"))

	c := &stackConfig{
		Network: networkConfig{
			VpcCidr:      r.str("vpcCidr"),
			AzCount:      r.integer("azCount"),
			NatGateways:  r.str("natGateways"),
			VpcEndpoints: r.boolean("vpcEndpoints"),
		},
		Ingress: ingressConfig{
			ListenerPort:               r.integer("listenerPort"),
			ListenerProtocol:           r.str("listenerProtocol"),
			AlbListenerPort:            r.integer("albListenerPort"),
			AlbTargetGroupPort:         r.integer("albTargetGroupPort"),
			NlbHealthCheckPath:         r.str("nlbHealthCheckPath"),
			NlbHealthCheckRulePriority: r.integer("nlbHealthCheckRulePriority"),
			DeletionProtection:         r.boolean("deletionProtection"),
			CertificateArn:             r.str("certificateArn"),
			CreateCertificate:          r.boolean("createCertificate"),
			HTTPSListenerPort:          r.integer("httpsListenerPort"),
			SslPolicy:                  r.str("sslPolicy"),
			RedirectHTTP:               r.boolean("redirectHttp"),
			Domain:                     strings.TrimSuffix(strings.ToLower(r.str("domain")), "."),
			HostedZoneID:               r.str("hostedZoneId"),
			HostedZoneName:             strings.TrimSuffix(strings.ToLower(r.str("hostedZoneName")), "."),
			PrivateLink:                toPrivateLink(r.value("privateLink")),
			EipAllocationIDs:           r.strs("eipAllocationIds"),
			RetainStaticIPs:            r.boolean("retainStaticIps"),
		},
		Preflight: r.boolean("preflight"),
	}
	c.Services = r.services()
	for _, svc := range c.Services {
		c.Network.ExecEndpoint = c.Network.ExecEndpoint || svc.EnableExecuteCommand
	}
	if r.problems.empty() {
		c.validate(r.problems)
	}
	if err := r.problems.err(); err != nil {
		return nil, err
	}
	c.Ingress.NlbHealthCheckPath = c.nlbProbePath()
	return c, nil
}

// nlbProbePath is the path the NLB's health check asks for through the ALB:
// nlbHealthCheckPath when set, else the first public service's own. That is /healthz for
// the bundled app, which turns it 503 while draining, and otherwise the service's ALB
// health-check path, which the ALB already shows the service answers.
func (c *stackConfig) nlbProbePath() string {
	if c.Ingress.NlbHealthCheckPath != "" {
		return c.Ingress.NlbHealthCheckPath
	}
	for _, s := range c.Services {
		if s.Internal {
			continue
		}
		if s.builtFromBundledApp() {
			return bundledAppHealthPath
		}
		return s.HealthCheckPath
	}
	return bundledAppHealthPath // validation guarantees a public service
}

// bundledAppHealthPath is the bundled app's health endpoint.
const bundledAppHealthPath = "/healthz"

// toPrivateLink turns the coerced privateLink object into its config; both safety
// switches default to on.
func toPrivateLink(v any) *privateLinkConfig {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	pl := &privateLinkConfig{AcceptanceRequired: true, EnforceSecurityGroupRules: true}
	if p, ok := obj["allowedPrincipals"].([]string); ok {
		pl.AllowedPrincipals = p
	}
	if b, ok := obj["acceptanceRequired"].(bool); ok {
		pl.AcceptanceRequired = b
	}
	if b, ok := obj["enforceSecurityGroupRules"].(bool); ok {
		pl.EnforceSecurityGroupRules = b
	}
	return pl
}

// configReader reads raw config strings and converts them to typed values, recording a
// problem (and using the default) when a value does not parse.
type configReader struct {
	cfg      *config.Config
	problems *problems
}

func (r *configReader) raw(name string) (string, bool) {
	v, err := r.cfg.Try(name)
	return v, err == nil
}

func (r *configReader) value(name string) any {
	s, ok := lookupSetting(name)
	if !ok {
		panic("config key missing from the settings registry: " + name) // programmer error
	}
	raw, set := r.raw(name)
	if s.kind == kindObjects {
		var v any = s.def
		if set {
			v = raw
		}
		return r.structured(s, name, v)
	}
	if !set {
		return s.def
	}
	v, msg := coerce(s.kind, raw)
	if msg != "" {
		r.problems.add(name, "invalid value %s: %s", quote(raw), msg)
		return s.def
	}
	return v
}

// structured type-checks an object (or list of objects) setting field by field, reporting
// unknown fields with a suggestion and wrong types with the field's path.
func (r *configReader) structured(s setting, path string, v any) any {
	if text, ok := v.(string); ok { // top-level structured values arrive as JSON text
		if err := json.Unmarshal([]byte(text), &v); err != nil {
			r.problems.add(path, "invalid value %s: must be JSON/YAML structured config", quote(text))
			return s.def
		}
	}
	if !s.list {
		return r.object(s.fields, path, v)
	}
	items, ok := v.([]any)
	if !ok {
		r.problems.add(path, "invalid value %s: must be a list of objects", compactJSON(v))
		return s.def
	}
	out := make([]any, 0, len(items))
	for i, it := range items {
		if obj := r.object(s.fields, fmt.Sprintf("%s[%d]", path, i), it); obj != nil {
			out = append(out, obj)
		}
	}
	return out
}

// object coerces the fields of one structured value; an empty object is nil (unset).
func (r *configReader) object(fields []field, path string, v any) any {
	obj, ok := v.(map[string]any)
	if !ok {
		r.problems.add(path, "invalid value %s: must be an object", compactJSON(v))
		return nil
	}
	if len(obj) == 0 {
		return nil
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	out := map[string]any{}
	for _, key := range sortedKeys(obj) {
		i := slices.Index(names, key)
		if i < 0 {
			r.problems.add(path+"."+key, "unknown setting%s", suggestion(key, names))
			continue
		}
		typed, msg := coerce(fields[i].kind, obj[key])
		if msg != "" {
			r.problems.add(path+"."+key, "invalid value %s: %s", compactJSON(obj[key]), msg)
			continue
		}
		out[key] = typed
	}
	return out
}

func (r *configReader) str(name string) string { return r.value(name).(string) }
func (r *configReader) strs(name string) []string {
	v, _ := r.value(name).([]string)
	return v
}
func (r *configReader) integer(name string) int { return r.value(name).(int) }
func (r *configReader) boolean(name string) bool {
	return r.value(name).(bool)
}

// coerce converts a config value (a raw string from the stack config, or a JSON value
// inside a structured setting) to the setting's Go type. It returns a reason when the
// value has the wrong type.
func coerce(k kind, v any) (any, string) {
	switch k {
	case kindString:
		if s, ok := v.(string); ok {
			return s, ""
		}
		return nil, "must be a string"
	case kindInt:
		switch x := v.(type) {
		case float64:
			if x == float64(int(x)) {
				return int(x), ""
			}
		case string:
			if n, err := strconv.Atoi(strings.TrimSpace(x)); err == nil {
				return n, ""
			}
		}
		return nil, "must be a whole number"
	case kindBool:
		switch x := v.(type) {
		case bool:
			return x, ""
		case string:
			if b, err := strconv.ParseBool(x); err == nil {
				return b, ""
			}
		}
		return nil, "must be true or false"
	case kindStrings:
		if s, ok := v.(string); ok { // top-level arrays arrive as JSON text
			var decoded any
			if err := json.Unmarshal([]byte(s), &decoded); err != nil {
				return nil, "must be a list of strings"
			}
			v = decoded
		}
		items, ok := v.([]any)
		if !ok {
			return nil, "must be a list of strings"
		}
		out := make([]string, 0, len(items))
		for _, it := range items {
			s, ok := it.(string)
			if !ok {
				return nil, "must be a list of strings"
			}
			out = append(out, s)
		}
		return out, ""
	}
	return v, ""
}

// services returns the services to deploy: the entries of `services`, each starting from
// the top-level service settings, or one service named "web" made of those settings.
func (r *configReader) services() []serviceConfig {
	base := map[string]any{"name": defaultServiceName}
	for _, s := range settings {
		if s.perService {
			base[s.name] = r.value(s.name)
		}
	}
	raw, set := r.raw("services")
	if !set || strings.TrimSpace(raw) == "" || strings.TrimSpace(raw) == "[]" {
		return []serviceConfig{toService(base, "")}
	}
	var entries []any
	if err := json.Unmarshal([]byte(raw), &entries); err != nil {
		r.problems.add("services", "invalid value %s: must be a list of service objects", quote(raw))
		return nil
	}
	out := make([]serviceConfig, 0, len(entries))
	for i, e := range entries {
		path := fmt.Sprintf("services[%d].", i)
		entry, ok := e.(map[string]any)
		if !ok {
			r.problems.add(strings.TrimSuffix(path, "."), "invalid value %s: must be an object with at least a name", compactJSON(e))
			continue
		}
		merged := make(map[string]any, len(base))
		for k, v := range base {
			merged[k] = v
		}
		delete(merged, "name")
		for _, key := range sortedKeys(entry) {
			r.serviceField(path, key, entry[key], merged)
		}
		out = append(out, toService(merged, path))
	}
	return out
}

// serviceField type-checks one key of a `services` entry and stores it in merged.
func (r *configReader) serviceField(path, key string, v any, merged map[string]any) {
	if key == "name" {
		name, ok := v.(string)
		if !ok {
			r.problems.add(path+key, "invalid value %s: must be a string", compactJSON(v))
			return
		}
		merged[key] = name
		return
	}
	s, ok := lookupSetting(key)
	if !ok || !s.perService {
		r.problems.add(path+key, "unknown setting%s", suggestion(key, serviceKeys()))
		return
	}
	if s.kind == kindObjects {
		merged[key] = r.structured(s, path+key, v)
		return
	}
	typed, msg := coerce(s.kind, v)
	if msg != "" {
		r.problems.add(path+key, "invalid value %s: %s", compactJSON(v), msg)
		return
	}
	merged[key] = typed
}

// toService turns merged, already type-checked values into a serviceConfig.
func toService(values map[string]any, path string) serviceConfig {
	b, err := json.Marshal(values)
	if err != nil {
		panic(err) // values are plain JSON types
	}
	var s serviceConfig
	if err := json.Unmarshal(b, &s); err != nil {
		panic(err) // every value was coerced to its field's type
	}
	s.path = path
	return s
}

// reportUnknownKeys flags keys in the project's namespace that no setting reads: a typo
// such as `desiredcount` must not be silently ignored. The Go SDK hands the program its
// whole config through PULUMI_CONFIG, in real runs and under mocks alike.
func (r *configReader) reportUnknownKeys(project, pulumiConfig string) {
	if pulumiConfig == "" {
		return
	}
	var all map[string]any
	if err := json.Unmarshal([]byte(pulumiConfig), &all); err != nil {
		return // the SDK itself rejects malformed PULUMI_CONFIG
	}
	known := topLevelKeys()
	for _, full := range sortedKeys(all) {
		key, ok := strings.CutPrefix(full, project+":")
		if !ok {
			continue // another namespace, e.g. aws:region
		}
		if !slices.Contains(known, key) {
			r.problems.add(key, "unknown setting%s", suggestion(key, known))
		}
	}
}

func topLevelKeys() []string {
	keys := []string{"services"}
	for _, s := range settings {
		keys = append(keys, s.name)
	}
	return keys
}

func serviceKeys() []string {
	keys := []string{"name"}
	for _, s := range settings {
		if s.perService {
			keys = append(keys, s.name)
		}
	}
	return keys
}

// suggestion names the closest valid key, matched case-insensitively or within a small
// edit distance, e.g. `; did you mean "desiredCount"?`.
func suggestion(key string, valid []string) string {
	best, bestDist := "", 4
	for _, v := range valid {
		if strings.EqualFold(v, key) {
			return fmt.Sprintf("; did you mean %q?", v)
		}
		if d := editDistance(strings.ToLower(key), strings.ToLower(v)); d < bestDist {
			best, bestDist = v, d
		}
	}
	if best == "" {
		return fmt.Sprintf("; valid settings: %s", strings.Join(valid, ", "))
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// problems collects every configuration problem, so one preview shows all mistakes.
type problems struct{ list []string }

// add records "path: message", the shape users know from Kubernetes and Copilot.
func (p *problems) add(path, format string, args ...any) {
	p.list = append(p.list, path+": "+fmt.Sprintf(format, args...))
}

func (p *problems) empty() bool { return len(p.list) == 0 }

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return &configError{Problems: p.list}
}

// configError lists every problem found in the stack config (or, with a Title, by the
// preflight), all of them at once.
type configError struct {
	Title    string // "" is "invalid stack config"
	Problems []string
}

func (e *configError) Error() string {
	title, noun := e.Title, "problem"
	if title == "" {
		title = "invalid stack config"
	}
	if len(e.Problems) > 1 {
		noun = "problems"
	}
	return fmt.Sprintf("%s (%d %s; nothing was deployed):\n  - %s",
		title, len(e.Problems), noun, strings.Join(e.Problems, "\n  - "))
}

func quote(s string) string { return strconv.Quote(s) }

func compactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
