package standin

// ECS (terraform-provider-aws internal/service/ecs): clusters and their capacity providers,
// task definitions (what ECS makes of container definitions), and services.

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// The Pulumi type tokens of the ECS models.
const (
	TypeEcsCluster                  tokens.Type = "aws:ecs/cluster:Cluster"
	TypeEcsClusterCapacityProviders tokens.Type = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
	TypeEcsTaskDefinition           tokens.Type = "aws:ecs/taskDefinition:TaskDefinition"
	TypeEcsService                  tokens.Type = "aws:ecs/service:Service"
)

func init() {
	hooks[TypeEcsService] = objectHook{updated: serviceUpdated, applied: serviceApplied, deleted: serviceDeleted}
	register(map[tokens.Type]*model{
		TypeEcsCluster: {
			tf: "aws_ecs_cluster", source: "internal/service/ecs/cluster.go",
			forceNew: []string{"name"},
			computed: []string{"name", "settings"},
			sets:     []string{"settings"},
			autoname: 255,
			tagged:   true,
			create: func(o *op) (string, map[string]any, error) {
				arn := o.arn("ecs", "cluster/"+str(o.in, "name"))
				return arn, map[string]any{"arn": arn, "settings": []any{map[string]any{"name": "containerInsights", "value": "disabled"}}}, nil
			},
			validate: func(in resource.PropertyMap) []string {
				if name := str(in, "name"); !validClusterName.MatchString(name) {
					return []string{fmt.Sprintf("name: %q must be 1 to 255 letters, digits, hyphens and underscores", name)}
				}
				return nil
			},
		},
		TypeEcsClusterCapacityProviders: {
			tf: "aws_ecs_cluster_capacity_providers", source: "internal/service/ecs/cluster_capacity_providers.go",
			forceNew: []string{"clusterName"},
			sets:     []string{"capacityProviders", "defaultCapacityProviderStrategies"},
			create: func(o *op) (string, map[string]any, error) {
				return str(o.in, "clusterName"), map[string]any{}, nil
			},
		},
		TypeEcsTaskDefinition: {
			tf: "aws_ecs_task_definition", source: "internal/service/ecs/task_definition.go",
			forceNew: []string{"*"}, // registered revisions are immutable
			notNew:   []string{"tags", "tagsAll", "skipDestroy", "trackLatest"},
			computed: []string{"networkMode", "enableFaultInjection"},
			sets:     []string{"requiresCompatibilities", "placementConstraints", "volumes", "inferenceAccelerators"},
			tagged:   true,
			create:   createTaskDefinition,
			validate: func(in resource.PropertyMap) []string {
				if f := str(in, "family"); !validTaskDefinitionFamily.MatchString(f) {
					return []string{fmt.Sprintf("family: %q must be 1 to 255 letters, digits, underscores and hyphens", f)}
				}
				return nil
			},
			rules: []rule{
				{
					name: "resourceTaskDefinitionRead",
					why:  "Read stores the container definitions ECS returns: sorted, with ECS's defaults filled in",
					read: func(_ *Cloud, state resource.PropertyMap) {
						if defs, err := parseContainerDefinitions(str(state, "containerDefinitions")); err == nil {
							put(state, "containerDefinitions", canonicalJSON(ecsFilledContainerDefinitions(defs, str(state, "networkMode") == "awsvpc")))
						}
					},
				},
				{
					name: "containerDefinitionsAreEquivalent", attr: "containerDefinitions",
					why: "container definitions equal after ECS's normalisation plan no new revision",
					same: func(s, n resource.PropertyValue, news resource.PropertyMap) bool {
						s, n = unwrap(s), unwrap(n)
						if !s.IsString() || !n.IsString() {
							return false
						}
						return containerDefinitionsAreEquivalent(s.StringValue(), n.StringValue(), str(news, "networkMode") == "awsvpc")
					},
				},
			},
		},
		TypeEcsService: {
			tf: "aws_ecs_service", source: "internal/service/ecs/service.go",
			forceNew: []string{"name", "cluster", "iamRole", "launchType", "schedulingStrategy", "deploymentController"},
			computed: []string{"cluster", "iamRole", "launchType", "platformVersion", "triggers"},
			sets:     []string{"capacityProviderStrategies", "loadBalancers", "placementConstraints"},
			defaults: map[string]any{
				"schedulingStrategy": "REPLICA", "deploymentMaximumPercent": 200, "deploymentMinimumHealthyPercent": 100,
				"availabilityZoneRebalancing": "DISABLED",
			},
			autoname: 255,
			tagged:   true,
			create:   createService,
			rules: []rule{
				{
					name: "verify.SuppressMissingOptionalConfigurationBlock", attr: "alarms",
					why:  "an alarms block left out of the program plans no change: the stored alarms (and ECS's) stay",
					same: func(_, n resource.PropertyValue, _ resource.PropertyMap) bool { return n.IsNull() },
				},
				{
					name: "schema: alarms.alarm_names is a TypeSet", attr: "alarms",
					why: "the same alarm names in another order plan no change",
					same: func(st, n resource.PropertyValue, _ resource.PropertyMap) bool {
						st, n = unwrap(st), unwrap(n)
						if !st.IsObject() || !n.IsObject() {
							return false
						}
						so, no := st.ObjectValue(), n.ObjectValue()
						if !coversSet(so["alarmNames"], no["alarmNames"]) {
							return false
						}
						rest := func(m resource.PropertyMap) resource.PropertyValue {
							m = m.Copy()
							delete(m, "alarmNames")
							return resource.NewObjectProperty(m)
						}
						return covers(rest(so), rest(no))
					},
				},
				{
					name: "capacityProviderStrategyCustomizeDiff",
					why:  "a strategy change replaces the service unless forceNewDeployment is set and neither the old nor the new strategy is empty",
					customize: func(_ *Cloud, state, news resource.PropertyMap, changed []string) []string {
						if !contains(changed, "capacityProviderStrategies") {
							return nil
						}
						if !boolean(news, "forceNewDeployment") {
							return []string{"capacityProviderStrategies"}
						}
						o, n := len(objs(state, "capacityProviderStrategies")), len(objs(news, "capacityProviderStrategies"))
						if (o == 0) != (n == 0) {
							return []string{"capacityProviderStrategies"}
						}
						return nil
					},
				},
				{
					name: "resourceServiceRead: capacity_provider_strategy",
					why:  "a service with neither a launch type nor a strategy reports the cluster's default strategy, which then plans a replacement every time (issues 11351, 22823)",
					read: func(c *Cloud, state resource.PropertyMap) {
						if str(state, "launchType") != "" || len(objs(state, "capacityProviderStrategies")) > 0 {
							return
						}
						cluster := str(state, "cluster")
						cluster = cluster[strings.LastIndex(cluster, "/")+1:]
						for _, cp := range c.liveOfType(TypeEcsClusterCapacityProviders) {
							if str(cp, "clusterName") == cluster && len(objs(cp, "defaultCapacityProviderStrategies")) > 0 {
								state["capacityProviderStrategies"] = cp["defaultCapacityProviderStrategies"]
							}
						}
					},
				},
			},
		},
	})
}

// validTaskDefinitionFamily is the provider's ValidateFunc on family (and ECS's rule):
// 1 to 255 letters, digits, underscores and hyphens.
var validTaskDefinitionFamily = regexp.MustCompile(`^[0-9A-Za-z_-]{1,255}$`)

// validClusterName is validateClusterName.
var validClusterName = regexp.MustCompile(`^[0-9A-Za-z_-]{1,255}$`)

func createTaskDefinition(o *op) (string, map[string]any, error) {
	family := str(o.in, "family")
	defs, err := parseContainerDefinitions(str(o.in, "containerDefinitions"))
	if err != nil && !o.preview {
		return "", nil, fmt.Errorf("ClientException: Container definitions are invalid: %v", err)
	}
	revision := o.c.nextRevision(family, o.preview)
	base := o.arn("ecs", "task-definition/"+family)
	arn := fmt.Sprintf("%s:%d", base, revision)
	if !o.preview {
		// ECS keeps every revision; a service deploying one runs its containers' images.
		o.c.mu.Lock()
		o.c.registerTaskDefinitionLocked(arn, defs)
		o.c.mu.Unlock()
	}
	return family, map[string]any{"arn": arn, "arnWithoutRevision": base, "revision": revision, "networkMode": "bridge"}, nil
}

// nextRevision counts registrations of a family, as ECS does.
func (c *Cloud) nextRevision(family string, preview bool) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if preview {
		return c.revisions[family] + 1
	}
	c.revisions[family]++
	return c.revisions[family]
}

func createService(o *op) (string, map[string]any, error) {
	cluster := str(o.in, "cluster")
	cluster = cluster[strings.LastIndex(cluster, "/")+1:]
	arn := o.arn("ecs", fmt.Sprintf("service/%s/%s", cluster, str(o.in, "name")))
	outs := map[string]any{
		"platformVersion": "LATEST", "launchType": str(o.in, "launchType"), "iamRole": "", "triggers": map[string]any{},
		"deploymentController": map[string]any{"type": "ECS"}, "propagateTags": "NONE",
		// DescribeServices reports deploymentConfiguration.alarms off for a service created
		// without them, and flattenAlarms stores it.
		"alarms": map[string]any{"alarmNames": []any{}, "enable": false, "rollback": false},
	}
	if !o.preview {
		if err := o.c.checkDeploymentAlarms(obj(o.in, "alarms")); err != nil {
			return "", nil, fmt.Errorf("creating ECS Service (%s): %w", str(o.in, "name"), err)
		}
		if strategies := objs(o.in, "capacityProviderStrategies"); len(strategies) > 0 && o.in.HasValue("launchType") {
			return "", nil, fmt.Errorf("InvalidParameterException: Specifying both a launch type and capacity provider strategy is not supported")
		}
		for _, s := range objs(o.in, "capacityProviderStrategies") {
			if !o.c.clusterHasCapacityProvider(cluster, str(s, "capacityProvider")) {
				return "", nil, fmt.Errorf("InvalidParameterException: The specified capacity provider %s is not in the cluster's capacity providers", str(s, "capacityProvider"))
			}
		}
	}
	return arn, outs, nil
}

// checkDeploymentAlarms is CreateService's and UpdateService's check of
// deploymentConfiguration.alarms: each alarm name must be a CloudWatch alarm of the
// account and Region (the code is ECS's; the message the stand-in's words).
func (c *Cloud) checkDeploymentAlarms(alarms resource.PropertyMap) error {
	if alarms == nil {
		return nil
	}
	names := map[string]bool{}
	for _, a := range c.liveOfType(TypeCloudwatchMetricAlarm) {
		names[str(a, "name")] = true
	}
	for _, n := range strs(alarms, "alarmNames") {
		if !names[n] {
			return fmt.Errorf("InvalidParameterException: the CloudWatch alarm %q in deploymentConfiguration.alarms does not exist", n)
		}
	}
	return nil
}

// serviceUpdated is resourceServiceUpdate's UpdateService: deploymentConfiguration.alarms
// is sent only when the alarms block changed and is present. A block the program dropped
// plans no change (SuppressMissingOptionalConfigurationBlock) and sends nothing, so ECS
// keeps the alarms it has: the stored state keeps them too. Turning alarms off takes
// sending them with enable and rollback false.
func serviceUpdated(c *Cloud, _ string, old, new resource.PropertyMap) error {
	alarms := obj(new, "alarms")
	if alarms == nil {
		if prev, ok := old["alarms"]; ok {
			new["alarms"] = prev
		}
		return nil
	}
	if !alarms.DeepEquals(obj(old, "alarms")) {
		if err := c.checkDeploymentAlarms(alarms); err != nil {
			return fmt.Errorf("updating ECS Service (%s): %w", str(new, "name"), err)
		}
	}
	return nil
}

func (c *Cloud) clusterHasCapacityProvider(cluster, provider string) bool {
	for _, cp := range c.liveOfType(TypeEcsClusterCapacityProviders) {
		if str(cp, "clusterName") == cluster && contains(strs(cp, "capacityProviders"), provider) {
			return true
		}
	}
	return false
}

func parseContainerDefinitions(s string) ([]any, error) {
	var defs []any
	if err := json.Unmarshal([]byte(s), &defs); err != nil {
		return nil, err
	}
	for i, d := range defs {
		if m, ok := d.(map[string]any); !ok || len(m) == 0 {
			return nil, fmt.Errorf("container definition %d is empty", i)
		}
	}
	return defs, nil
}

// ecsFilledContainerDefinitions is what DescribeTaskDefinition returns for what was
// registered: containers, environment and secrets sorted by name (the provider's Read
// orders them), and ECS's defaults filled in. A health check comes back with interval 30,
// timeout 5 and retries 3 where they were not sent, but with no startPeriod: ECS leaves it
// off unless it was given (HealthCheck in the ECS API reference; the diffs users saw
// before the provider normalised the three, terraform-aws-modules/terraform-aws-ecs#148).
func ecsFilledContainerDefinitions(defs []any, awsvpc bool) []any {
	out := deepCopyJSON(defs).([]any)
	for _, d := range out {
		c := d.(map[string]any)
		setDefault(c, "essential", true)
		setDefault(c, "cpu", float64(0))
		if hc, ok := c["healthCheck"].(map[string]any); ok {
			setDefault(hc, "interval", float64(30))
			setDefault(hc, "timeout", float64(5))
			setDefault(hc, "retries", float64(3))
		}
		for _, k := range []string{"environment", "mountPoints", "volumesFrom", "systemControls"} {
			setDefault(c, k, []any{})
		}
		if pms, ok := c["portMappings"].([]any); ok {
			for _, pm := range pms {
				if p, ok := pm.(map[string]any); ok {
					setDefault(p, "protocol", "tcp")
					if awsvpc {
						setDefault(p, "hostPort", p["containerPort"])
					}
				}
			}
		}
	}
	orderContainerDefinitions(out)
	return out
}

func setDefault(m map[string]any, k string, v any) {
	if _, ok := m[k]; !ok {
		m[k] = v
	}
}

// containerDefinitionsAreEquivalent compares two container-definition JSON documents
// after the provider's reduce(): order of containers, environment and secrets; empty
// lists and missing ones; essential missing and true; protocol "tcp" and missing;
// hostPort 0, missing, or (awsvpc) equal to containerPort; cpu 0 and missing; health-check
// interval 30, retries 3, timeout 5 and missing. Anything else is a difference.
func containerDefinitionsAreEquivalent(a, b string, awsvpc bool) bool {
	da, errA := parseContainerDefinitions(a)
	db, errB := parseContainerDefinitions(b)
	if errA != nil || errB != nil {
		return false
	}
	return canonicalJSON(reduceContainerDefinitions(da, awsvpc)) == canonicalJSON(reduceContainerDefinitions(db, awsvpc))
}

// containerDefinitionLists are the list fields reduce() drops when empty.
var containerDefinitionLists = []string{"command", "credentialSpecs", "dependsOn", "dnsSearchDomains", "dnsServers",
	"dockerSecurityOptions", "entryPoint", "environment", "environmentFiles", "extraHosts", "links", "mountPoints",
	"portMappings", "resourceRequirements", "secrets", "systemControls", "ulimits", "volumesFrom"}

func reduceContainerDefinitions(defs []any, awsvpc bool) []any {
	out := deepCopyJSON(defs).([]any)
	orderContainerDefinitions(out)
	for _, d := range out {
		c := d.(map[string]any)
		setDefault(c, "essential", true)
		setDefault(c, "cpu", float64(0))
		if hc, ok := c["healthCheck"].(map[string]any); ok {
			setDefault(hc, "interval", float64(30))
			setDefault(hc, "retries", float64(3))
			setDefault(hc, "timeout", float64(5))
		}
		if pms, ok := c["portMappings"].([]any); ok {
			for _, pm := range pms {
				p, ok := pm.(map[string]any)
				if !ok {
					continue
				}
				if p["protocol"] == "tcp" {
					delete(p, "protocol")
				}
				if p["hostPort"] == float64(0) {
					delete(p, "hostPort")
				}
				if _, set := p["hostPort"]; awsvpc && !set {
					p["hostPort"] = p["containerPort"]
				}
			}
		}
		for _, k := range containerDefinitionLists {
			if l, ok := c[k].([]any); ok {
				var kept []any
				for _, e := range l {
					if m, isMap := e.(map[string]any); !isMap || len(m) > 0 {
						kept = append(kept, e)
					}
				}
				if len(kept) == 0 {
					delete(c, k)
				} else {
					c[k] = kept
				}
			} else if v, present := c[k]; present && v == nil {
				delete(c, k)
			}
		}
	}
	return out
}

// orderContainerDefinitions sorts containers, and each one's environment and secrets, by name.
func orderContainerDefinitions(defs []any) {
	name := func(v any) string {
		if m, ok := v.(map[string]any); ok {
			s, _ := m["name"].(string)
			return s
		}
		return ""
	}
	sort.SliceStable(defs, func(i, j int) bool { return name(defs[i]) < name(defs[j]) })
	for _, d := range defs {
		c, _ := d.(map[string]any)
		for _, k := range []string{"environment", "secrets"} {
			if l, ok := c[k].([]any); ok {
				sort.SliceStable(l, func(i, j int) bool { return name(l[i]) < name(l[j]) })
			}
		}
	}
}

func deepCopyJSON(v any) any {
	var out any
	b, _ := json.Marshal(v)
	_ = json.Unmarshal(b, &out)
	return out
}
