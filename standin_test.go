package main

// Stand-in resource providers for the engine tests (engine_test.go).
//
// The real aws and awsx plugins cannot be downloaded here and need an AWS account, so
// the tests serve these two providers in-process over gRPC and point the real Pulumi
// engine at them with PULUMI_DEBUG_PROVIDERS=aws:<port>,awsx:<port>. They stand in for
// AWS: they return what AWS computes (ids, ARNs, DNS names, addresses) in AWS's shapes,
// deterministically from the URN so reruns give the same values. They do not pretend to
// validate what AWS would accept. They fail where a real deploy would fail for sure (no
// region, no Docker build context or Dockerfile), and loudly where they have no model
// (an invoke, a filter or a component they do not serve) rather than guess.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// standin is one stand-in provider plugin ("aws" or "awsx"). One server serves every
// provider instance the engine makes of that package (the default provider and any
// explicit ones), across all the CLI runs of one test.
type standin struct {
	pulumirpc.UnimplementedResourceProviderServer

	pkg     string // "aws" or "awsx"
	version string // the SDK version the program registers resources with

	mu         sync.Mutex
	engineAddr string                          // the engine of the current CLI run, for Construct
	region     string                          // from Configure; one region per stand-in
	live       map[resource.URN]int            // cloud objects per URN: +1 per Create, -1 per Delete
	creates    map[resource.URN]int            // Creates per URN, so a replacement gets a new id
	objects    map[string]resource.PropertyMap // outputs of live objects by id, for outputs derived from other objects
	revisions  map[string]int                  // ECS task definition revisions per family, as AWS counts them
	calls      map[string]int                  // RPCs served, for the test log
	invokes    map[string]int                  // invokes served, by token
}

// startStandin serves a stand-in provider for pkg on 127.0.0.1 and returns it with its port.
func startStandin(t *testing.T, pkg, version string) (*standin, int) {
	t.Helper()
	s := &standin{
		pkg:       pkg,
		version:   version,
		live:      map[resource.URN]int{},
		creates:   map[resource.URN]int{},
		objects:   map[string]resource.PropertyMap{},
		revisions: map[string]int{},
		calls:     map[string]int{},
		invokes:   map[string]int{},
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("stand-in %s: listening: %v", pkg, err)
	}
	srv := grpc.NewServer(grpc.MaxRecvMsgSize(64 << 20))
	pulumirpc.RegisterResourceProviderServer(srv, s)
	go func() {
		// Serve returns when Stop is called in cleanup; any other error means the engine
		// lost its provider, which the engine reports itself.
		_ = srv.Serve(lis)
	}()
	t.Cleanup(srv.Stop)
	return s, lis.Addr().(*net.TCPAddr).Port
}

func (s *standin) count(method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[method]++
}

// summary is one line for the test log: what the engine asked of this stand-in.
func (s *standin) summary() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var parts []string
	for _, m := range []string{"Check", "Diff", "Create", "Update", "Delete", "Read", "Invoke", "Construct"} {
		if n := s.calls[m]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", m, n))
		}
	}
	var toks []string
	for tok, n := range s.invokes {
		toks = append(toks, fmt.Sprintf("%s×%d", tok[strings.LastIndex(tok, ":")+1:], n))
	}
	sort.Strings(toks)
	if len(toks) > 0 {
		parts = append(parts, "("+strings.Join(toks, ", ")+")")
	}
	return fmt.Sprintf("stand-in %s %s: %s", s.pkg, s.version, strings.Join(parts, " "))
}

// liveObjects lists the URNs the stand-in still holds a cloud object for.
func (s *standin) liveObjects() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var urns []string
	for urn, n := range s.live {
		if n != 0 {
			urns = append(urns, fmt.Sprintf("%s (%d)", urn, n))
		}
	}
	sort.Strings(urns)
	return urns
}

// Handshake is the first call of an attached provider; it carries the engine's address.
func (s *standin) Handshake(_ context.Context, req *pulumirpc.ProviderHandshakeRequest) (*pulumirpc.ProviderHandshakeResponse, error) {
	s.mu.Lock()
	s.engineAddr = req.GetEngineAddress()
	s.mu.Unlock()
	return &pulumirpc.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

// Attach is how the engine connects to a provider it did not start; it must succeed.
func (s *standin) Attach(_ context.Context, req *pulumirpc.PluginAttach) (*emptypb.Empty, error) {
	s.mu.Lock()
	s.engineAddr = req.GetAddress()
	s.mu.Unlock()
	return &emptypb.Empty{}, nil
}

func (s *standin) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: s.version}, nil
}

// GetSchema returns an empty package schema: the engine only asks for it for features
// (conversion, parameterization) the tests do not use.
func (s *standin) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return &pulumirpc.GetSchemaResponse{Schema: fmt.Sprintf(`{"name":%q,"version":%q}`, s.pkg, s.version)}, nil
}

func (s *standin) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (s *standin) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return s.diff(req, false)
}

// Configure records the region. Like the real aws provider, it needs one: from aws:region
// or, failing that, the environment.
func (s *standin) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	s.count("Configure")
	resp := &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true}
	if s.pkg != "aws" {
		return resp, nil
	}
	args, err := unmarshalProps(req.GetArgs())
	if err != nil {
		return nil, fmt.Errorf("stand-in aws: Configure: %w", err)
	}
	region := propStr(args, "region")
	if region == "" {
		region = req.GetVariables()["aws:config:region"]
	}
	for _, env := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if region == "" {
			region = os.Getenv(env)
		}
	}
	if region == "" {
		if args.ContainsUnknowns() {
			return resp, nil // an explicit provider whose region is not known until up
		}
		return nil, fmt.Errorf("stand-in aws: no region: set aws:region in the stack config (the real provider fails the same way without AWS_REGION)")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.region != "" && s.region != region {
		// One server serves every aws provider instance, and resource calls do not say
		// which instance they come from, so two regions cannot be told apart.
		return nil, fmt.Errorf("stand-in aws: providers for two regions (%s, %s) are not supported by the stand-in", s.region, region)
	}
	s.region = region
	return resp, nil
}

func (s *standin) currentRegion() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.region == "" {
		return "us-east-1"
	}
	return s.region
}

// Check returns the inputs, adding the physical name the real provider gives resources
// that have a `name` the program did not set: `<logical name>-<7 hex>`, kept from the
// old inputs on later runs, as the real provider does.
func (s *standin) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	s.count("Check")
	urn := resource.URN(req.GetUrn())
	rule, ok := standinAutonamed[urn.Type()]
	if !ok {
		return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
	}
	news, err := unmarshalProps(req.GetNews())
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Check %s: %w", s.pkg, urn, err)
	}
	if _, set := news["name"]; set {
		return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
	}
	olds, err := unmarshalProps(req.GetOlds())
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Check %s: %w", s.pkg, urn, err)
	}
	if old, ok := olds["name"]; ok && !news.HasValue("namePrefix") {
		news["name"] = old
	} else {
		// Without olds this is a new object: the first, or a replacement (the engine checks
		// again without olds then), which must not take its predecessor's name.
		s.mu.Lock()
		generation := s.creates[urn]
		s.mu.Unlock()
		news["name"] = resource.NewStringProperty(standinAutoname(urn, propStr(news, "namePrefix"), rule, generation))
	}
	inputs, err := marshalProps(news)
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Check %s: %w", s.pkg, urn, err)
	}
	return &pulumirpc.CheckResponse{Inputs: inputs}, nil
}

// Diff compares the new inputs with the old inputs (what the program sent last time,
// not what AWS returned), as the real bridged provider does for plain properties.
func (s *standin) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	s.count("Diff")
	return s.diff(req, true)
}

func (s *standin) diff(req *pulumirpc.DiffRequest, resources bool) (*pulumirpc.DiffResponse, error) {
	urn := resource.URN(req.GetUrn())
	oldStruct := req.GetOldInputs()
	if oldStruct == nil {
		oldStruct = req.GetOlds() // state written before the engine kept inputs separately
	}
	olds, err := unmarshalProps(oldStruct)
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Diff %s: %w", s.pkg, urn, err)
	}
	news, err := unmarshalProps(req.GetNews())
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Diff %s: %w", s.pkg, urn, err)
	}
	changed := changedKeys(olds, news)
	if len(changed) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	resp := &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME, Diffs: changed}
	if resources {
		resp.Replaces = replacedKeys(urn.Type(), changed)
	}
	return resp, nil
}

// changedKeys lists the top-level keys whose values differ; a null and a missing key are
// the same, and an unknown new value counts as a change.
func changedKeys(olds, news resource.PropertyMap) []string {
	keys := map[resource.PropertyKey]bool{}
	for k := range olds {
		keys[k] = true
	}
	for k := range news {
		keys[k] = true
	}
	var changed []string
	for k := range keys {
		if strings.HasPrefix(string(k), "__") {
			continue // engine bookkeeping, e.g. __defaults
		}
		o, n := olds[k], news[k]
		switch {
		case !o.HasValue() && !n.HasValue():
		case n.ContainsUnknowns(), !o.DeepEquals(n):
			changed = append(changed, string(k))
		}
	}
	sort.Strings(changed)
	return changed
}

// Create returns the inputs plus what AWS computes. During preview the computed values
// are unknown, as a real provider leaves them.
func (s *standin) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	s.count("Create")
	urn := resource.URN(req.GetUrn())
	inputs, err := unmarshalProps(req.GetProperties())
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Create %s: %w", s.pkg, urn, err)
	}

	s.mu.Lock()
	generation := s.creates[urn]
	if !req.GetPreview() {
		generation++
		s.creates[urn] = generation
	}
	s.mu.Unlock()

	id, computed, err := s.computeOutputs(urn, inputs, generation, req.GetPreview())
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Create %s: %w", s.pkg, urn, err)
	}
	outs := inputs.Copy()
	for k, v := range computed {
		if inputs.HasValue(k) {
			continue // what the program set wins
		}
		if req.GetPreview() {
			v = resource.MakeComputed(resource.NewStringProperty(""))
		}
		outs[k] = v
	}
	if req.GetPreview() {
		id = ""
	} else {
		s.mu.Lock()
		s.live[urn]++
		s.objects[id] = outs
		s.mu.Unlock()
	}
	props, err := marshalProps(outs)
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Create %s: %w", s.pkg, urn, err)
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, nil
}

// Update applies the new inputs and keeps what AWS computed when the object was created.
func (s *standin) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	s.count("Update")
	urn := resource.URN(req.GetUrn())
	olds, err := unmarshalProps(req.GetOlds())
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Update %s: %w", s.pkg, urn, err)
	}
	news, err := unmarshalProps(req.GetNews())
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Update %s: %w", s.pkg, urn, err)
	}
	oldInputs, err := unmarshalProps(req.GetOldInputs())
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Update %s: %w", s.pkg, urn, err)
	}
	outs := news.Copy()
	for k, v := range olds {
		if !news.HasValue(k) && !oldInputs.HasValue(k) {
			outs[k] = v // computed by AWS, not an input the program dropped
		}
	}
	if !req.GetPreview() {
		s.mu.Lock()
		s.objects[req.GetId()] = outs
		s.mu.Unlock()
	}
	props, err := marshalProps(outs)
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Update %s: %w", s.pkg, urn, err)
	}
	return &pulumirpc.UpdateResponse{Properties: props}, nil
}

// Read returns the object as the stand-in holds it (refresh, or a resource read by id).
func (s *standin) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	s.count("Read")
	s.mu.Lock()
	obj, ok := s.objects[req.GetId()]
	s.mu.Unlock()
	if !ok {
		return &pulumirpc.ReadResponse{}, nil // gone: the engine drops it from state
	}
	props, err := marshalProps(obj)
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Read %s: %w", s.pkg, req.GetUrn(), err)
	}
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: props, Inputs: req.GetInputs()}, nil
}

// Delete removes the object; deleting something never created is an engine bug worth
// failing on.
func (s *standin) Delete(_ context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	s.count("Delete")
	urn := resource.URN(req.GetUrn())
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.live[urn] <= 0 {
		return nil, fmt.Errorf("stand-in %s: Delete %s (id %s): no such object was created", s.pkg, urn, req.GetId())
	}
	s.live[urn]--
	if s.live[urn] == 0 {
		// Only now: a replacement may have reused the id (a task definition's is its family).
		delete(s.objects, req.GetId())
	}
	return &emptypb.Empty{}, nil
}

// Invoke serves the data sources the program calls; any other fails with its token so a
// new invoke in the program shows up as a clear test failure.
func (s *standin) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	s.count("Invoke")
	s.mu.Lock()
	s.invokes[req.GetTok()]++
	s.mu.Unlock()
	args, err := unmarshalProps(req.GetArgs())
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Invoke %s: %w", s.pkg, req.GetTok(), err)
	}
	fn, ok := standinInvokes[req.GetTok()]
	if !ok || s.pkg != "aws" {
		return nil, fmt.Errorf("stand-in %s: invoke %s is not served by the stand-in; add it to invokes in standin_outputs_test.go", s.pkg, req.GetTok())
	}
	ret, err := fn(s.currentRegion(), args)
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: invoke %s: %w", s.pkg, req.GetTok(), err)
	}
	out, err := marshalProps(ret)
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: invoke %s: %w", s.pkg, req.GetTok(), err)
	}
	return &pulumirpc.InvokeResponse{Return: out}, nil
}

// Construct builds an awsx component (see constructAwsx) by registering it, and its
// children, with the engine's resource monitor.
func (s *standin) Construct(ctx context.Context, req *pulumirpc.ConstructRequest) (*pulumirpc.ConstructResponse, error) {
	s.count("Construct")
	if s.pkg != "awsx" {
		return nil, fmt.Errorf("stand-in %s: Construct %s: only awsx components are served", s.pkg, req.GetType())
	}
	s.mu.Lock()
	addr := s.engineAddr
	s.mu.Unlock()
	// The component's context logs through the engine, as a real plugin's does.
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, fmt.Errorf("stand-in awsx: connecting to the engine at %q: %w", addr, err)
	}
	defer conn.Close()
	return constructAwsx(ctx, req, conn)
}

// unmarshalProps decodes gRPC properties keeping unknowns, secrets and resource references.
func unmarshalProps(s *structpb.Struct) (resource.PropertyMap, error) {
	if s == nil {
		return resource.PropertyMap{}, nil
	}
	return plugin.UnmarshalProperties(s, plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true})
}

func marshalProps(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true})
}

// str returns a known string property (through a secret), or "".
func propStr(m resource.PropertyMap, key string) string {
	v, ok := m[resource.PropertyKey(key)]
	if !ok {
		return ""
	}
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if !v.IsString() {
		return ""
	}
	return v.StringValue()
}

// strs returns the known strings of an array property.
func propStrs(m resource.PropertyMap, key string) []string {
	v, ok := m[resource.PropertyKey(key)]
	if !ok || !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.ArrayValue() {
		if e.IsString() {
			out = append(out, e.StringValue())
		}
	}
	return out
}

func propBool(m resource.PropertyMap, key string) bool {
	v, ok := m[resource.PropertyKey(key)]
	return ok && v.IsBool() && v.BoolValue()
}

// standinHex is the deterministic "randomness" of the stand-in: n hex digits from the parts.
func standinHex(n int, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	s := hex.EncodeToString(h.Sum(nil))
	for len(s) < n {
		s += s
	}
	return s[:n]
}

// autonameRule is how the real provider names a resource the program did not name.
type autonameRule struct {
	maxLen    int
	lowercase bool
}

// standinAutonamed lists the types the real provider auto-names (the `name` property).
var standinAutonamed = map[tokens.Type]autonameRule{
	"aws:ec2/securityGroup:SecurityGroup": {maxLen: 255},
	"aws:lb/loadBalancer:LoadBalancer":    {maxLen: 32},
	"aws:lb/targetGroup:TargetGroup":      {maxLen: 32},
	"aws:ecs/cluster:Cluster":             {maxLen: 255},
	"aws:ecs/service:Service":             {maxLen: 255},
	"aws:iam/role:Role":                   {maxLen: 64},
	"aws:iam/rolePolicy:RolePolicy":       {maxLen: 128},
	"aws:cloudwatch/logGroup:LogGroup":    {maxLen: 512},
	"aws:ecr/repository:Repository":       {maxLen: 256, lowercase: true},
	"aws:appautoscaling/policy:Policy":    {maxLen: 255},
}

// standinAutoname is `<prefix or logical name>-<7 hex>`, cut to the type's length
// limit; the hex depends on the URN and on how many objects it had before.
func standinAutoname(urn resource.URN, prefix string, rule autonameRule, generation int) string {
	base := prefix
	if base == "" {
		base = urn.Name() + "-"
	}
	suffix := standinHex(7, string(urn), "autoname", fmt.Sprint(generation))
	if len(base)+len(suffix) > rule.maxLen {
		base = base[:rule.maxLen-len(suffix)]
	}
	name := base + suffix
	if rule.lowercase {
		name = strings.ToLower(name)
	}
	return name
}
