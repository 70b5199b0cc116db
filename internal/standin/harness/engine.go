package harness

// The engine driver: a Pulumi program run by the real Pulumi CLI, through the Automation
// API, on a local file backend, against this package's aws and awsx stand-in providers
// (provider.go), which serve the models of internal/standin.
//
// The mocked unit tests never run the engine, so they cannot see what only the engine
// decides: the config schema in Pulumi.yaml, duplicate URNs, dependency order, what a
// preview plans from the provider's Diff, and whether a second preview after `up` is empty.
//
// The CLI is the one matching the SDK in go.mod. It is taken from PATH or from the cache
// (<user cache dir>/pulumi-engine-test/cli-<version>), or else built there from the Go
// module proxy (official binaries cannot be downloaded here); a failed build fails the
// test. Run with a generous timeout: go test -timeout 30m ./...

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/constant"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
	"gopkg.in/yaml.v3"
)

// CLIVersion is the Pulumi CLI the engine tests run. It must equal the version of
// github.com/pulumi/pulumi/sdk/v3 in go.mod (CheckCLIVersionPin): the Automation API
// drives the CLI of its own release.
const CLIVersion = "v3.230.0"

const (
	sdkModule  = "github.com/pulumi/pulumi/sdk/v3"
	awsModule  = "github.com/pulumi/pulumi-aws/sdk/v6"
	awsxModule = "github.com/pulumi/pulumi-awsx/sdk/v2"
	cliPackage = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
	// The CLI prints this variable for `pulumi version`, which the Automation API checks.
	cliVersionVar = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version"
)

// CheckCLIVersionPin fails when CLIVersion is not the SDK version go.mod selects.
func CheckCLIVersionPin() error {
	sdk, err := moduleVersion(sdkModule)
	if err != nil {
		return err
	}
	if sdk != CLIVersion {
		return fmt.Errorf("harness.CLIVersion is %s but go.mod requires %s %s: set CLIVersion in internal/standin/harness/engine.go to %s",
			CLIVersion, sdkModule, sdk, sdk)
	}
	return nil
}

// StackOptions says which stack to run and with what.
type StackOptions struct {
	Name       string         // stack name
	Dir        string         // the project directory, with Pulumi.yaml; "": the working directory
	ConfigFile string         // the stack's config file, relative to the project directory
	Program    pulumi.RunFunc // the program, run inline in the test process
	Cloud      *standin.Cloud // the AWS account to run in; nil: a new, empty one
}

// Stack is one stack of the project on a fresh file backend, with its own stand-ins.
type Stack struct {
	Name    string
	Project *workspace.Project
	AWS     *Provider // the aws stand-in: its Cloud holds what the stack created
	AWSX    *Provider
	stack   auto.Stack
	work    string // the work directory with Pulumi.yaml and the stack file
	ctx     context.Context
	cli     auto.PulumiCommand
	program pulumi.RunFunc
	env     []string // the CLI's environment, as the workspace passes it
	events  string   // the event log of Apply's `pulumi up`
}

// NewStack copies Pulumi.yaml and the stack's config into a temp work dir (stack init
// writes the secrets provider's key into the stack file; the repository stays untouched),
// starts the stand-ins and selects the stack with the inline program. The project
// directory is o.Dir, by default the test's working directory.
func NewStack(t *testing.T, cli auto.PulumiCommand, o StackOptions) *Stack {
	t.Helper()
	proj, err := workspace.LoadProject(filepath.Join(o.Dir, "Pulumi.yaml"))
	if err != nil {
		t.Fatalf("loading Pulumi.yaml: %v", err)
	}
	tmp := t.TempDir()
	work, state, home := filepath.Join(tmp, "work"), filepath.Join(tmp, "state"), filepath.Join(tmp, "home")
	for _, dir := range []string{work, state, home} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(t, filepath.Join(o.Dir, "Pulumi.yaml"), filepath.Join(work, "Pulumi.yaml"))
	copyFile(t, filepath.Join(o.Dir, o.ConfigFile), filepath.Join(work, "Pulumi."+o.Name+".yaml"))

	awsVersion, err := moduleVersion(awsModule)
	if err != nil {
		t.Fatal(err)
	}
	awsxVersion, err := moduleVersion(awsxModule)
	if err != nil {
		t.Fatal(err)
	}
	cloud := o.Cloud
	if cloud == nil {
		cloud = standin.NewCloud()
	}
	aws := Serve(t, "aws", strings.TrimPrefix(awsVersion, "v"), cloud)
	awsx := Serve(t, "awsx", strings.TrimPrefix(awsxVersion, "v"), aws.Cloud)

	ctx := t.Context()
	env := map[string]string{
		"PULUMI_BACKEND_URL":       "file://" + filepath.ToSlash(state),
		"PULUMI_HOME":              home,
		"PULUMI_SKIP_UPDATE_CHECK": "true",
		// Nothing may be downloaded: the engine attaches to the stand-ins instead.
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		"PULUMI_DEBUG_PROVIDERS":                      fmt.Sprintf("aws:%d,awsx:%d", aws.Port, awsx.Port),
		// The secrets provider is a stand-in Vault (vault.go), not a passphrase: a
		// passphrase costs every CLI run 0.2 s of CPU to derive the key.
		"VAULT_ADDR":  serveVault(t),
		"VAULT_TOKEN": "engine-test",
		// The file backend writes the whole checkpoint after every step of an update,
		// each time serialized anew, unless told to write only the final one (env.
		// SkipCheckpoints, pulumi#10668): that took most of the CPU of an update that
		// changes many resources. The final state is written all the same, for failed
		// updates too, and it is all the tests read; intermediate ones only matter for
		// resuming after the CLI itself crashed.
		"PULUMI_SKIP_CHECKPOINTS": "true",
		// Nor a backup copy of the whole checkpoint before each update (backupStack in
		// pkg/backend/diy): the tests never restore one.
		"PULUMI_DIY_BACKEND_DISABLE_CHECKPOINT_BACKUPS": "true",
	}
	stack, err := auto.UpsertStackInlineSource(ctx, o.Name, proj.Name.String(), o.Program,
		auto.WorkDir(work),
		auto.Pulumi(cli),
		auto.EnvVars(env),
		auto.SecretsProvider("hashivault://"+vaultKey),
	)
	if err != nil {
		t.Fatalf("%s: creating the stack: %v", o.Name, err)
	}
	t.Logf("%s: stack from %s, CLI %s, stand-ins aws %s on :%d and awsx %s on :%d",
		o.Name, o.ConfigFile, cli.Version(), aws.version, aws.Port, awsx.version, awsx.Port)
	s := &Stack{Name: o.Name, Project: proj, AWS: aws, AWSX: awsx, stack: stack, work: work, ctx: ctx,
		cli: cli, program: o.Program, events: filepath.Join(tmp, "up-events.json")}
	for _, k := range slices.Sorted(maps.Keys(env)) {
		s.env = append(s.env, k+"="+env[k])
	}
	return s
}

// SetConfig replaces the stack's config file with the given YAML, as a user editing
// Pulumi.<stack>.yaml would. The secrets provider and the key stack init wrote are kept.
func (s *Stack) SetConfig(t *testing.T, yaml []byte) {
	t.Helper()
	path := filepath.Join(s.work, "Pulumi."+s.Name+".yaml")
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: reading the stack file: %v", s.Name, err)
	}
	var keep string
	for _, line := range strings.Split(string(old), "\n") {
		for _, key := range []string{"secretsprovider:", "encryptedkey:", "encryptionsalt:"} {
			if strings.HasPrefix(line, key) {
				keep += line + "\n"
			}
		}
	}
	if err := os.WriteFile(path, append([]byte(keep), yaml...), 0o644); err != nil {
		t.Fatalf("%s: writing the stack file: %v", s.Name, err)
	}
}

// SetConfigValue sets one key of the stack's config file, as a user editing
// Pulumi.<stack>.yaml would, keeping everything else in it. No CLI runs.
func (s *Stack) SetConfigValue(t *testing.T, key, value string) {
	t.Helper()
	path := filepath.Join(s.work, "Pulumi."+s.Name+".yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: reading the stack file: %v", s.Name, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		t.Fatalf("%s: the stack file is not a YAML mapping: %v", s.Name, err)
	}
	root := doc.Content[0]
	var config *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "config" {
			config = root.Content[i+1]
		}
	}
	if config == nil || config.Kind != yaml.MappingNode {
		config = &yaml.Node{Kind: yaml.MappingNode}
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "config"}, config)
	}
	v := &yaml.Node{Kind: yaml.ScalarNode, Value: value}
	for i := 0; i+1 < len(config.Content); i += 2 {
		if config.Content[i].Value == key {
			config.Content[i+1] = v
			v = nil
		}
	}
	if v != nil {
		config.Content = append(config.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatalf("%s: writing the stack file: %v", s.Name, err)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatalf("%s: writing the stack file: %v", s.Name, err)
	}
}

// SetProgram runs another program for the stack from now on: a new release of the
// program deployed over a stack the old one made.
func (s *Stack) SetProgram(program pulumi.RunFunc) {
	s.program = program
	s.stack.Workspace().SetProgram(program)
}

// Config returns the stack's config as the CLI resolves it (stack file only).
func (s *Stack) Config(t *testing.T) auto.ConfigMap {
	t.Helper()
	cfg, err := s.stack.GetAllConfig(s.ctx)
	if err != nil {
		t.Fatalf("%s: reading the stack config: %v", s.Name, err)
	}
	return cfg
}

// Step is one step of a plan: what the engine will do to one resource, and why.
type Step struct {
	Op       apitype.OpType
	URN      resource.URN
	Diffs    []string // the properties that changed
	Replaces []string // the properties that force a replacement
	Retained bool     // a delete that leaves the cloud object in place (retainOnDelete)
}

// Plan is what a preview says an update would do.
type Plan struct {
	Changes map[apitype.OpType]int
	Steps   []Step // every step but "same" and reads, sorted by URN
}

// Preview runs `pulumi preview` and returns its plan.
func (s *Stack) Preview(t *testing.T) Plan {
	t.Helper()
	start := time.Now()
	var res auto.PreviewResult
	evts, err := s.withEvents(func(ch chan<- events.EngineEvent) (err error) {
		res, err = s.stack.Preview(s.ctx, optpreview.EventStreams(ch))
		return err
	})
	if err != nil {
		t.Fatalf("%s: preview: %v", s.Name, err)
	}
	t.Logf("%s: preview took %s: %v", s.Name, time.Since(start).Round(time.Millisecond), res.ChangeSummary)
	logWarnings(t, s.Name, evts)
	return planOf(res.ChangeSummary, evts)
}

// DriftCheck runs `pulumi preview --refresh`, as the nightly drift check does: the
// provider reads every resource back first, so the plan compares the program with what AWS
// holds, not with what the last `up` stored. Right after an `up` it must plan nothing,
// or the drift check fails every night.
func (s *Stack) DriftCheck(t *testing.T) Plan {
	t.Helper()
	start := time.Now()
	var res auto.PreviewResult
	evts, err := s.withEvents(func(ch chan<- events.EngineEvent) (err error) {
		res, err = s.stack.Preview(s.ctx, optpreview.Refresh(), optpreview.EventStreams(ch))
		return err
	})
	if err != nil {
		t.Fatalf("%s: preview --refresh: %v", s.Name, err)
	}
	t.Logf("%s: preview --refresh took %s: %v", s.Name, time.Since(start).Round(time.Millisecond), res.ChangeSummary)
	logWarnings(t, s.Name, evts)
	return planOf(res.ChangeSummary, evts)
}

// withEvents runs a CLI operation and returns its engine events.
func (s *Stack) withEvents(run func(ch chan<- events.EngineEvent) error) ([]events.EngineEvent, error) {
	ch := make(chan events.EngineEvent)
	done := make(chan []events.EngineEvent)
	go func() {
		var evts []events.EngineEvent
		for ev := range ch {
			evts = append(evts, ev)
		}
		done <- evts
	}()
	if err := run(ch); err != nil {
		return nil, err
	}
	select {
	case evts := <-done: // the Automation API closes the stream when the CLI exits
		return evts, nil
	case <-time.After(10 * time.Second):
		return nil, fmt.Errorf("the engine event stream did not end")
	}
}

// logWarnings puts the engine's warnings in the test log: they do not fail the test, but
// a deprecation or a config warning is worth reading.
func logWarnings(t *testing.T, name string, evts []events.EngineEvent) {
	t.Helper()
	warned := map[string]bool{}
	for _, ev := range evts {
		if d := ev.DiagnosticEvent; d != nil && d.Severity == "warning" && !warned[d.Message] {
			warned[d.Message] = true
			t.Logf("%s: warning: %s %s", name, d.URN, strings.TrimSpace(d.Message))
		}
	}
}

// planOf is the steps the engine reported, without "same" and reads, sorted by URN.
func planOf(changes map[apitype.OpType]int, evts []events.EngineEvent) Plan {
	plan := Plan{Changes: changes}
	for _, ev := range evts {
		if ev.ResourcePreEvent == nil {
			continue
		}
		m := ev.ResourcePreEvent.Metadata
		if m.Op == apitype.OpSame || m.Op == apitype.OpRead || m.Op == apitype.OpRefresh {
			continue
		}
		st := Step{Op: m.Op, URN: resource.URN(m.URN), Diffs: m.Diffs, Replaces: m.Keys}
		st.Retained = m.Old != nil && m.Old.RetainOnDelete
		plan.Steps = append(plan.Steps, st)
	}
	sort.SliceStable(plan.Steps, func(i, j int) bool { return plan.Steps[i].URN < plan.Steps[j].URN })
	return plan
}

// NoChanges returns an error naming every change the plan holds. Right after `up` a
// preview must plan nothing but "same": anything else means the program or a provider is
// not idempotent and every deploy would touch the stack. Reads are not changes.
func (p Plan) NoChanges() error {
	var ops []string
	for op, n := range p.Changes {
		if op != apitype.OpSame && op != apitype.OpRead && op != apitype.OpRefresh && n > 0 {
			ops = append(ops, fmt.Sprintf("%s=%d", op, n))
		}
	}
	var steps []string
	for _, st := range p.Steps {
		steps = append(steps, fmt.Sprintf("%s %s (changed: %s)", st.Op, st.URN, strings.Join(st.Diffs, ", ")))
	}
	if len(ops) == 0 && len(steps) == 0 {
		return nil
	}
	sort.Strings(ops)
	return fmt.Errorf("the preview after up plans changes (%s):\n  %s", strings.Join(ops, " "), strings.Join(steps, "\n  "))
}

// Effect is what a plan does to one resource, in the words of the README's tables.
type Effect string

const (
	Created  Effect = "created"
	Updated  Effect = "updated"
	Replaced Effect = "replaced"
	Deleted  Effect = "deleted"
)

// Effects folds the plan's steps into one effect per resource: a replacement shows as
// several steps (create-replacement, replace, delete-replaced) of one URN.
func (p Plan) Effects() map[resource.URN]Effect {
	out := map[resource.URN]Effect{}
	for _, st := range p.Steps {
		var e Effect
		switch st.Op {
		case apitype.OpCreate:
			e = Created
		case apitype.OpUpdate:
			e = Updated
		case apitype.OpDelete:
			e = Deleted
		case apitype.OpReplace, apitype.OpCreateReplacement, apitype.OpDeleteReplaced:
			e = Replaced
		default:
			continue
		}
		if out[st.URN] != Replaced {
			out[st.URN] = e
		}
	}
	return out
}

// Retained are the resources the plan deletes but whose cloud objects stay (retainOnDelete).
func (p Plan) Retained() map[resource.URN]bool {
	out := map[resource.URN]bool{}
	for _, st := range p.Steps {
		if st.Retained && (st.Op == apitype.OpDelete || st.Op == apitype.OpDeleteReplaced) {
			out[st.URN] = true
		}
	}
	return out
}

// Up runs `pulumi up`, which must succeed, and returns its result and the steps it took.
func (s *Stack) Up(t *testing.T) (auto.UpResult, Plan) {
	t.Helper()
	res, plan, err := s.TryUp(t)
	if err != nil {
		t.Fatalf("%s: up: %v", s.Name, err)
	}
	return res, plan
}

// TryUp runs `pulumi up` and returns its error, for tests that expect one.
func (s *Stack) TryUp(t *testing.T) (auto.UpResult, Plan, error) {
	t.Helper()
	start := time.Now()
	var res auto.UpResult
	evts, err := s.withEvents(func(ch chan<- events.EngineEvent) (err error) {
		res, err = s.stack.Up(s.ctx, optup.EventStreams(ch))
		return err
	})
	if err != nil {
		return res, Plan{}, err
	}
	if res.Summary.Result != "succeeded" {
		return res, Plan{}, fmt.Errorf("up result %q", res.Summary.Result)
	}
	t.Logf("%s: up took %s: %v; %s", s.Name, time.Since(start).Round(time.Millisecond), SummaryChanges(res.Summary), s.AWS.Summary())
	logWarnings(t, s.Name, evts)
	var changes map[apitype.OpType]int
	if res.Summary.ResourceChanges != nil {
		changes = map[apitype.OpType]int{}
		for op, n := range *res.Summary.ResourceChanges {
			changes[apitype.OpType(op)] = n
		}
	}
	return res, planOf(changes, evts), nil
}

// Apply runs `pulumi up`, which must succeed, and returns the steps it took. It is Up
// without what auto.Stack.Up does after the update: two `pulumi stack output` runs and a
// `pulumi stack history` run, three more starts of the CLI, which cost more CPU than the
// update itself on an unchanged stack. Tests that need the outputs call Outputs; Up is
// there for those that want auto's UpResult.
func (s *Stack) Apply(t *testing.T) Plan {
	t.Helper()
	plan, err := s.TryApply(t)
	if err != nil {
		t.Fatalf("%s: up: %v", s.Name, err)
	}
	return plan
}

// TryApply is Apply returning the error of a failed `pulumi up`, with its output.
func (s *Stack) TryApply(t *testing.T) (Plan, error) {
	t.Helper()
	start := time.Now()
	evts, err := s.up()
	if err != nil {
		return Plan{}, err
	}
	var changes map[apitype.OpType]int
	for _, ev := range evts {
		if sum := ev.SummaryEvent; sum != nil {
			changes = map[apitype.OpType]int{}
			for op, n := range sum.ResourceChanges {
				changes[apitype.OpType(op)] = n
			}
		}
	}
	if changes == nil {
		return Plan{}, fmt.Errorf("pulumi up reported no summary event")
	}
	t.Logf("%s: up took %s: %v; %s", s.Name, time.Since(start).Round(time.Millisecond), changes, s.AWS.Summary())
	logWarnings(t, s.Name, evts)
	return planOf(changes, evts), nil
}

// up runs `pulumi up` for the inline program with the real CLI, as auto.Stack.Up does
// (the same command, arguments and environment), and returns the engine events it logged.
func (s *Stack) up() ([]events.EngineEvent, error) {
	host, err := serveProgram(s.program)
	if err != nil {
		return nil, err
	}
	defer host.stop()
	args := []string{"up", "--yes", "--skip-preview", "--client=" + host.addr, "--exec-kind=" + constant.ExecKindAutoInline,
		"--event-log", s.events, "--stack", s.Name}
	env := append([]string{"PULUMI_DEBUG_COMMANDS=true"}, s.env...)
	stdout, stderr, code, err := s.cli.Run(s.ctx, s.work, nil, nil, nil, env, args...)
	if err != nil {
		return nil, fmt.Errorf("pulumi up: exit code %d: %w\nstdout: %s\nstderr: %s", code, err, stdout, stderr)
	}
	data, err := os.ReadFile(s.events)
	if err != nil {
		return nil, fmt.Errorf("reading the event log of pulumi up: %w", err)
	}
	var evts []events.EngineEvent
	dec := json.NewDecoder(bytes.NewReader(data))
	for dec.More() {
		var ev apitype.EngineEvent
		if err := dec.Decode(&ev); err != nil {
			return nil, fmt.Errorf("decoding the event log of pulumi up: %w", err)
		}
		evts = append(evts, events.EngineEvent{EngineEvent: ev})
	}
	return evts, nil
}

// programHost is the language runtime the CLI runs an inline program through: what
// auto's own (startLanguageRuntimeServer in auto/stack.go) does, for Apply.
type programHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	program pulumi.RunFunc
	srv     *grpc.Server
	addr    string
}

func serveProgram(program pulumi.RunFunc) (*programHost, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("serving the program: %w", err)
	}
	h := &programHost{program: program, srv: grpc.NewServer(grpc.MaxRecvMsgSize(64 << 20)), addr: lis.Addr().String()}
	pulumirpc.RegisterLanguageRuntimeServer(h.srv, h)
	go func() { _ = h.srv.Serve(lis) }() // returns on stop
	return h, nil
}

func (h *programHost) stop() { h.srv.Stop() }

func (h *programHost) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *programHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: "1.0.0"}, nil
}

func (h *programHost) InstallDependencies(*pulumirpc.InstallDependenciesRequest, pulumirpc.LanguageRuntime_InstallDependenciesServer) error {
	return nil
}

// Run runs the program against the engine's resource monitor, as auto's Run does.
func (h *programHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	var engineAddress string
	if len(req.Args) > 0 {
		engineAddress = req.Args[0]
	}
	pctx, err := pulumi.NewContext(ctx, pulumi.RunInfo{
		EngineAddr:       engineAddress,
		MonitorAddr:      req.GetMonitorAddress(),
		Config:           req.GetConfig(),
		ConfigSecretKeys: req.GetConfigSecretKeys(),
		Project:          req.GetProject(),
		Stack:            req.GetStack(),
		Parallel:         req.GetParallel(),
		DryRun:           req.GetDryRun(),
		Organization:     req.GetOrganization(),
	})
	if err != nil {
		return nil, err
	}
	defer pctx.Close()
	err = func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				if perr, ok := r.(error); ok {
					err = fmt.Errorf("go inline source runtime error, an unhandled error occurred: %w", perr)
				} else {
					err = fmt.Errorf("go inline source runtime error, an unhandled panic occurred: %v", r)
				}
			}
		}()
		return pulumi.RunWithContext(pctx, h.program)
	}()
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// Destroy runs `pulumi destroy` and checks nothing is left, in the state or the stand-in,
// but the objects of the resources named in retained (retainOnDelete). It returns the
// steps the destroy took.
func (s *Stack) Destroy(t *testing.T, retained ...string) Plan {
	t.Helper()
	start := time.Now()
	var res auto.DestroyResult
	evts, err := s.withEvents(func(ch chan<- events.EngineEvent) (err error) {
		res, err = s.stack.Destroy(s.ctx, optdestroy.EventStreams(ch))
		return err
	})
	if err != nil {
		t.Fatalf("%s: destroy: %v", s.Name, err)
	}
	if res.Summary.Result != "succeeded" {
		t.Fatalf("%s: destroy result %q", s.Name, res.Summary.Result)
	}
	if left := s.Resources(t); len(left) > 0 {
		var urns []string
		for _, r := range left {
			urns = append(urns, string(r.URN))
		}
		t.Errorf("%s: %d resources left in the state after destroy:\n  %s", s.Name, len(left), strings.Join(urns, "\n  "))
	}
	var left []string
	for _, urn := range s.AWS.Cloud.LiveURNs() {
		if urn.Stack() == tokens.QName(s.Name) && !slices.Contains(retained, urn.Name()) {
			left = append(left, string(urn))
		}
	}
	if len(left) > 0 {
		t.Errorf("%s: the aws stand-in still holds objects after destroy:\n  %s", s.Name, strings.Join(left, "\n  "))
	}
	t.Logf("%s: destroy took %s: %v, nothing left but %v", s.Name, time.Since(start).Round(time.Millisecond), SummaryChanges(res.Summary), retained)
	return planOf(nil, evts)
}

// Outputs returns the stack's outputs.
func (s *Stack) Outputs(t *testing.T) auto.OutputMap {
	t.Helper()
	out, err := s.stack.Outputs(s.ctx)
	if err != nil {
		t.Fatalf("%s: stack outputs: %v", s.Name, err)
	}
	return out
}

// Resources returns the stack's resources from `pulumi stack export`.
func (s *Stack) Resources(t *testing.T) []apitype.ResourceV3 {
	t.Helper()
	_, d := s.export(t)
	return d.Resources
}

// export is `pulumi stack export`, as exported and decoded.
func (s *Stack) export(t *testing.T) (apitype.UntypedDeployment, apitype.DeploymentV3) {
	t.Helper()
	dep, err := s.stack.Export(s.ctx)
	if err != nil {
		t.Fatalf("%s: stack export: %v", s.Name, err)
	}
	var d apitype.DeploymentV3
	if err := json.Unmarshal(dep.Deployment, &d); err != nil {
		t.Fatalf("%s: decoding the stack export: %v", s.Name, err)
	}
	return dep, d
}

// SummaryChanges is the resource changes of an update, or nil.
func SummaryChanges(s auto.UpdateSummary) map[string]int {
	if s.ResourceChanges == nil {
		return nil
	}
	return *s.ResourceChanges
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatalf("copying a project file: %v", err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatalf("copying a project file: %v", err)
	}
}

// moduleVersion returns the version of a module the running test binary is built with,
// i.e. the one go.mod selects.
func moduleVersion(path string) (string, error) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "", fmt.Errorf("no build info in the test binary: cannot tell the version of %s", path)
	}
	if len(bi.Deps) == 0 {
		// Only a main package's binaries list their modules; a library package's test
		// binary asks the go command, which resolves go.mod as the build did.
		out, err := exec.Command(goTool(), "list", "-m", "-f", "{{if .Replace}}{{.Replace.Version}}{{else}}{{.Version}}{{end}}", path).Output()
		if err != nil {
			return "", fmt.Errorf("go list -m %s: %w", path, err)
		}
		return strings.TrimSpace(string(out)), nil
	}
	for _, d := range bi.Deps {
		if d.Path == path {
			if d.Replace != nil {
				return d.Replace.Version, nil
			}
			return d.Version, nil
		}
	}
	return "", fmt.Errorf("%s is not a dependency of the test binary", path)
}

// cliMu makes parallel tests wait for the one that builds the CLI, then find it cached.
var cliMu sync.Mutex

// PulumiCLI returns the Pulumi CLI of CLIVersion: from PATH, from the cache, or built
// into the cache. It fails the test if there is none and it cannot be built.
//
// Every test that runs the real engine gets its CLI here, so this is the one place that
// skips them with -short (`go test -short ./...` runs the fast tests only): a new engine
// test cannot forget to.
func PulumiCLI(t *testing.T) auto.PulumiCommand {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the real Pulumi CLI (and builds it once): skipped with -short")
	}
	cliMu.Lock()
	defer cliMu.Unlock()
	if err := CheckCLIVersionPin(); err != nil {
		t.Fatal(err)
	}
	want := strings.TrimPrefix(CLIVersion, "v")
	cmd, found, where, err := FindCLI()
	if err == nil {
		t.Logf("Pulumi CLI %s: %s (%s)", CLIVersion, found, where)
		return cmd
	}
	t.Logf("Pulumi CLI %s: %v", CLIVersion, err)
	root, err := cliCacheRoot()
	if err != nil {
		t.Fatalf("Pulumi CLI %s: %v", CLIVersion, err)
	}
	bin := filepath.Join(root, "bin", "pulumi")

	t.Logf("Pulumi CLI %s: not on PATH or in the cache; building %s@%s from the Go module proxy into %s",
		CLIVersion, cliPackage, CLIVersion, bin)
	start := time.Now()
	if err := buildPulumiCLI(t, root); err != nil {
		t.Fatalf("Pulumi CLI %s: the build failed, so the engine tests cannot run: %v", CLIVersion, err)
	}
	cmd, err = auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: root})
	if err != nil {
		t.Fatalf("Pulumi CLI %s: the freshly built %s does not run: %v", CLIVersion, bin, err)
	}
	if got := cmd.Version().String(); got != want {
		t.Fatalf("Pulumi CLI %s: the freshly built %s reports version %s", CLIVersion, bin, got)
	}
	t.Logf("Pulumi CLI %s: built in %s", CLIVersion, time.Since(start).Round(time.Second))
	return cmd
}

// cliCacheRoot is where the CLI is built and kept: <user cache dir>/pulumi-engine-test/
// cli-<version>, falling back to GOPATH/pkg when there is no user cache dir. CI can
// cache this directory.
// FindCLI returns the Pulumi CLI of CLIVersion from PATH or from the cache PulumiCLI builds
// it into, and the path of its binary with where it was found; it builds nothing.
func FindCLI() (cmd auto.PulumiCommand, bin, where string, err error) {
	want := strings.TrimPrefix(CLIVersion, "v")
	var notes []string
	// The Automation API runs <root>/bin/pulumi, so a CLI on PATH is usable if it sits
	// in a bin directory.
	if path, err := exec.LookPath("pulumi"); err == nil && filepath.Base(filepath.Dir(path)) == "bin" {
		cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: filepath.Dir(filepath.Dir(path))})
		if err == nil && cmd.Version().String() == want {
			return cmd, path, "from PATH", nil
		}
		notes = append(notes, fmt.Sprintf("not using %s from PATH: want version %s (%v)", path, want, err))
	}
	root, err := cliCacheRoot()
	if err != nil {
		return nil, "", "", err
	}
	bin = filepath.Join(root, "bin", "pulumi")
	if cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: root}); err == nil && cmd.Version().String() == want {
		return cmd, bin, "cached", nil
	}
	return nil, "", "", fmt.Errorf("not on PATH or in the cache (%s)%s", bin, strings.Join(append([]string{""}, notes...), "; "))
}

func cliCacheRoot() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		out, goErr := exec.Command(goTool(), "env", "GOPATH").Output()
		if goErr != nil || strings.TrimSpace(string(out)) == "" {
			return "", fmt.Errorf("no cache directory for the CLI: %v; go env GOPATH: %v", err, goErr)
		}
		base = filepath.Join(strings.SplitN(strings.TrimSpace(string(out)), string(os.PathListSeparator), 2)[0], "pkg")
	}
	return filepath.Join(base, "pulumi-engine-test", "cli-"+CLIVersion), nil
}

// cliBuildGoMod is the scratch module the CLI is built in. pkg/v3 cannot be built with
// `go install pkg@version` (its go.mod has replace directives), and adding it to the
// project's go.mod would drag the whole CLI into the project's dependencies. Its
// clipboard replacement is copied from pkg's own go.mod, as the CLI is built with it.
const cliBuildGoMod = `module pulumi-engine-test-cli

go 1.25.8

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
`

// buildPulumiCLI builds the CLI into <root>/bin/pulumi with its version stamped in. The
// module graph comes from pkg's go.mod at the pinned version, so the build needs exact
// versions from the proxy only.
func buildPulumiCLI(t *testing.T, root string) error {
	src := filepath.Join(root, "src")
	if err := os.MkdirAll(filepath.Join(root, "bin"), 0o755); err != nil {
		return err
	}
	if err := os.MkdirAll(src, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte(cliBuildGoMod), 0o644); err != nil {
		return err
	}
	ctx := t.Context()
	if deadline, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-time.Minute))
		defer cancel()
	}
	tmp := filepath.Join(root, "bin", fmt.Sprintf("pulumi.tmp%d", os.Getpid()))
	steps := [][]string{
		{"get", "-tool", cliPackage + "@" + CLIVersion},
		{"build", "-o", tmp, "-ldflags", "-X " + cliVersionVar + "=" + CLIVersion, cliPackage},
	}
	for _, args := range steps {
		start := time.Now()
		t.Logf("  (cd %s && go %s)", src, strings.Join(args, " "))
		cmd := exec.CommandContext(ctx, goTool(), args...)
		cmd.Dir = src
		// GOWORK=off: a go.work around the cache dir must not leak in. -mod=mod: go get
		// writes the scratch go.mod and go.sum.
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			if ctx.Err() != nil {
				err = fmt.Errorf("%w: out of time; rerun with a larger -timeout (e.g. -timeout 30m), the finished parts are cached", err)
			}
			return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, tailLines(out.String(), 40))
		}
		t.Logf("  done in %s", time.Since(start).Round(time.Second))
	}
	// Rename last, so an interrupted build never leaves a half-written CLI in the cache.
	return os.Rename(tmp, filepath.Join(root, "bin", "pulumi"))
}

// goTool is the go command: the one on PATH, which runs the tests.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return "go" // not found: exec reports it
}

func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
