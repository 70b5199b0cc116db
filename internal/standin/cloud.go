package standin

// The Cloud: one fake AWS account and region, and the lifecycle the provider runs on it.
//
// It does what pulumi-aws does, in the order the provider does it:
//   - Check fills in schema defaults and Pulumi's auto-names (the bridge's Check).
//   - Diff plans the new inputs against the STORED STATE, the outputs of the last Create,
//     Update or Read, not against the old inputs: that is what the bridge hands to the
//     provider's PlanResourceChange. An attribute the program left out keeps its stored
//     value when it is Optional+Computed; ForceNew attributes and CustomizeDiff rules
//     decide replacement.
//   - Create and Update store what the provider's Read stores afterwards (both end with
//     Read), which is what AWS returns, not what was sent.
// A resource type without a model fails loudly rather than being guessed at.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/example/nlb-alb-fargate/internal/iampolicy"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// Account is the AWS account every ARN and registry of the stand-in lives in.
const Account = "123456789012"

// Cloud is the fake AWS account. It is safe for concurrent use: the engine registers
// resources in parallel.
type Cloud struct {
	mu        sync.Mutex
	region    string
	objects   map[string]*object   // live objects by id
	live      map[resource.URN]int // cloud objects per URN: +1 per Create, -1 per Delete
	creates   map[resource.URN]int // Creates per URN, so a replacement gets new ids
	revisions map[string]int       // ECS task definition revisions per family, as ECS counts them
	enis      map[string]*eni      // network interfaces AWS made for load balancers, by id
	eipHolder map[string]string    // Elastic IP allocation id → id of the NLB or NAT gateway holding it
	// Objects in S3 buckets, by bucket: what ELB wrote there (its access-log test file).
	bucketObjects map[string]int
	// What PutObject stored (s3.go): each bucket's keys and their versions, oldest first,
	// and each bucket's versioning status (Enabled, Suspended; "" never versioned).
	s3Objects    map[string]map[string][]s3Version
	s3Versioning map[string]string
	// s3Settling are the buckets whose versioning was first enabled in this operation
	// (see putBucketVersioning): writes to them are not yet readable.
	s3Settling map[string]bool
	s3Puts     int // PutObject calls, for version ids

	off     map[string]bool // rules switched off, for the tests that prove each one bites
	invoked map[string]int  // data sources served, by token
	// The provider's default_tags (aws:defaultTags), merged into every tagged object's
	// tags_all.
	defaultTags map[string]string

	quotas    map[string]float64 // Service Quotas values that differ from AWS's defaults
	natStates map[string]string  // NAT gateways in a state other than available
	denied    map[string]string  // IAM actions whose calls fail: "denied" (Deny), "throttled" (Throttle)

	iamCalls     []IAMCall           // every IAM call made, in order (iam_calls.go)
	callerPolicy *iampolicy.Document // ActAs: the caller's identity policy; nil allows every call

	// ECS beyond what the provider stores (ecsdeploy.go): each service's deployments,
	// events and stopped tasks by service ARN; the container images of each registered task
	// definition revision, by ARN; images whose tasks never pass their health checks, with
	// the stopped reason of their tasks (TasksNeverHealthy); and deployment alarms that go
	// into ALARM during the next deployment watching them (AlarmFiresDuringNextDeployment).
	ecs           map[string]*ecsService
	taskDefImages map[string][]string
	unhealthy     map[string]string
	firing        map[string]bool
}

type object struct {
	urn   resource.URN
	state resource.PropertyMap
	// outputs are the attributes AWS computed that the program did not set: Computed
	// attributes, which a program never plans.
	outputs map[resource.PropertyKey]bool
}

// NewCloud returns an empty account in us-east-1 (Configure may change the region).
func NewCloud() *Cloud {
	return &Cloud{
		region:        "us-east-1",
		objects:       map[string]*object{},
		live:          map[resource.URN]int{},
		creates:       map[resource.URN]int{},
		revisions:     map[string]int{},
		enis:          map[string]*eni{},
		eipHolder:     map[string]string{},
		bucketObjects: map[string]int{},
		s3Objects:     map[string]map[string][]s3Version{},
		s3Versioning:  map[string]string{},
		s3Settling:    map[string]bool{},
		off:           map[string]bool{},
		invoked:       map[string]int{},

		quotas:    map[string]float64{},
		natStates: map[string]string{},
		denied:    map[string]string{},

		ecs:           map[string]*ecsService{},
		taskDefImages: map[string][]string{},
		unhealthy:     map[string]string{},
		firing:        map[string]bool{},
	}
}

// Configure sets the region. One Cloud serves one region: every aws provider instance of
// a stack talks to it, and resource calls do not say which instance they come from.
//
// A provider is configured at the start of each operation (preview, up, refresh,
// destroy), so time passes here: what settles with time in AWS has settled (Settle).
func (c *Cloud) Configure(region string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.objects) > 0 && c.region != region {
		return fmt.Errorf("providers for two regions (%s, %s) are not supported by the stand-in", c.region, region)
	}
	c.region = region
	c.settleLocked()
	return nil
}

// Settle lets time pass: the quarter hour S3 asks for after versioning is first enabled
// on a bucket is over, and every ECS deployment has run its course, its bake included
// (settleServicesLocked).
func (c *Cloud) Settle() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.settleLocked()
}

func (c *Cloud) settleLocked() {
	for bucket := range c.s3Settling {
		for _, versions := range c.s3Objects[bucket] {
			for i := range versions {
				versions[i].unsettled = false
			}
		}
	}
	clear(c.s3Settling)
	c.settleServicesLocked()
}

// Region is the account's region.
func (c *Cloud) Region() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.region
}

// Off switches a rule off (an id from RuleIDs), so a test can show the plan it changes.
func (c *Cloud) Off(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off[id] = true
}

func (c *Cloud) on(m *model, rule string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.off[m.tf+" "+rule]
}

func modelOf(urn resource.URN) (*model, error) {
	m, ok := models[urn.Type()]
	if !ok {
		return nil, fmt.Errorf("%s: the stand-in has no model of this resource type; add one to internal/standin", urn.Type())
	}
	return m, nil
}

// Check returns the inputs as the provider's Check does: schema defaults filled in, and
// an auto-generated `name` (`<logical name>-<7 hex>`) where the program set none, kept
// from the old inputs on later runs. Defaulted keys are listed in `__defaults`, as the
// bridge does; a replacement is checked again without olds, so it gets a new name.
func (c *Cloud) Check(urn resource.URN, olds, news resource.PropertyMap) (resource.PropertyMap, []string, error) {
	m, err := modelOf(urn)
	if err != nil {
		return nil, nil, err
	}
	out := news.Copy()
	var defaulted []string
	if c.on(m, factDefaults) {
		defaulted = applyDefaults(m.defaults, out)
	}
	nameAttr, prefixAttr := m.naming()
	name := resource.PropertyKey(nameAttr)
	if m.autoname > 0 && !out.HasValue(name) {
		oldDefaults := strs(olds, "__defaults")
		if olds.HasValue(name) && !out.HasValue(resource.PropertyKey(prefixAttr)) && (len(oldDefaults) == 0 || contains(oldDefaults, nameAttr)) {
			out[name] = olds[name]
		} else {
			c.mu.Lock()
			generation := c.creates[urn]
			c.mu.Unlock()
			put(out, nameAttr, autoname(urn, str(out, prefixAttr), m, generation))
		}
		defaulted = append(defaulted, nameAttr)
	}
	sort.Strings(defaulted)
	vals := make([]any, len(defaulted))
	for i, d := range defaulted {
		vals[i] = d
	}
	put(out, "__defaults", vals)
	if m.tagged {
		// pulumi-aws's applyTags: the checked inputs carry the planned tags_all.
		out["tagsAll"], _ = c.plannedTagsAll(out["tags"])
	}
	var failures []string
	if m.validate != nil && !out.ContainsUnknowns() {
		failures = m.validate(out)
	}
	return out, failures, nil
}

// applyDefaults fills in schema defaults ("attr" or "block.attr") and returns the
// top-level keys it set.
func applyDefaults(defaults map[string]any, in resource.PropertyMap) []string {
	var set []string
	for key, v := range defaults {
		if block, attr, nested := strings.Cut(key, "."); nested {
			if b := obj(in, block); b != nil && !b.HasValue(resource.PropertyKey(attr)) {
				put(b, attr, v)
			}
			continue
		}
		if !in.HasValue(resource.PropertyKey(key)) {
			put(in, key, v)
			set = append(set, key)
		}
	}
	return set
}

// autoname is `<prefix or logical name>-<7 hex>`, cut to the type's length limit; the hex
// depends on the URN and on how many objects it had before.
func autoname(urn resource.URN, prefix string, m *model, generation int) string {
	base := prefix
	if base == "" {
		base = urn.Name() + "-"
	}
	suffix := hexOf(7, string(urn.Stack()), string(urn.QualifiedType()), urn.Name(), "autoname", fmt.Sprint(generation))
	if len(base)+len(suffix) > m.autoname {
		base = base[:m.autoname-len(suffix)]
	}
	name := base + suffix
	if m.lower {
		name = strings.ToLower(name)
	}
	return name
}

// DiffResult is the plan for one resource.
type DiffResult struct {
	Changed             []string // top-level attributes that change
	Replaces            []string // those that force a replacement
	DeleteBeforeReplace bool     // the old object must go first (an explicit name would clash)
}

// Diff plans the checked inputs against the stored state of object id, as the provider's
// plan does.
func (c *Cloud) Diff(urn resource.URN, id string, state, oldInputs, news resource.PropertyMap) DiffResult {
	m, err := modelOf(urn)
	if err != nil {
		// Without a model nothing can be planned; replacing is the honest answer.
		return DiffResult{Changed: []string{"__meta"}, Replaces: []string{"__meta"}}
	}
	keys := unionKeys(news, oldInputs, state)
	var changed []string
	for _, k := range sortedPropertyKeys(keys) {
		if isReserved(k) || (m.tagged && k == "tagsAll") {
			continue // tags_all is planned by SetTagsDiff, below
		}
		if !c.attributeChanges(m, id, k, state, oldInputs, news) {
			continue
		}
		changed = append(changed, string(k))
	}
	var replaces []string
	if c.on(m, factForceNew) {
		for _, k := range changed {
			if m.isForceNew(k) {
				replaces = append(replaces, k)
			}
		}
	}
	if len(changed) > 0 {
		for _, r := range m.rules {
			if r.customize != nil && c.on(m, r.name) {
				replaces = append(replaces, r.customize(c, state, news, changed)...)
			}
		}
	}
	if m.tagged && c.tagsAllChanges(state, news) {
		// After the CustomizeDiffs: tags_all is Computed and never forces a replacement.
		changed = append(changed, "tagsAll")
		sort.Strings(changed)
	}
	replaces = dedupe(replaces)
	nameAttr, _ := m.naming()
	named := news.HasValue(resource.PropertyKey(nameAttr)) && !contains(strs(news, "__defaults"), nameAttr)
	return DiffResult{
		Changed:             changed,
		Replaces:            replaces,
		DeleteBeforeReplace: len(replaces) > 0 && m.autoname > 0 && named,
	}
}

// attributeChanges decides one attribute of the plan.
func (c *Cloud) attributeChanges(m *model, id string, k resource.PropertyKey, state, oldInputs, news resource.PropertyMap) bool {
	n, s := news[k], state[k]
	for _, r := range m.rules {
		if r.same != nil && r.attr == string(k) && c.on(m, r.name) && !n.ContainsUnknowns() && r.same(s, n, news) {
			return false
		}
	}
	if !n.HasValue() {
		// Left out of the program. Optional+Computed, or computed only: the stored value
		// stands. Otherwise SDKv2 plans a removal, a change if something is stored.
		if c.on(m, factComputed) && contains(m.computed, string(k)) {
			return false
		}
		if c.isOutput(id, k) {
			return false
		}
		return !isZero(s)
	}
	if n.ContainsUnknowns() {
		return true
	}
	if c.on(m, factSets) && contains(m.sets, string(k)) {
		return !coversSet(s, n)
	}
	return !covers(s, n)
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// Create makes the object and returns its id and what the provider stores: the inputs,
// what AWS computes, then what Read makes of them. In preview the computed values are
// unknown and nothing is made. It is CreateWithTimeout with the resource's default timeout.
func (c *Cloud) Create(urn resource.URN, inputs resource.PropertyMap, preview bool) (string, resource.PropertyMap, error) {
	return c.CreateWithTimeout(urn, inputs, preview, 0)
}

// CreateWithTimeout is Create with the operation's custom timeout, customTimeouts.create,
// which the engine passes in CreateRequest.Timeout (0: the resource's default). The
// provider's waiters give up after it. A failure after the provider made the object, such
// as a waiter's timeout, is an *InitError: the id and the state are returned with it, and
// the Cloud holds the object.
func (c *Cloud) CreateWithTimeout(urn resource.URN, inputs resource.PropertyMap, preview bool, timeout time.Duration) (string, resource.PropertyMap, error) {
	m, err := modelOf(urn)
	if err != nil {
		return "", nil, err
	}
	c.mu.Lock()
	generation := c.creates[urn] + 1
	if !preview {
		c.creates[urn] = generation
	}
	c.mu.Unlock()

	in := withoutReserved(inputs)
	id, computed, err := m.create(&op{c: c, urn: urn, in: in, generation: generation, preview: preview})
	if err != nil {
		return "", nil, err
	}
	outs := in.Copy()
	outputs := map[resource.PropertyKey]bool{"tagsAll": true}
	for k, v := range computed {
		if in.HasValue(resource.PropertyKey(k)) {
			continue // what the program set wins
		}
		outputs[resource.PropertyKey(k)] = true
		if preview {
			outs[resource.PropertyKey(k)] = resource.MakeComputed(resource.NewStringProperty(""))
			continue
		}
		put(outs, k, v)
	}
	if m.tagged {
		c.tagsAll(outs, preview)
	}
	if preview {
		return "", outs, nil
	}
	if id == "" {
		return "", nil, fmt.Errorf("no id computed for %s", urn.Type())
	}
	if err := c.iamAuthorize(iamEvent{urn: urn, new: outs}); err != nil {
		c.mu.Lock()
		c.creates[urn]--
		c.mu.Unlock()
		return "", nil, err
	}
	if h := c.hook(urn); h.created != nil {
		if err := h.created(c, id, outs); err != nil {
			c.mu.Lock()
			c.creates[urn]--
			c.mu.Unlock()
			return "", nil, err
		}
	}
	// What the provider holds should it fail from here on: the planned values, with the id
	// it has set; its Read does not run.
	planned := in.Copy()
	if m.tagged {
		planned["tagsAll"] = outs["tagsAll"]
	}
	var failed error
	if h := c.hook(urn); h.applied != nil {
		failed = h.applied(c, &providerCall{id: id, state: outs, timeout: timeout})
	}
	c.readBack(m, outs)
	c.mu.Lock()
	c.live[urn]++
	c.objects[id] = &object{urn: urn, state: c.held(m, outs), outputs: outputs}
	c.mu.Unlock()
	if failed != nil {
		return id, planned, &InitError{ID: id, State: planned.Copy(), Err: failed}
	}
	return id, outs.Copy(), nil
}

// InitError is a Create or Update that failed after the provider made or changed the
// object in AWS: it had set the object's id (d.SetId) when a waiter gave up, as
// resourceServiceCreate's waitServiceStable does. The bridge answers such a failure with
// the id and the state the provider holds (initializationError in pkg/tfbridge/provider.go,
// a pulumirpc.ErrorResourceInitFailed detail), and the engine records the resource with its
// initialisation errors, so the next up updates it again.
type InitError struct {
	ID    string
	State resource.PropertyMap // what the provider holds: the planned values; its Read did not run
	Err   error                // the provider's error, e.g. "waiting for ECS Service (…) create: timeout while …"
}

func (e *InitError) Error() string { return e.Err.Error() }

func (e *InitError) Unwrap() error { return e.Err }

// ruleSetTagsDiff is verify.SetTagsDiff (internal/verify), the CustomizeDiff of every
// tagged resource: it plans tags_all as the provider's default_tags (aws:defaultTags)
// merged with the resource's own tags, which win on a key in both. pulumi-aws's applyTags
// (provider/tags.go), a PreCheckCallback, writes the same merge into the checked inputs.
// tags_all is Computed, so new default tags update every tagged object in place, and
// unchanged ones plan nothing.
const ruleSetTagsDiff = "provider verify.SetTagsDiff"

// SetDefaultTags sets the provider's default_tags, as Configure does from aws:defaultTags.
// Every provider instance configures the one Cloud, so the last one's tags apply: right for
// stacks with one aws provider, as this one has.
func (c *Cloud) SetDefaultTags(tags map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.defaultTags = maps.Clone(tags)
}

// DefaultTags returns the provider's default_tags as SetDefaultTags last set them.
func (c *Cloud) DefaultTags() map[string]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.defaultTags)
}

// tagsAllChanges reports whether the planned tags_all differs from the stored one: new
// default tags, or tags of the resource's own. Unknown tags plan an unknown tags_all, a
// change. Maps compare whole: a removed key is a change.
func (c *Cloud) tagsAllChanges(state, news resource.PropertyMap) bool {
	planned, known := c.plannedTagsAll(news["tags"])
	return !known || !unwrap(state["tagsAll"]).DeepEquals(planned)
}

// plannedTagsAll is tags_all for the given tags: the default tags merged in, unless the
// rule is off. known is false while the tags are unknown.
func (c *Cloud) plannedTagsAll(tags resource.PropertyValue) (planned resource.PropertyValue, known bool) {
	if tags.ContainsUnknowns() {
		return resource.MakeComputed(resource.NewStringProperty("")), false
	}
	all := resource.PropertyMap{}
	c.mu.Lock()
	if !c.off[ruleSetTagsDiff] {
		for k, v := range c.defaultTags {
			all[resource.PropertyKey(k)] = resource.NewStringProperty(v)
		}
	}
	c.mu.Unlock()
	if tags = unwrap(tags); tags.IsObject() {
		for k, v := range tags.ObjectValue() {
			all[k] = v
		}
	}
	return resource.NewObjectProperty(all), true
}

// tagsAll stores the computed tags_all (SetTagsDiff's plan, which Read returns).
func (c *Cloud) tagsAll(outs resource.PropertyMap, preview bool) {
	planned, known := c.plannedTagsAll(outs["tags"])
	if !known && !preview {
		planned = resource.NewObjectProperty(resource.PropertyMap{})
	}
	outs["tagsAll"] = planned
}

// readBack applies the model's Read rules to the state about to be stored.
func (c *Cloud) readBack(m *model, state resource.PropertyMap) {
	for _, r := range m.rules {
		if r.read != nil && c.on(m, r.name) {
			r.read(c, state)
		}
	}
}

// held is what AWS holds of an object whose state the provider stores as outs: outs, with
// the model's refreshed rules applied (a copy, when there are any). Called with c.mu held.
func (c *Cloud) held(m *model, outs resource.PropertyMap) resource.PropertyMap {
	live, copied := outs, false
	for _, r := range m.rules {
		if r.refreshed == nil || c.off[m.tf+" "+r.name] {
			continue
		}
		if !copied {
			live, copied = outs.Copy(), true
		}
		r.refreshed(c, live)
	}
	return live
}

// Update changes the object in place: the new inputs replace the stored values, an input
// the program dropped is removed unless Optional+Computed, and Read runs again. It is
// UpdateWithTimeout with the resource's default timeout.
func (c *Cloud) Update(urn resource.URN, id string, state, oldInputs, news resource.PropertyMap, preview bool) (resource.PropertyMap, error) {
	return c.UpdateWithTimeout(urn, id, state, oldInputs, news, preview, 0)
}

// UpdateWithTimeout is Update with the operation's custom timeout, customTimeouts.update,
// which the engine passes in UpdateRequest.Timeout (0: the resource's default). A failure
// after the provider changed the object, such as a waiter's timeout, is an *InitError with
// the state the provider holds.
func (c *Cloud) UpdateWithTimeout(urn resource.URN, id string, state, oldInputs, news resource.PropertyMap, preview bool, timeout time.Duration) (resource.PropertyMap, error) {
	m, err := modelOf(urn)
	if err != nil {
		return nil, err
	}
	// The provider's Update ends with its Read, which stores what AWS holds now: start from
	// the live object (an Elastic IP another resource associated since, say), not from the
	// state the engine last stored.
	outs := state.Copy()
	if live := c.objectState(id); live != nil {
		outs = live
	}
	for k, v := range withoutReserved(news) {
		outs[k] = v
	}
	for k := range oldInputs {
		if !isReserved(k) && !news.HasValue(k) && !contains(m.computed, string(k)) {
			delete(outs, k)
		}
	}
	if m.tagged {
		c.tagsAll(outs, preview)
	}
	if preview {
		for _, r := range m.rules {
			if r.unknown != nil && c.on(m, r.name) {
				for _, k := range r.unknown(state, news) {
					outs[resource.PropertyKey(k)] = resource.MakeComputed(resource.NewStringProperty(""))
				}
			}
		}
		return outs, nil
	}
	if err := c.iamAuthorize(iamEvent{urn: urn, old: state, new: outs}); err != nil {
		return nil, err
	}
	if h := c.hook(urn); h.updated != nil {
		if err := h.updated(c, id, state, outs); err != nil {
			return nil, err
		}
	}
	planned := outs.Copy() // what the provider holds should it fail from here on
	var failed error
	if h := c.hook(urn); h.applied != nil {
		changed := c.Diff(urn, id, state, oldInputs, news).Changed
		failed = h.applied(c, &providerCall{id: id, old: state, changed: changed, state: outs, timeout: timeout})
	}
	c.readBack(m, outs)
	c.mu.Lock()
	var outputs map[resource.PropertyKey]bool
	if o, ok := c.objects[id]; ok {
		outputs = o.outputs
	}
	c.objects[id] = &object{urn: urn, state: c.held(m, outs), outputs: outputs}
	c.mu.Unlock()
	if failed != nil {
		return planned, &InitError{ID: id, State: planned.Copy(), Err: failed}
	}
	return outs.Copy(), nil
}

// Read returns the object as the Cloud holds it (refresh, or a resource read by id).
func (c *Cloud) Read(id string) (resource.PropertyMap, bool) {
	s := c.objectState(id)
	return s, s != nil
}

// isOutput reports whether attribute k of object id is one AWS computed.
func (c *Cloud) isOutput(id string, k resource.PropertyKey) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	o, ok := c.objects[id]
	return ok && o.outputs[k]
}

func (c *Cloud) objectState(id string) resource.PropertyMap {
	c.mu.Lock()
	defer c.mu.Unlock()
	if o, ok := c.objects[id]; ok {
		return o.state.Copy()
	}
	return nil
}

// liveOfType returns the state of every live object of a type, by id.
func (c *Cloud) liveOfType(typ tokens.Type) map[string]resource.PropertyMap {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]resource.PropertyMap{}
	for id, o := range c.objects {
		if o.urn.Type() == typ {
			out[id] = o.state
		}
	}
	return out
}

// taken reports whether a live object of a type has this value of attr: AWS refuses a
// second load balancer, target group or log group of one name.
func (c *Cloud) taken(typ tokens.Type, attr, value string) bool {
	for _, other := range c.liveOfType(typ) {
		if str(other, attr) == value {
			return true
		}
	}
	return false
}

// Delete removes the object. Deleting something never created is an engine bug worth
// failing on.
func (c *Cloud) Delete(urn resource.URN, id string) error {
	if state := c.objectState(id); state != nil {
		if err := c.iamAuthorize(iamEvent{urn: urn, old: state}); err != nil {
			return err
		}
	}
	if h := c.hook(urn); h.deleting != nil {
		if state := c.objectState(id); state != nil {
			if err := h.deleting(c, id, state); err != nil {
				return err
			}
		}
	}
	c.mu.Lock()
	if c.live[urn] <= 0 {
		c.mu.Unlock()
		return fmt.Errorf("Delete %s (id %s): no such object was created", urn, id)
	}
	c.live[urn]--
	var state resource.PropertyMap
	if o, ok := c.objects[id]; ok {
		state = o.state
	}
	if c.live[urn] == 0 {
		// Only now: a replacement may have reused the id (a task definition's is its family).
		delete(c.objects, id)
	}
	c.mu.Unlock()
	if h := c.hook(urn); h.deleted != nil && state != nil {
		h.deleted(c, id, state)
	}
	return nil
}

// LiveURNs are the URNs the Cloud holds an object for.
func (c *Cloud) LiveURNs() []resource.URN {
	c.mu.Lock()
	defer c.mu.Unlock()
	var urns []resource.URN
	for urn, n := range c.live {
		if n > 0 {
			urns = append(urns, urn)
		}
	}
	return urns
}

// Live lists the URNs the Cloud still holds an object for.
func (c *Cloud) Live() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var urns []string
	for urn, n := range c.live {
		if n != 0 {
			urns = append(urns, fmt.Sprintf("%s (%d)", urn, n))
		}
	}
	sort.Strings(urns)
	return urns
}

// Seed makes an object that exists in the account but not in any stack the test runs:
// it is found by look-ups and counts against quotas, and no stack deletes it.
func (c *Cloud) Seed(typ tokens.Type, name string, in map[string]any) (string, error) {
	urn := resource.NewURN("elsewhere", "account", "", typ, name)
	checked, failures, err := c.Check(urn, nil, resource.NewPropertyMapFromMap(in))
	if err != nil || len(failures) > 0 {
		return "", fmt.Errorf("seeding %s: %v %v", urn, err, failures)
	}
	id, _, err := c.Create(urn, checked, false)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	c.live[urn]-- // not the test stack's: Live does not list it
	c.mu.Unlock()
	return id, nil
}

// objectHook is what creating, updating or deleting an object does to other AWS objects
// (the network interfaces of a load balancer, an Elastic IP's association).
type objectHook struct {
	created func(c *Cloud, id string, state resource.PropertyMap) error
	updated func(c *Cloud, id string, old, new resource.PropertyMap) error
	deleted func(c *Cloud, id string, state resource.PropertyMap)
	// deleting may refuse the delete, as AWS does (a bucket that is not empty).
	deleting func(c *Cloud, id string, state resource.PropertyMap) error
	// applied is the rest of the provider's Create or Update once the object exists in AWS
	// (after created or updated; never in preview): what AWS then does with it, and the
	// provider's wait for it (waitServiceStable). It may change the state the provider's
	// Read stores next to what AWS settled on. Its error fails the operation with the
	// object in AWS all the same: an InitError.
	applied func(c *Cloud, call *providerCall) error
}

// providerCall is a Create (old is nil) or an Update of object id, as applied sees it.
type providerCall struct {
	id      string
	old     resource.PropertyMap // an update's stored state
	changed []string             // the attributes an update's plan changes: what the provider's d.HasChange sees
	state   resource.PropertyMap // what the provider's Read stores next; applied may change it
	timeout time.Duration        // the operation's custom timeout; 0: the resource's default
}

var hooks = map[tokens.Type]objectHook{} // by type token

func (c *Cloud) hook(urn resource.URN) objectHook { return hooks[urn.Type()] }

// hexOf is the stand-in's deterministic "randomness": n hex digits from the parts.
func hexOf(n int, parts ...string) string {
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

func uuid(h string) string {
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[:8], h[8:12], h[12:16], h[16:20], h[20:32])
}

// Caller is the identity the stand-in's callers act as (aws_caller_identity's arn).
const Caller = "arn:aws:iam::" + Account + ":user/engine-test"

// Deny takes an IAM action away from the caller, e.g. "ec2:DescribeVpcs": every call that
// needs it then fails as AWS answers a caller without the permission.
func (c *Cloud) Deny(action string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.denied[action] = "denied"
}

// Throttle makes every call of an action fail as AWS throttles it, after the SDK's
// retries: RequestLimitExceeded.
func (c *Cloud) Throttle(action string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.denied[action] = "throttled"
}

// authorize is the answer of AWS to a call needing action: nil, or the error the SDK
// returns, which names the operation and AWS's error code: for a missing permission,
// EC2's UnauthorizedOperation or most services' AccessDeniedException, naming the action.
func (c *Cloud) authorize(action string) error {
	c.mu.Lock()
	why := c.denied[action]
	c.mu.Unlock()
	service, op, _ := strings.Cut(action, ":")
	prefix := fmt.Sprintf("operation error %s: %s, ", sdkServiceName(service), op)
	switch {
	case why == "throttled":
		return fmt.Errorf("%sexceeded maximum number of attempts, 25, https response error StatusCode: 503, RequestID: %s, api error RequestLimitExceeded: Request limit exceeded.", prefix, uuid(hexOf(32, action)))
	case why == "denied" && service == "ec2":
		return fmt.Errorf("%shttps response error StatusCode: 403, RequestID: %s, api error UnauthorizedOperation: You are not authorized to perform this operation. User: %s is not authorized to perform: %s", prefix, uuid(hexOf(32, action)), Caller, action)
	case why == "denied":
		return fmt.Errorf("%shttps response error StatusCode: 400, RequestID: %s, api error AccessDeniedException: User: %s is not authorized to perform: %s", prefix, uuid(hexOf(32, action)), Caller, action)
	}
	return nil
}

// sdkServiceName is a service as the AWS SDK for Go names it in errors.
func sdkServiceName(iamPrefix string) string {
	switch iamPrefix {
	case "ec2":
		return "EC2"
	case "servicequotas":
		return "Service Quotas"
	}
	return iamPrefix
}
