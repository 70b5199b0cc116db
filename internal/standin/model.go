package standin

// What the stand-in knows of each resource type: the schema facts of the provider that
// decide a plan (ForceNew, Optional+Computed, TypeSet, defaults), what AWS computes on
// create, and named rules for everything else the provider does (what Read stores,
// DiffSuppressFunc/StateFunc equivalences, CustomizeDiff). Each rule names the
// terraform-provider-aws function it models; the versions are those pulumi-aws v6.83.2
// is built on (terraform-provider-aws v5.100.0).

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// ProviderVersion is the pulumi-aws release whose provider source these models describe:
// pulumi-aws v6.83.2 is built on terraform-provider-aws v5.100.0, and every rule names a
// function of that source. When go.mod moves github.com/pulumi/pulumi-aws/sdk/v6 to another
// release, re-check the rules against that release's provider (and its
// terraform-provider-aws) before changing this; the harness's TestProviderVersionIsGoMods
// fails until then.
const ProviderVersion = "v6.83.2"

// model is one resource type of the provider.
type model struct {
	tf     string // the Terraform resource, e.g. aws_lb
	source string // its file in terraform-provider-aws, e.g. internal/service/elbv2/load_balancer.go

	// Schema facts, each a rule of its own (see RuleIDs) so a test can switch it off.
	forceNew []string       // top-level attributes whose change replaces the resource; "*": all but notNew
	notNew   []string       // with "*": the attributes that do not (tags, skipDestroy, …)
	computed []string       // Optional+Computed: left out of the inputs, the stored value stands
	sets     []string       // TypeSet: compared without order
	defaults map[string]any // schema Default values Check fills in (nested: "block.attr")

	autoname int    // >0: Pulumi auto-names `name` (or nameAttr), up to this many characters
	nameAttr string // the auto-named attribute when it is not `name` (S3: `bucket`)
	lower    bool   // the auto-name is lowercased (ECR)
	tagged   bool   // has tags and the computed tagsAll

	// create returns the id and the values AWS computes for a new object. It may fail as
	// AWS would (a conflict with a live object).
	create func(o *op) (string, map[string]any, error)
	// validate is the schema's ValidateFuncs the program could break: Check failures.
	validate func(in resource.PropertyMap) []string

	rules []rule
}

// rule is one behaviour of the provider beyond its schema facts. Exactly one of read,
// refreshed, same, customize or unknown is set.
type rule struct {
	name string // the provider function modelled, e.g. "flattenSubnetMappingsFromAvailabilityZones"
	why  string // what it does to a plan, in one line

	// read changes what is stored after Create and Update: the provider's Read runs at
	// the end of both, so the state holds what AWS returns, not what was sent.
	read func(c *Cloud, state resource.PropertyMap)
	// refreshed changes only what AWS holds, which the provider's Read finds on the next
	// refresh: for a resource whose Create and Update store the planned values instead of
	// reading them back (most plugin-framework resources).
	refreshed func(c *Cloud, live resource.PropertyMap)
	// same is a DiffSuppressFunc or StateFunc: a stored and a planned value of attr that
	// it reports equal plan no change.
	attr string
	same func(state resource.PropertyValue, planned resource.PropertyValue, news resource.PropertyMap) bool
	// customize is a CustomizeDiff: given the stored state, the planned inputs and the
	// changed attributes, it returns attributes that force a replacement.
	customize func(c *Cloud, state, news resource.PropertyMap, changed []string) []string
	// unknown is a CustomizeDiff's SetNewComputed: given the stored state and the planned
	// inputs of an update, it returns computed attributes the plan shows as unknown (a new
	// S3 object version), so that what depends on them is planned to change too.
	unknown func(state, news resource.PropertyMap) []string
}

// models is every resource type the program registers, by type token.
var models = map[tokens.Type]*model{}

// register adds models; each file of this package registers its service's types.
func register(ms map[tokens.Type]*model) { addOnce(models, ms, "model") }

// addOnce adds entries to a registry; a key added twice is a mistake, not an override.
func addOnce[K ~string, V any](registry, add map[K]V, what string) {
	for k, v := range add {
		if _, dup := registry[k]; dup {
			panic("standin: " + what + " registered twice: " + string(k))
		}
		registry[k] = v
	}
}

// Schema-fact rule ids: "<tf type> <fact>", e.g. "aws_lb ForceNew".
const (
	factForceNew = "ForceNew"
	factComputed = "Optional+Computed"
	factSets     = "TypeSet"
	factDefaults = "Default"
)

// RuleIDs lists every rule the stand-in applies, as "<tf type> <rule or schema fact>".
func RuleIDs() []string {
	var ids []string
	for _, m := range models {
		if len(m.forceNew) > 0 {
			ids = append(ids, m.tf+" "+factForceNew)
		}
		if len(m.computed) > 0 {
			ids = append(ids, m.tf+" "+factComputed)
		}
		if len(m.sets) > 0 {
			ids = append(ids, m.tf+" "+factSets)
		}
		if len(m.defaults) > 0 {
			ids = append(ids, m.tf+" "+factDefaults)
		}
		for _, r := range m.rules {
			ids = append(ids, m.tf+" "+r.name)
		}
	}
	ids = append(ids, ruleSetTagsDiff)
	ids = append(ids, iamRuleIDs...)
	sort.Strings(ids)
	return ids
}

// ModelTokens are the type tokens of every modelled resource type, sorted.
func ModelTokens() []tokens.Type {
	out := make([]tokens.Type, 0, len(models))
	for t := range models {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// TerraformType returns the Terraform resource a Pulumi type token stands for.
func TerraformType(t tokens.Type) (string, bool) {
	m, ok := models[t]
	if !ok {
		return "", false
	}
	return m.tf, true
}

// Tagged reports whether resources of a type token have tags and the computed tags_all,
// which the provider's default tags reach.
func Tagged(t tokens.Type) bool {
	m, ok := models[t]
	return ok && m.tagged
}

// naming is the auto-named attribute and its prefix attribute: name and namePrefix, or
// e.g. bucket and bucketPrefix.
func (m *model) naming() (attr, prefix string) {
	if m.nameAttr != "" {
		return m.nameAttr, m.nameAttr + "Prefix"
	}
	return "name", "namePrefix"
}

func (m *model) isForceNew(attr string) bool {
	if len(m.forceNew) == 1 && m.forceNew[0] == "*" {
		return !contains(m.notNew, attr)
	}
	return contains(m.forceNew, attr)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// normalizeJSONRule is the attribute's StateFunc: a policy or other JSON document is
// stored as compact JSON with sorted keys, so the stored text is not the program's.
func normalizeJSONRule(attr, name string) rule {
	return rule{
		name: name,
		why:  "the stored JSON is normalised (compact, keys sorted), not the text the program sent",
		read: func(_ *Cloud, state resource.PropertyMap) {
			var v any
			if err := json.Unmarshal([]byte(str(state, attr)), &v); err == nil {
				put(state, attr, canonicalJSON(v))
			}
		},
	}
}

// op is what a create function sees: the checked inputs and a deterministic source of
// ids for this URN and creation.
type op struct {
	c          *Cloud
	urn        resource.URN
	in         resource.PropertyMap
	generation int  // which Create of this URN: replacements get new ids
	preview    bool // nothing is made: no conflicts, no side effects
}

// hex returns n hex digits that are stable for this URN, creation and salt.
func (o *op) hex(salt string, n int) string {
	// The URN without its project: the same stack of a project made from the template
	// under another name gets the same values (and the same snapshots).
	return hexOf(n, string(o.urn.Stack()), string(o.urn.QualifiedType()), o.urn.Name(), fmt.Sprint(o.generation), salt)
}

// digits returns n decimal digits that are stable for this URN, creation and salt.
func (o *op) digits(salt string, n int) string {
	h := o.hex(salt, 2*n)
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteByte('0' + (h[2*i]*16+h[2*i+1])%10)
	}
	return b.String()
}

// ec2ID is an EC2-style id: prefix, "-0", 16 hex digits (vpc-0abc…).
func (o *op) ec2ID(prefix string) string { return prefix + "-0" + o.hex(prefix, 16) }

func (o *op) arn(service, rest string) string {
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, o.c.Region(), Account, rest)
}

func (o *op) region() string { return o.c.Region() }

// lookup returns a live object's state by id, or nil.
func (o *op) lookup(id string) resource.PropertyMap {
	if id == "" {
		return nil
	}
	return o.c.objectState(id)
}
