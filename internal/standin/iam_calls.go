package standin

// The IAM side of a deploy: every call the provider makes that IAM authorizes with an
// IAM permission, recorded with the request context IAM populates for it, so a test can
// evaluate a deployer's policy against exactly what the stack did. With ActAs, the
// Cloud also answers each such call as IAM would for a caller holding that policy.
//
// What is recorded, by resource (terraform-provider-aws internal/service/iam role.go,
// role_policy.go, role_policy_attachment.go; ecs task_definition.go, service.go; ec2
// vpc_flow_log.go):
//   - aws_iam_role: CreateRole (and TagRole when it is created with tags: IAM's CreateRole
//     needs both), then the Read that ends every Create and Update: GetRole,
//     ListRolePolicies, ListAttachedRolePolicies. An update calls UpdateAssumeRolePolicy,
//     UpdateRole, PutRolePermissionsBoundary or DeleteRolePermissionsBoundary, TagRole or
//     UntagRole for what changed; a delete ListInstanceProfilesForRole, then DeleteRole
//     (DeleteRole; force_detach_policies is off).
//   - aws_iam_role_policy: PutRolePolicy and GetRolePolicy; DeleteRolePolicy.
//   - aws_iam_role_policy_attachment: AttachRolePolicy and ListAttachedRolePolicies;
//     DetachRolePolicy.
//   - iam:PassRole, which a service checks when it is handed a role: ECS when a task
//     definition naming an execution or task role is registered, and when a service is
//     created or updated to run one (the roles go to ecs-tasks.amazonaws.com); EC2 when a
//     flow log delivers through a role (vpc-flow-logs.amazonaws.com). IAM User Guide,
//     "Granting a user permissions to pass a role to an AWS service".
//
// The context keys are those the IAM Service Authorization Reference lists for each
// action: iam:PermissionsBoundary on CreateRole and PutRolePermissionsBoundary (the
// boundary in the request) and on PutRolePolicy, DeleteRolePolicy, AttachRolePolicy,
// DetachRolePolicy and DeleteRolePermissionsBoundary (the boundary the role has);
// iam:PolicyARN on AttachRolePolicy and DetachRolePolicy; iam:PassedToService on
// PassRole. A key IAM does not populate for an action is absent, as in IAM.

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/example/nlb-alb-fargate/internal/iampolicy"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// IAMCall is one call IAM authorized, as the stand-in saw it.
type IAMCall struct {
	URN      resource.URN // the resource whose Create, Update or Delete made it
	Action   string       // e.g. iam:CreateRole
	Resource string       // the ARN IAM authorizes it on
	Context  map[string][]string
}

// Request is the call as the policy evaluator takes it.
func (c IAMCall) Request() iampolicy.Request {
	return iampolicy.Request{Action: c.Action, Resource: c.Resource, Context: c.Context}
}

func (c IAMCall) String() string {
	var ctx []string
	for _, k := range slices.Sorted(maps.Keys(c.Context)) {
		ctx = append(ctx, k+"="+strings.Join(c.Context[k], ","))
	}
	return fmt.Sprintf("%s on %s [%s] (%s)", c.Action, c.Resource, strings.Join(ctx, " "), c.URN.Name())
}

// Rules of the request context, switched off by tests that prove each bites.
const (
	// ruleBoundaryInRequest: CreateRole and PutRolePermissionsBoundary carry the boundary
	// being set as iam:PermissionsBoundary.
	ruleBoundaryInRequest = "IAM iam:PermissionsBoundary: the boundary in a CreateRole or PutRolePermissionsBoundary request"
	// ruleBoundaryOfRole: the actions on a role's policies carry the role's current
	// boundary as iam:PermissionsBoundary (absent when it has none).
	ruleBoundaryOfRole = "IAM iam:PermissionsBoundary: the role's boundary on PutRolePolicy, DeleteRolePolicy, AttachRolePolicy, DetachRolePolicy"
	// rulePassRole: ECS and VPC Flow Logs check iam:PassRole of the roles they are given.
	rulePassRole = "IAM iam:PassRole: ECS task definitions and services, VPC flow logs"
	// ruleBoundaryExists: IAM refuses a role whose permissions boundary is no managed
	// policy of the account (CreateRole, PutRolePermissionsBoundary: NoSuchEntity).
	ruleBoundaryExists = "IAM CreateRole: the permissions boundary must be an existing managed policy"
)

// iamRuleIDs are the request-context rules, listed by RuleIDs.
var iamRuleIDs = []string{ruleBoundaryInRequest, ruleBoundaryOfRole, rulePassRole, ruleBoundaryExists}

// ruleOn reports whether a rule that belongs to no single model is on.
func (c *Cloud) ruleOn(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.off[id]
}

// IAMCalls returns every IAM call recorded so far, in order.
func (c *Cloud) IAMCalls() []IAMCall {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.iamCalls)
}

// ActAs makes the Cloud answer every IAM call as IAM would for a caller whose only
// identity policy is doc: a call it does not allow fails with AccessDenied, as the
// provider reports it.
func (c *Cloud) ActAs(doc iampolicy.Document) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.callerPolicy = &doc
}

// iamEvent is what a Create, Update or Delete did to one object, for the IAM calls it
// took.
type iamEvent struct {
	urn      resource.URN
	old, new resource.PropertyMap // nil old: a create; nil new: a delete
}

// iamCallers give the IAM calls of each resource type's lifecycle.
var iamCallers = map[tokens.Type]func(c *Cloud, ev iamEvent) []IAMCall{
	TypeIamRole:                 roleCalls,
	TypeIamRolePolicy:           rolePolicyCalls,
	TypeIamRolePolicyAttachment: attachmentCalls,
	TypeEcsTaskDefinition:       taskDefinitionCalls,
	TypeEcsService:              serviceCalls,
	TypeFlowLog:                 flowLogCalls,
}

// iamAuthorize works out the IAM calls of an event, answers them as IAM would for the
// caller (ActAs) and records them. It fails on the first call IAM refuses.
func (c *Cloud) iamAuthorize(ev iamEvent) (err error) {
	callsOf, ok := iamCallers[ev.urn.Type()]
	if !ok {
		return nil
	}
	calls := callsOf(c, ev)
	for i := range calls {
		calls[i].URN = ev.urn
	}
	c.mu.Lock()
	policy := c.callerPolicy
	c.mu.Unlock()
	if ev.urn.Type() == TypeIamRole && ev.new != nil && str(ev.new, "permissionsBoundary") != str(ev.old, "permissionsBoundary") {
		defer func() {
			if err == nil {
				err = c.checkBoundaryExists(ev.new)
			}
		}()
	}
	for _, call := range calls {
		c.mu.Lock()
		c.iamCalls = append(c.iamCalls, call)
		c.mu.Unlock()
		if policy == nil {
			continue
		}
		if res := policy.Evaluate(call.Request()); !res.Allowed() {
			why := "because no identity-based policy allows the " + call.Action + " action"
			if res.Decision == iampolicy.ExplicitDeny {
				why = "with an explicit deny in an identity-based policy"
			}
			service, op, _ := strings.Cut(call.Action, ":")
			return fmt.Errorf("operation error %s: %s, https response error StatusCode: 403, RequestID: %s, api error AccessDenied: User: %s is not authorized to perform: %s on resource: %s %s",
				strings.ToUpper(service), op, uuid(hexOf(32, call.String())), Caller, call.Action, call.Resource, why)
		}
	}
	return nil
}

// roleByName returns the live role of that name, or nil.
func (c *Cloud) roleByName(name string) resource.PropertyMap {
	for _, r := range c.liveOfType(TypeIamRole) {
		if str(r, "name") == name {
			return r
		}
	}
	return nil
}

// roleArnAndBoundary is a role's ARN and, under ruleBoundaryOfRole, its boundary as the
// request context of an action on its policies.
func (c *Cloud) roleArnAndBoundary(name string) (string, map[string][]string) {
	role := c.roleByName(name)
	arn := str(role, "arn")
	if arn == "" {
		arn = fmt.Sprintf("arn:aws:iam::%s:role/%s", Account, name)
	}
	ctx := map[string][]string{}
	if b := str(role, "permissionsBoundary"); b != "" && c.ruleOn(ruleBoundaryOfRole) {
		ctx["iam:PermissionsBoundary"] = []string{b}
	}
	return arn, ctx
}

func withKey(ctx map[string][]string, key, value string) map[string][]string {
	out := maps.Clone(ctx)
	if out == nil {
		out = map[string][]string{}
	}
	out[key] = []string{value}
	return out
}

func roleCalls(c *Cloud, ev iamEvent) []IAMCall {
	if ev.new == nil {
		arn := str(ev.old, "arn")
		return []IAMCall{{Action: "iam:ListInstanceProfilesForRole", Resource: arn}, {Action: "iam:DeleteRole", Resource: arn}}
	}
	arn := str(ev.new, "arn")
	boundaryCtx := func(b string) map[string][]string {
		if b == "" || !c.ruleOn(ruleBoundaryInRequest) {
			return map[string][]string{}
		}
		return map[string][]string{"iam:PermissionsBoundary": {b}}
	}
	var calls []IAMCall
	if ev.old == nil {
		calls = append(calls, IAMCall{Action: "iam:CreateRole", Resource: arn, Context: boundaryCtx(str(ev.new, "permissionsBoundary"))})
		if len(tagsAllOf(ev.new)) > 0 {
			calls = append(calls, IAMCall{Action: "iam:TagRole", Resource: arn})
		}
	} else {
		if str(ev.old, "assumeRolePolicy") != str(ev.new, "assumeRolePolicy") {
			calls = append(calls, IAMCall{Action: "iam:UpdateAssumeRolePolicy", Resource: arn})
		}
		if str(ev.old, "description") != str(ev.new, "description") || number(ev.old, "maxSessionDuration") != number(ev.new, "maxSessionDuration") {
			calls = append(calls, IAMCall{Action: "iam:UpdateRole", Resource: arn})
		}
		switch old, b := str(ev.old, "permissionsBoundary"), str(ev.new, "permissionsBoundary"); {
		case b != "" && b != old:
			calls = append(calls, IAMCall{Action: "iam:PutRolePermissionsBoundary", Resource: arn, Context: boundaryCtx(b)})
		case b == "" && old != "":
			ctx := map[string][]string{}
			if c.ruleOn(ruleBoundaryOfRole) {
				ctx["iam:PermissionsBoundary"] = []string{old}
			}
			calls = append(calls, IAMCall{Action: "iam:DeleteRolePermissionsBoundary", Resource: arn, Context: ctx})
		}
		oldTags, newTags := tagsAllOf(ev.old), tagsAllOf(ev.new)
		for k, v := range newTags {
			if oldTags[k] != v {
				calls = append(calls, IAMCall{Action: "iam:TagRole", Resource: arn})
				break
			}
		}
		for k := range oldTags {
			if _, kept := newTags[k]; !kept {
				calls = append(calls, IAMCall{Action: "iam:UntagRole", Resource: arn})
				break
			}
		}
	}
	// The Read that ends every Create and Update (resourceRoleRead).
	return append(calls, IAMCall{Action: "iam:GetRole", Resource: arn}, IAMCall{Action: "iam:ListRolePolicies", Resource: arn},
		IAMCall{Action: "iam:ListAttachedRolePolicies", Resource: arn})
}

// tagsAllOf is an object's tags_all: its own tags and the provider's default tags.
func tagsAllOf(m resource.PropertyMap) map[string]any {
	return tagsOf(resource.PropertyMap{"tags": m["tagsAll"]})
}

func rolePolicyCalls(c *Cloud, ev iamEvent) []IAMCall {
	if ev.new == nil {
		arn, ctx := c.roleArnAndBoundary(str(ev.old, "role"))
		return []IAMCall{{Action: "iam:DeleteRolePolicy", Resource: arn, Context: ctx}}
	}
	arn, ctx := c.roleArnAndBoundary(str(ev.new, "role"))
	return []IAMCall{{Action: "iam:PutRolePolicy", Resource: arn, Context: ctx}, {Action: "iam:GetRolePolicy", Resource: arn}}
}

func attachmentCalls(c *Cloud, ev iamEvent) []IAMCall {
	if ev.new == nil {
		arn, ctx := c.roleArnAndBoundary(str(ev.old, "role"))
		return []IAMCall{{Action: "iam:DetachRolePolicy", Resource: arn, Context: withKey(ctx, "iam:PolicyARN", str(ev.old, "policyArn"))}}
	}
	arn, ctx := c.roleArnAndBoundary(str(ev.new, "role"))
	return []IAMCall{{Action: "iam:AttachRolePolicy", Resource: arn, Context: withKey(ctx, "iam:PolicyARN", str(ev.new, "policyArn"))},
		{Action: "iam:ListAttachedRolePolicies", Resource: arn}}
}

// passRoles is iam:PassRole of each role ARN to a service.
func (c *Cloud) passRoles(service string, roles ...string) []IAMCall {
	if !c.ruleOn(rulePassRole) {
		return nil
	}
	var calls []IAMCall
	for _, r := range roles {
		if r != "" {
			calls = append(calls, IAMCall{Action: "iam:PassRole", Resource: r, Context: map[string][]string{"iam:PassedToService": {service}}})
		}
	}
	return calls
}

func taskDefinitionCalls(c *Cloud, ev iamEvent) []IAMCall {
	if ev.new == nil || ev.old != nil {
		return nil // deregistering passes nothing; tags are the only update
	}
	return c.passRoles("ecs-tasks.amazonaws.com", str(ev.new, "executionRoleArn"), str(ev.new, "taskRoleArn"))
}

func serviceCalls(c *Cloud, ev iamEvent) []IAMCall {
	if ev.new == nil || (ev.old != nil && str(ev.old, "taskDefinition") == str(ev.new, "taskDefinition")) {
		return nil
	}
	for _, td := range c.liveOfType(TypeEcsTaskDefinition) {
		if str(td, "arn") == str(ev.new, "taskDefinition") {
			return c.passRoles("ecs-tasks.amazonaws.com", str(td, "executionRoleArn"), str(td, "taskRoleArn"))
		}
	}
	return nil
}

func flowLogCalls(c *Cloud, ev iamEvent) []IAMCall {
	if ev.new == nil || ev.old != nil {
		return nil
	}
	return c.passRoles("vpc-flow-logs.amazonaws.com", str(ev.new, "iamRoleArn"))
}

// checkBoundaryExists is IAM's refusal of a boundary that is no managed policy of the
// account: "NoSuchEntity: Scope ARN: … does not exist or is not attachable."
func (c *Cloud) checkBoundaryExists(state resource.PropertyMap) error {
	b := str(state, "permissionsBoundary")
	if b == "" || !c.ruleOn(ruleBoundaryExists) {
		return nil
	}
	if strings.HasPrefix(b, "arn:aws:iam::aws:policy/") {
		return nil // an AWS managed policy
	}
	for _, p := range c.liveOfType(TypeIamPolicy) {
		if str(p, "arn") == b {
			return nil
		}
	}
	return fmt.Errorf("creating IAM Role (%s): operation error IAM: CreateRole, https response error StatusCode: 404, RequestID: %s, NoSuchEntity: Scope ARN: %s does not exist or is not attachable.",
		str(state, "name"), uuid(hexOf(32, b)), b)
}
