package harness

// The stand-in resource provider plugins: the gRPC face of the Cloud for the real engine.
//
// The real aws and awsx plugins cannot be downloaded here and need an AWS account, so the
// engine tests serve these two providers in-process over gRPC and point the real Pulumi
// engine at them with PULUMI_DEBUG_PROVIDERS=aws:<port>,awsx:<port>. Every resource call
// goes to the Cloud, which models what pulumi-aws (terraform-provider-aws behind Pulumi's
// bridge) does; this file only translates between gRPC and the Cloud.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil/rpcerror"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Provider is one stand-in provider plugin ("aws" or "awsx"). One server serves every
// provider instance the engine makes of that package (the default provider and any
// explicit ones), across all the CLI runs of one test.
type Provider struct {
	pulumirpc.UnimplementedResourceProviderServer

	Cloud *standin.Cloud // the fake AWS account behind the provider
	Port  int

	pkg     string // "aws" or "awsx"
	version string // the SDK version the program registers resources with

	mu         sync.Mutex
	engineAddr string         // the engine of the current CLI run, for Construct
	calls      map[string]int // RPCs served, for the test log
}

// Serve starts a stand-in provider for pkg on 127.0.0.1, backed by cloud, until the test ends.
func Serve(t *testing.T, pkg, version string, cloud *standin.Cloud) *Provider {
	t.Helper()
	p := &Provider{Cloud: cloud, pkg: pkg, version: version, calls: map[string]int{}}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("stand-in %s: listening: %v", pkg, err)
	}
	srv := grpc.NewServer(grpc.MaxRecvMsgSize(64 << 20))
	pulumirpc.RegisterResourceProviderServer(srv, p)
	go func() {
		// Serve returns when Stop is called in cleanup; any other error means the engine
		// lost its provider, which the engine reports itself.
		_ = srv.Serve(lis)
	}()
	t.Cleanup(srv.Stop)
	p.Port = lis.Addr().(*net.TCPAddr).Port
	return p
}

func (p *Provider) count(method string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls[method]++
}

// Summary is one line for the test log: what the engine asked of this stand-in.
func (p *Provider) Summary() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var parts []string
	for _, m := range []string{"Check", "Diff", "Create", "Update", "Delete", "Read", "Invoke", "Construct"} {
		if n := p.calls[m]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", m, n))
		}
	}
	return fmt.Sprintf("stand-in %s %s: %s", p.pkg, p.version, strings.Join(parts, " "))
}

// Handshake is the first call of an attached provider; it carries the engine's address.
func (p *Provider) Handshake(_ context.Context, req *pulumirpc.ProviderHandshakeRequest) (*pulumirpc.ProviderHandshakeResponse, error) {
	p.mu.Lock()
	p.engineAddr = req.GetEngineAddress()
	p.mu.Unlock()
	return &pulumirpc.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

// Attach is how the engine connects to a provider it did not start; it must succeed.
func (p *Provider) Attach(_ context.Context, req *pulumirpc.PluginAttach) (*emptypb.Empty, error) {
	p.mu.Lock()
	p.engineAddr = req.GetAddress()
	p.mu.Unlock()
	return &emptypb.Empty{}, nil
}

func (p *Provider) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: p.version}, nil
}

// GetSchema returns an empty package schema: the engine only asks for it for features
// (conversion, parameterization) the tests do not use.
func (p *Provider) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return &pulumirpc.GetSchemaResponse{Schema: fmt.Sprintf(`{"name":%q,"version":%q}`, p.pkg, p.version)}, nil
}

func (p *Provider) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

// DiffConfig compares provider configurations: a changed one updates the provider, never
// replaces it. So new defaultTags update the provider, then every tagged resource's
// tags_all in place, as with the real provider.
func (p *Provider) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, err := unmarshalProps(req.GetOldInputs())
	if err != nil {
		return nil, err
	}
	news, err := unmarshalProps(req.GetNews())
	if err != nil {
		return nil, err
	}
	changed := changedTopLevel(olds, news)
	if len(changed) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME, Diffs: changed}, nil
}

// Configure gives the Cloud its region and default tags. Like the real aws provider, it
// needs a region: from aws:region or, failing that, the environment.
func (p *Provider) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	p.count("Configure")
	resp := &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true}
	if p.pkg != "aws" {
		return resp, nil
	}
	args, err := unmarshalProps(req.GetArgs())
	if err != nil {
		return nil, fmt.Errorf("stand-in aws: Configure: %w", err)
	}
	var region string
	if v := unwrap(args["region"]); v.IsString() {
		region = v.StringValue()
	}
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
	if err := p.Cloud.Configure(region); err != nil {
		return nil, fmt.Errorf("stand-in aws: %w", err)
	}
	tags, err := defaultTagsOf(args["defaultTags"])
	if err != nil {
		return nil, fmt.Errorf("stand-in aws: defaultTags: %w", err)
	}
	p.Cloud.SetDefaultTags(tags)
	return resp, nil
}

// defaultTagsOf reads the provider's defaultTags input, {tags: {key: value}}. The engine
// sends structured stack config (aws:defaultTags) as JSON text, which the real provider's
// CheckConfig turns into an object; CheckConfig here passes it on, so both arrive.
func defaultTagsOf(v resource.PropertyValue) (map[string]string, error) {
	v = unwrap(v)
	if v.IsString() {
		var decoded map[string]any
		if err := json.Unmarshal([]byte(v.StringValue()), &decoded); err != nil {
			return nil, err
		}
		v = resource.NewObjectProperty(resource.NewPropertyMapFromMap(decoded))
	}
	if !v.IsObject() {
		return nil, nil
	}
	tags := map[string]string{}
	if inner := unwrap(v.ObjectValue()["tags"]); inner.IsObject() {
		for k, t := range inner.ObjectValue() {
			if t = unwrap(t); t.IsString() {
				tags[string(k)] = t.StringValue()
			}
		}
	}
	return tags, nil
}

// Check applies what the provider's Check does: autonaming and schema defaults.
func (p *Provider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	p.count("Check")
	urn := resource.URN(req.GetUrn())
	olds, err := unmarshalProps(req.GetOlds())
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Check %s: %w", p.pkg, urn, err)
	}
	news, err := unmarshalProps(req.GetNews())
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Check %s: %w", p.pkg, urn, err)
	}
	checked, failures, err := p.Cloud.Check(urn, olds, news)
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Check %s: %w", p.pkg, urn, err)
	}
	inputs, err := marshalProps(checked)
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Check %s: %w", p.pkg, urn, err)
	}
	resp := &pulumirpc.CheckResponse{Inputs: inputs}
	for _, f := range failures {
		// The provider's ValidateFuncs: the engine reports them and stops.
		resp.Failures = append(resp.Failures, &pulumirpc.CheckFailure{Reason: f})
	}
	return resp, nil
}

// Diff plans the new inputs against the stored state (the outputs of the last Create,
// Update or Read), as the bridge does: see Cloud.Diff.
func (p *Provider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	p.count("Diff")
	urn := resource.URN(req.GetUrn())
	state, err := unmarshalProps(req.GetOlds())
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Diff %s: %w", p.pkg, urn, err)
	}
	oldInputs, err := unmarshalProps(req.GetOldInputs())
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Diff %s: %w", p.pkg, urn, err)
	}
	news, err := unmarshalProps(req.GetNews())
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Diff %s: %w", p.pkg, urn, err)
	}
	d := p.Cloud.Diff(urn, req.GetId(), state, oldInputs, news)
	if len(d.Changed) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	return &pulumirpc.DiffResponse{
		Changes:             pulumirpc.DiffResponse_DIFF_SOME,
		Diffs:               d.Changed,
		Replaces:            d.Replaces,
		DeleteBeforeReplace: d.DeleteBeforeReplace,
	}, nil
}

// Create creates the object in the Cloud; in preview the computed values are unknown.
func (p *Provider) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	p.count("Create")
	urn := resource.URN(req.GetUrn())
	inputs, err := unmarshalProps(req.GetProperties())
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Create %s: %w", p.pkg, urn, err)
	}
	id, outs, err := p.Cloud.CreateWithTimeout(urn, inputs, req.GetPreview(), seconds(req.GetTimeout()))
	if initErr := (*standin.InitError)(nil); errors.As(err, &initErr) {
		return nil, initFailed("creating", urn, initErr)
	}
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Create %s: %w", p.pkg, urn, err)
	}
	props, err := marshalProps(outs)
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Create %s: %w", p.pkg, urn, err)
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, nil
}

// Update changes the object in place and returns what Read then stores.
func (p *Provider) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	p.count("Update")
	urn := resource.URN(req.GetUrn())
	state, err := unmarshalProps(req.GetOlds())
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Update %s: %w", p.pkg, urn, err)
	}
	news, err := unmarshalProps(req.GetNews())
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Update %s: %w", p.pkg, urn, err)
	}
	oldInputs, err := unmarshalProps(req.GetOldInputs())
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Update %s: %w", p.pkg, urn, err)
	}
	outs, err := p.Cloud.UpdateWithTimeout(urn, req.GetId(), state, oldInputs, news, req.GetPreview(), seconds(req.GetTimeout()))
	if initErr := (*standin.InitError)(nil); errors.As(err, &initErr) {
		return nil, initFailed("updating", urn, initErr)
	}
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Update %s: %w", p.pkg, urn, err)
	}
	props, err := marshalProps(outs)
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Update %s: %w", p.pkg, urn, err)
	}
	return &pulumirpc.UpdateResponse{Properties: props}, nil
}

// seconds is a custom timeout as the engine sends it (CreateRequest.Timeout, seconds; 0:
// none set).
func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// initFailed is the bridge's answer to a Create or Update that failed after the provider
// made or changed the object (initializationError, pkg/tfbridge/provider.go): a gRPC status
// whose ErrorResourceInitFailed detail carries the object's id, the state the provider
// holds and the reason. The engine then records the resource with that id, state and
// initialisation error (a partially created resource; plugin.parseError) and fails the
// update; the next up updates the resource again.
func initFailed(verb string, urn resource.URN, e *standin.InitError) error {
	reason := InitFailureReason(verb, urn, e.Err)
	props, err := marshalProps(e.State)
	if err != nil {
		return fmt.Errorf("stand-in aws: %s %s: %w", verb, urn, err)
	}
	return rpcerror.WithDetails(rpcerror.New(codes.Unknown, reason),
		&pulumirpc.ErrorResourceInitFailed{Id: e.ID, Properties: props, Reasons: []string{reason}})
}

// InitFailureReason is the reason the bridge gives for a provider error after the object
// was made: the SDKv2 shim joins the provider's diagnostics with go-multierror
// (handleDiagnostics, pkg/tfshim/sdk-v2), and Create or Update wraps that with
// "creating <urn>" or "updating <urn>".
func InitFailureReason(verb string, urn resource.URN, err error) string {
	return fmt.Sprintf("%s %s: 1 error occurred:\n\t* %s\n\n", verb, urn, err)
}

// Read returns the object as the Cloud holds it (refresh, or a resource read by id).
func (p *Provider) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	p.count("Read")
	obj, ok := p.Cloud.Read(req.GetId())
	if !ok {
		return &pulumirpc.ReadResponse{}, nil // gone: the engine drops it from state
	}
	props, err := marshalProps(obj)
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Read %s: %w", p.pkg, req.GetUrn(), err)
	}
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: props, Inputs: req.GetInputs()}, nil
}

// Delete removes the object from the Cloud.
func (p *Provider) Delete(_ context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	p.count("Delete")
	if err := p.Cloud.Delete(resource.URN(req.GetUrn()), req.GetId()); err != nil {
		return nil, fmt.Errorf("stand-in %s: %w", p.pkg, err)
	}
	return &emptypb.Empty{}, nil
}

// Invoke serves the data sources the program calls; any other fails with its token so a
// new invoke in the program shows up as a clear test failure.
func (p *Provider) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	p.count("Invoke")
	args, err := unmarshalProps(req.GetArgs())
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: Invoke %s: %w", p.pkg, req.GetTok(), err)
	}
	if p.pkg != "aws" {
		return nil, fmt.Errorf("stand-in %s: invoke %s is not served", p.pkg, req.GetTok())
	}
	ret, err := p.Cloud.Invoke(req.GetTok(), args)
	if err != nil {
		// A data source's failure is a failed invoke, reported with its message as the
		// real provider reports it.
		return &pulumirpc.InvokeResponse{Failures: []*pulumirpc.CheckFailure{{Reason: err.Error()}}}, nil
	}
	out, err := marshalProps(ret)
	if err != nil {
		return nil, fmt.Errorf("stand-in %s: invoke %s: %w", p.pkg, req.GetTok(), err)
	}
	return &pulumirpc.InvokeResponse{Return: out}, nil
}

// Construct builds an awsx component (see construct) by registering it, and its
// children, with the engine's resource monitor.
func (p *Provider) Construct(ctx context.Context, req *pulumirpc.ConstructRequest) (*pulumirpc.ConstructResponse, error) {
	p.count("Construct")
	if p.pkg != "awsx" {
		return nil, fmt.Errorf("stand-in %s: Construct %s: only awsx components are served", p.pkg, req.GetType())
	}
	p.mu.Lock()
	addr := p.engineAddr
	p.mu.Unlock()
	// The component's context logs through the engine, as a real plugin's does.
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, fmt.Errorf("stand-in awsx: connecting to the engine at %q: %w", addr, err)
	}
	defer conn.Close()
	return construct(ctx, req, conn)
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

// changedTopLevel lists the top-level keys whose values differ (a null and a missing key
// are the same), for provider configurations.
func changedTopLevel(olds, news resource.PropertyMap) []string {
	var changed []string
	seen := map[resource.PropertyKey]bool{}
	for _, m := range []resource.PropertyMap{olds, news} {
		for k := range m {
			if seen[k] || strings.HasPrefix(string(k), "__") {
				continue
			}
			seen[k] = true
			o, n := olds[k], news[k]
			if (o.HasValue() || n.HasValue()) && !o.DeepEquals(n) {
				changed = append(changed, string(k))
			}
		}
	}
	sort.Strings(changed)
	return changed
}

// unwrap looks through a secret to its value.
func unwrap(v resource.PropertyValue) resource.PropertyValue {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v
}
