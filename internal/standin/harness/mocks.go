package harness

// Mocks: the program under pulumi.WithMocks, with the same Cloud the engine tests use, so
// mocked unit tests and engine tests see one fake AWS. Every resource gets what the
// provider would store after `pulumi up` (Check, Create, Read), and is recorded for
// assertions. The engine tests cover preview, where computed values are unknown.
//
// A Create that fails after the object was made (a standin.InitError, such as an ECS
// service whose waiter timed out) fails the registration as `pulumi up` fails, with the
// bridge's reason; the resource is recorded all the same, with its id, the state the
// provider holds and InitErrors, as the engine records a partially created resource.

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Registered is one resource the program registered, as the engine would receive it.
type Registered struct {
	Type, Name, ID string
	Inputs         map[string]any // what the program sent
	State          map[string]any // what the provider stored
	Dependencies   []string       // URNs of explicit dependencies (DependsOn)
	Aliases        []string       // the names of its aliases (pulumi.Aliases)
	IgnoreChanges  []string
	Remote         bool // a component served by a provider (awsx)
	// Replacement options: delete first, replace on these input changes, or when this
	// value changes.
	DeleteBeforeReplace bool
	ReplaceOnChanges    []string
	ReplacementTrigger  any
	RetainOnDelete      bool   // deleting it leaves the cloud object
	Protect             bool   // the engine refuses to delete it
	CreateTimeout       string // customTimeouts.create, "" for the provider's
	// InitErrors are the reasons a Create failed after the object was made: the engine
	// keeps such a resource in the state, partially created.
	InitErrors []string
}

// Mocks implements pulumi.MockResourceMonitor on a Cloud. Registrations arrive
// concurrently, hence the mutex.
type Mocks struct {
	Cloud          *standin.Cloud
	project, stack string

	mu        sync.Mutex
	resources []Registered
}

// NewMocks returns mocks for a project's stack on an empty Cloud in region.
func NewMocks(project, stack, region string) *Mocks {
	c := standin.NewCloud()
	_ = c.Configure(region) // an empty Cloud takes any region
	return NewMocksOn(c, project, stack)
}

// NewMocksOn returns mocks for a project's stack on a Cloud that may hold objects already,
// such as what an earlier run of the stack created.
func NewMocksOn(c *standin.Cloud, project, stack string) *Mocks {
	return &Mocks{Cloud: c, project: project, stack: stack}
}

func (m *Mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	urn := resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), "", tokens.Type(args.TypeToken), args.Name)
	remote := args.RegisterRPC != nil && args.RegisterRPC.GetRemote()
	var id string
	var state resource.PropertyMap
	var err error
	if remote {
		state, err = m.Cloud.ComponentOutputs(args.TypeToken, args.Name, args.Inputs)
	} else {
		var checked resource.PropertyMap
		var failures []string
		checked, failures, err = m.Cloud.Check(urn, nil, args.Inputs)
		if err == nil && len(failures) > 0 {
			err = fmt.Errorf("%s: check failed: %v", urn, failures)
		}
		var timeout time.Duration
		if err == nil {
			timeout, err = createTimeout(args.RegisterRPC)
		}
		if err == nil {
			id, state, err = m.Cloud.CreateWithTimeout(urn, checked, false, timeout)
		}
	}
	var initErr *standin.InitError
	if err != nil && !errors.As(err, &initErr) {
		return "", nil, err
	}
	r := Registered{Type: args.TypeToken, Name: args.Name, ID: id, Inputs: args.Inputs.Mappable(), State: state.Mappable(), Remote: remote}
	if initErr != nil {
		r.InitErrors = []string{InitFailureReason("creating", urn, initErr.Err)}
	}
	if rpc := args.RegisterRPC; rpc != nil {
		r.Dependencies = rpc.GetDependencies()
		r.IgnoreChanges = rpc.GetIgnoreChanges()
		r.DeleteBeforeReplace = rpc.GetDeleteBeforeReplace()
		r.ReplaceOnChanges = rpc.GetReplaceOnChanges()
		r.RetainOnDelete = rpc.GetRetainOnDelete()
		r.Protect = rpc.GetProtect()
		r.CreateTimeout = rpc.GetCustomTimeouts().GetCreate()
		for _, a := range rpc.GetAliases() {
			if spec := a.GetSpec(); spec != nil {
				r.Aliases = append(r.Aliases, spec.GetName())
			} else {
				r.Aliases = append(r.Aliases, resource.URN(a.GetUrn()).Name())
			}
		}
		if v := rpc.GetReplacementTrigger(); v != nil {
			r.ReplacementTrigger = v.AsInterface()
		}
	}
	m.mu.Lock()
	m.resources = append(m.resources, r)
	m.mu.Unlock()
	if initErr != nil {
		return "", nil, errors.New(r.InitErrors[0])
	}
	return id, state, nil
}

// createTimeout is the resource's customTimeouts.create, which the engine parses and
// passes to the provider's Create (0: none set).
func createTimeout(rpc *pulumirpc.RegisterResourceRequest) (time.Duration, error) {
	create := rpc.GetCustomTimeouts().GetCreate()
	if create == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(create)
	if err != nil {
		return 0, fmt.Errorf("unable to parse customTimeout Value %s", create)
	}
	return d, nil
}

// Call answers the program's data sources from the Cloud and fails loudly on any other.
func (m *Mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return m.Cloud.Invoke(args.Token, args.Args)
}

// Resources returns what was registered, in registration order.
func (m *Mocks) Resources() []Registered {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Registered(nil), m.resources...)
}
