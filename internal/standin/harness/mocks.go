package harness

// Mocks: the program under pulumi.WithMocks, with the same Cloud the engine tests use, so
// mocked unit tests and engine tests see one fake AWS. Every resource gets what the
// provider would store after `pulumi up` (Check, Create, Read), and is recorded for
// assertions. The engine tests cover preview, where computed values are unknown.

import (
	"fmt"
	"sync"

	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
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
	RetainOnDelete      bool // deleting it leaves the cloud object
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
		if err == nil {
			id, state, err = m.Cloud.Create(urn, checked, false)
		}
	}
	if err != nil {
		return "", nil, err
	}
	r := Registered{Type: args.TypeToken, Name: args.Name, ID: id, Inputs: args.Inputs.Mappable(), State: state.Mappable(), Remote: remote}
	if rpc := args.RegisterRPC; rpc != nil {
		r.Dependencies = rpc.GetDependencies()
		r.IgnoreChanges = rpc.GetIgnoreChanges()
		r.DeleteBeforeReplace = rpc.GetDeleteBeforeReplace()
		r.ReplaceOnChanges = rpc.GetReplaceOnChanges()
		r.RetainOnDelete = rpc.GetRetainOnDelete()
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
	return id, state, nil
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
