package standin

// What ECS does with a service's deployments (the rolling update of the ECS deployment
// controller), and what the provider's waiters see of it.
//
// A deployment starts with CreateService, and with an UpdateService that sets
// forceNewDeployment or changes what the tasks run (startsDeployment). It then runs its
// course as time passes (rollOutLocked):
//   - its tasks start. Tasks of a task definition one of whose images never passes its
//     health checks (TasksNeverHealthy) stop again. With the deployment circuit breaker on,
//     the deployment FAILS once the failures reach the breaker's threshold; with rollback on
//     and a COMPLETED deployment before it, ECS rolls the service back to that deployment's
//     task definition, and the service's own taskDefinition, which the provider's Read
//     stores, is the previous revision again. Without a COMPLETED deployment to go back to
//     the deployment stalls with no running tasks ("How the Amazon ECS deployment circuit
//     breaker detects failures" and "Amazon ECS deployment failure detection", ECS
//     developer guide). Without the circuit breaker ECS goes on replacing the failing tasks.
//   - a deployment alarm that goes into ALARM during the deployment (AlarmFiresDuringNextDeployment)
//     fails it when the service's alarms have enable, and rolls it back as above when they
//     have rollback ("How CloudWatch alarms detect Amazon ECS deployment failures").
//   - otherwise its tasks run, the older deployments' tasks stop, and the service reaches a
//     steady state with one deployment. It stays IN_PROGRESS for the bake time, during
//     which ECS still watches the deployment alarms, and is COMPLETED after it.
//
// Time passes in two places. The provider's waitServiceStable waits for one service while
// its rollout runs its course; the bake does not end there. Settle, which each
// operation's Configure calls, lets every rollout run its course and every bake end: what
// happened between one `pulumi` command and the next.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// The service statuses the provider's waiters read: ECS's ACTIVE and the provider's own
// tfPENDING and tfSTABLE (the constants of service.go).
const (
	serviceStatusActive  = "ACTIVE"
	serviceStatusPending = "tfPENDING"
	serviceStatusStable  = "tfSTABLE"
)

// A deployment's rolloutState.
const (
	rolloutInProgress = "IN_PROGRESS"
	rolloutCompleted  = "COMPLETED"
	rolloutFailed     = "FAILED"
)

// serviceTimeout is the create and update timeout of aws_ecs_service where the program
// sets no customTimeouts: resourceService's schema.DefaultTimeout(20 * time.Minute).
const serviceTimeout = 20 * time.Minute

// maxServiceRecords is how many events (and stopped tasks) a service keeps: DescribeServices
// returns the 100 most recent events.
const maxServiceRecords = 100

// Deployment is one of a service's deployments, as DescribeServices reports it.
type Deployment struct {
	ID                 string // ecs-svc/ and 19 digits
	Status             string // PRIMARY (the newest) or ACTIVE (an older one, still running tasks)
	TaskDefinition     string // the task definition's ARN
	DesiredCount       int
	RunningCount       int
	FailedTasks        int
	RolloutState       string // IN_PROGRESS, COMPLETED or FAILED
	RolloutStateReason string // e.g. "ECS deployment circuit breaker: tasks failed to start."
}

// ServiceDescription is what DescribeServices reports of a service: what the provider's
// waiters poll, and what a person finding out why a deploy failed reads.
type ServiceDescription struct {
	Status         string // ACTIVE while the service exists
	TaskDefinition string // the service's task definition ARN, which the provider's Read stores
	DesiredCount   int
	RunningCount   int
	Deployments    []Deployment // the PRIMARY first
	Events         []string     // newest first: what `--query 'services[0].events[:5]'` shows
}

// ecsService is what ECS holds of a service beyond what the provider stores.
type ecsService struct {
	arn, name   string
	deployments []*deployment // the current ones, the PRIMARY first
	history     []*deployment // every deployment the service had, oldest first
	events      []string      // newest first
	stopped     []string      // the stopped reasons of its tasks, newest first
	tasks       int           // tasks started, for their ids
}

type deployment struct {
	Deployment
	rolledOut bool   // the rollout has run its course; what may be left is the bake
	alarm     string // a deployment alarm that goes into ALARM during this deployment
}

// failure is why a deployment failed, in ECS's words.
type failure struct {
	reason   string // the failed deployment's rolloutStateReason
	event    string // the service event's "deployment failed: <event>."
	rollback string // the rollback deployment's rolloutStateReason, %s the deployment rolled back to
}

// circuitBreakerFailure is the deployment circuit breaker's: its reasons as DescribeServices
// shows them (ECS users' reports, e.g. aws/containers-roadmap#1488).
var circuitBreakerFailure = failure{
	reason:   "ECS deployment circuit breaker: tasks failed to start.",
	event:    "tasks failed to start",
	rollback: "ECS deployment circuit breaker: rolling back to deploymentId %s.",
}

// alarmFailure is a deployment alarm's. The event is the one ECS posts; the two
// rolloutStateReasons are the stand-in's words, after the circuit breaker's: ECS's own were
// not found documented.
func alarmFailure(alarm string) failure {
	return failure{
		reason:   fmt.Sprintf("ECS deployment alarms: alarm %s is in ALARM.", alarm),
		event:    "alarm detected",
		rollback: "ECS deployment alarms: rolling back to deploymentId %s.",
	}
}

// TasksNeverHealthy makes the tasks of every task definition one of whose containers runs
// image fail their health checks, the load balancer's or the container's, and stop with
// stoppedReason (e.g. "Task failed ELB health checks in (target-group …)"): a release that
// never serves. It applies to deployments that start or scale from now on. An empty
// stoppedReason makes the image's tasks healthy again, as a fixed image under the same
// tag would be.
func (c *Cloud) TasksNeverHealthy(image, stoppedReason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if stoppedReason == "" {
		delete(c.unhealthy, image)
		return
	}
	c.unhealthy[image] = stoppedReason
}

// AlarmFiresDuringNextDeployment makes a CloudWatch alarm go into ALARM during the next
// deployment of each service whose deploymentConfiguration.alarms names it, while the
// deployment rolls out: a release whose 5xx alarm fires. ECS acts on it only when the
// alarms have enable, and rolls back only with rollback and a COMPLETED deployment to go
// back to ("How CloudWatch alarms detect Amazon ECS deployment failures"). For an alarm in
// the bake time after `pulumi up` returned, see FireAlarmDuringDeployment. An alarm that
// is not in the account is an error.
func (c *Cloud) AlarmFiresDuringNextDeployment(alarmName string) error {
	if !c.taken(TypeCloudwatchMetricAlarm, "name", alarmName) {
		return fmt.Errorf("ResourceNotFound: no CloudWatch alarm %q", alarmName)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.firing[alarmName] = true
	return nil
}

// DescribeService is DescribeServices for one service, by ARN: false if there is none.
func (c *Cloud) DescribeService(serviceArn string) (ServiceDescription, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	o, svc := c.objects[serviceArn], c.ecs[serviceArn]
	if o == nil || svc == nil {
		return ServiceDescription{}, false
	}
	out := ServiceDescription{
		Status:         serviceStatusActive,
		TaskDefinition: c.taskDefinitionArnLocked(str(o.state, "taskDefinition")),
		DesiredCount:   desiredCount(o.state),
		RunningCount:   svc.running(),
		Events:         slices.Clone(svc.events),
	}
	for _, d := range svc.deployments {
		out.Deployments = append(out.Deployments, d.Deployment)
	}
	return out, true
}

// ServiceEvents are a service's events, newest first, as `aws ecs describe-services
// --query 'services[0].events'` shows their messages.
func (c *Cloud) ServiceEvents(serviceArn string) []string {
	d, _ := c.DescribeService(serviceArn)
	return d.Events
}

// StoppedTaskReasons are the stopped reasons of a service's stopped tasks, newest first:
// what `aws ecs list-tasks --desired-status STOPPED` and `describe-tasks --query
// 'tasks[].stoppedReason'` show.
func (c *Cloud) StoppedTaskReasons(serviceArn string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if svc := c.ecs[serviceArn]; svc != nil {
		return slices.Clone(svc.stopped)
	}
	return nil
}

// DeploymentHistory is every deployment a service had, oldest first, as each is now (or
// was when it ended): the ones CreateService and UpdateService started and ECS's rollbacks.
func (c *Cloud) DeploymentHistory(serviceArn string) []Deployment {
	c.mu.Lock()
	defer c.mu.Unlock()
	svc := c.ecs[serviceArn]
	if svc == nil {
		return nil
	}
	var out []Deployment
	for _, d := range svc.history {
		out = append(out, d.Deployment)
	}
	return out
}

// RollBackDeployment is ECS's deployment circuit breaker failing the service's newest
// deployment and rolling it back to the last COMPLETED one, on ECS's own, after `pulumi up`
// has returned: the service's live task definition is then the revision before the one
// Pulumi's state records. It is an error when the service has no COMPLETED deployment to
// go back to.
func (c *Cloud) RollBackDeployment(serviceArn string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	o, svc := c.objects[serviceArn], c.ecs[serviceArn]
	if o == nil || svc == nil {
		return fmt.Errorf("ServiceNotFoundException: %s", serviceArn)
	}
	d := svc.primary()
	if d == nil || svc.lastCompleted(d) == nil {
		return fmt.Errorf("the service runs %s: no completed deployment to roll back to", str(o.state, "taskDefinition"))
	}
	c.failDeploymentLocked(svc, o.state, d, circuitBreakerFailure, true)
	return nil
}

// FireAlarmDuringDeployment is a CloudWatch alarm going into ALARM while a service's
// newest deployment is in progress or baking, after `pulumi up` returned ("How CloudWatch
// alarms detect Amazon ECS deployment failures", ECS developer guide). ECS watches only the
// alarms named in the service's deploymentConfiguration.alarms, and only with enable true:
// then the deployment FAILS, and with rollback true ECS rolls the service back to the last
// COMPLETED deployment (the previous task definition revision), on its own, as
// RollBackDeployment does. It reports whether the deployment failed and whether it was
// rolled back: not without a COMPLETED deployment to go back to. An alarm that is not in
// the account is an error.
func (c *Cloud) FireAlarmDuringDeployment(serviceArn, alarmName string) (failed, rolledBack bool, err error) {
	if !c.taken(TypeCloudwatchMetricAlarm, "name", alarmName) {
		return false, false, fmt.Errorf("ResourceNotFound: no CloudWatch alarm %q", alarmName)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	o, svc := c.objects[serviceArn], c.ecs[serviceArn]
	if o == nil || svc == nil || svc.primary() == nil {
		return false, false, fmt.Errorf("ServiceNotFoundException: %s", serviceArn)
	}
	alarms := obj(o.state, "alarms")
	if !boolean(alarms, "enable") || !contains(strs(alarms, "alarmNames"), alarmName) {
		return false, false, nil
	}
	rolledBack = c.failDeploymentLocked(svc, o.state, svc.primary(), alarmFailure(alarmName), boolean(alarms, "rollback"))
	return true, rolledBack, nil
}

// serviceApplied is what follows the provider's CreateService or UpdateService call
// (resourceServiceCreate, resourceServiceUpdate) and the wait that ends both before their
// resourceServiceRead.
//
// resourceServiceUpdate calls UpdateService only when an attribute other than tags,
// tags_all and force_delete changed (d.HasChangesExcept), and sends the task definition
// only when it changed (d.HasChange), always with ForceNewDeployment as the program sets
// it: with forceNewDeployment true, any such update, toggling wait_for_steady_state
// included, starts a deployment.
//
// The wait is waitServiceStable with wait_for_steady_state and waitServiceActive without
// it, with the operation's timeout: on create after d.SetId, on update only after an
// UpdateService. Its error is the provider's, "waiting for ECS Service (<arn>) create:
// <the waiter's error>".
func serviceApplied(c *Cloud, call *providerCall) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	op := "update"
	var svc *ecsService
	if call.old == nil {
		// CreateService: a new service, with its first deployment.
		op = "create"
		svc = &ecsService{arn: call.id, name: str(call.state, "name")}
		c.ecs[call.id] = svc
		c.startDeploymentLocked(svc, call.state)
	} else {
		if !updateServiceSent(call.changed) {
			return nil // tags only: no UpdateService and no wait, just the Read
		}
		if svc = c.ecs[call.id]; svc == nil {
			svc = &ecsService{arn: call.id, name: str(call.state, "name")}
			c.ecs[call.id] = svc
		}
		if !contains(call.changed, "taskDefinition") {
			// Not sent: the service keeps the task definition it runs, which may be the
			// previous revision after a rollback, and the Read stores that.
			if o := c.objects[call.id]; o != nil {
				call.state["taskDefinition"] = o.state["taskDefinition"]
			}
		}
		if startsDeployment(call.changed, call.state) {
			c.startDeploymentLocked(svc, call.state)
		}
	}
	if !boolean(call.state, "waitForSteadyState") {
		return nil // waitServiceActive: the service is ACTIVE at once
	}
	return c.waitServiceStableLocked(svc, op, call.state, call.timeout)
}

// waitServiceStableLocked is the provider's waitServiceStable: a retry.StateChangeConf
// polling statusServiceWaitForStable for the operation's timeout, Target tfSTABLE, Pending
// INACTIVE, DRAINING and tfPENDING. ECS works on the service meanwhile,
// so the stand-in lets the rollout run its course (rollOutLocked) and then polls once: what
// the last poll before the timeout sees. A rollback that ended on the previous task
// definition is stable, so the waiter succeeds and the Read after it stores the previous
// revision (terraform-provider-aws#20858). A deployment that never gets its tasks running
// is reported at once with the waiter's timeout error (retry.TimeoutError), without the
// wait itself.
//
// The bake does not end here: the waiter returns once one deployment runs the desired
// tasks, while that deployment is still IN_PROGRESS for the bake time, during which ECS
// goes on watching the deployment alarms. An alarm in the bake (FireAlarmDuringDeployment)
// is then seen by nobody until a refresh. That the waiter returns before the bake ends
// is what users report of the same test in the AWS CLI's services-stable waiter
// (aws-actions/amazon-ecs-deploy-task-definition#838: rolloutState often still
// IN_PROGRESS after it); AWS does not document it.
func (c *Cloud) waitServiceStableLocked(svc *ecsService, op string, state resource.PropertyMap, timeout time.Duration) error {
	c.rollOutLocked(svc, state)
	if svc.statusWaitForStable(state) == serviceStatusStable {
		return nil
	}
	if timeout <= 0 {
		timeout = serviceTimeout
	}
	return fmt.Errorf("waiting for ECS Service (%s) %s: timeout while waiting for state to become '%s' (last state: '%s', timeout: %s)",
		svc.arn, op, serviceStatusStable, serviceStatusPending, timeout)
}

// statusWaitForStable is the provider's statusServiceWaitForStable on an ACTIVE service:
// tfSTABLE when it has exactly one deployment and runs as many tasks as it desires,
// tfPENDING otherwise. It reads nothing else: not the deployments' rolloutState, not
// which task definition runs.
func (svc *ecsService) statusWaitForStable(state resource.PropertyMap) string {
	if len(svc.deployments) == 1 && desiredCount(state) == svc.running() {
		return serviceStatusStable
	}
	return serviceStatusPending
}

// updateServiceSent is resourceServiceUpdate's d.HasChangesExcept(force_delete, tags,
// tags_all) on the plan's changed attributes: whether it calls UpdateService. An attribute
// the plan leaves alone is no change, whatever AWS holds: after a failed create, say, the
// stored state lacks what AWS computed, and the plan keeps it so.
func updateServiceSent(changed []string) bool {
	for _, k := range changed {
		if k != "tags" && k != "tagsAll" && k != "forceDelete" {
			return true
		}
	}
	return false
}

// deploymentSettings are the service settings of its tasks: an UpdateService that changes
// one starts a new deployment (UpdateService in the ECS API reference).
var deploymentSettings = []string{"taskDefinition", "networkConfiguration", "loadBalancers", "capacityProviderStrategies",
	"platformVersion", "serviceRegistries", "serviceConnectConfiguration", "volumeConfiguration"}

// startsDeployment reports whether ECS starts a new deployment for an UpdateService:
// forceNewDeployment ("to start a new deployment with no service definition changes"), or
// a changed setting of the tasks.
func startsDeployment(changed []string, planned resource.PropertyMap) bool {
	if boolean(planned, "forceNewDeployment") {
		return true
	}
	for _, k := range deploymentSettings {
		if contains(changed, k) {
			return true
		}
	}
	return false
}

// startDeploymentLocked starts a deployment of the service's task definition: the PRIMARY
// until a newer one starts. The older deployments go on running their tasks until it
// replaces them. It watches the deployment alarms the service names, and takes the ones
// that go into ALARM during the next deployment.
func (c *Cloud) startDeploymentLocked(svc *ecsService, state resource.PropertyMap) {
	d := c.newDeploymentLocked(svc, c.taskDefinitionArnLocked(str(state, "taskDefinition")), desiredCount(state))
	for _, name := range strs(obj(state, "alarms"), "alarmNames") {
		if c.firing[name] {
			delete(c.firing, name)
			if d.alarm == "" {
				d.alarm = name
			}
		}
	}
}

func (c *Cloud) newDeploymentLocked(svc *ecsService, taskDefinition string, desired int) *deployment {
	id := "ecs-svc/" + decimalDigits(19, svc.arn, "deployment", strconv.Itoa(len(svc.history)))
	for _, old := range svc.deployments {
		old.Status = "ACTIVE"
	}
	d := &deployment{Deployment: Deployment{
		ID: id, Status: "PRIMARY", TaskDefinition: taskDefinition, DesiredCount: desired,
		RolloutState: rolloutInProgress, RolloutStateReason: fmt.Sprintf("ECS deployment %s in progress.", id),
	}}
	svc.deployments = append([]*deployment{d}, svc.deployments...)
	svc.history = append(svc.history, d)
	return d
}

// rollOutLocked lets the service's PRIMARY deployment run its course, up to its bake (see
// the top of this file): how the service looks once the provider's waitServiceStable
// stops polling, or once time has passed after `pulumi up` returned. state is the
// service's, whose taskDefinition becomes the previous revision on a rollback.
func (c *Cloud) rollOutLocked(svc *ecsService, state resource.PropertyMap) {
	d := svc.primary()
	if d == nil {
		return
	}
	d.DesiredCount = desiredCount(state)
	reason, failing := c.failingTasksLocked(d.TaskDefinition)
	if d.rolledOut {
		// UpdateService without a new deployment (the desired count): the deployment
		// follows it, when its tasks start at all.
		if !failing && d.RolloutState != rolloutFailed {
			d.RunningCount = d.DesiredCount
		}
		return
	}
	d.rolledOut = true
	if failing && d.DesiredCount > 0 {
		// Each task starts and fails its health checks; the circuit breaker counts the
		// failures up to its threshold.
		n := circuitBreakerThreshold(d.DesiredCount)
		for range n {
			task := svc.newTask()
			svc.event("(service %s) has started 1 tasks: (task %s).", svc.name, task)
			svc.stop(reason)
			svc.event("(service %s) has stopped 1 running tasks: (task %s).", svc.name, task)
		}
		d.FailedTasks += n
		cb := obj(state, "deploymentCircuitBreaker")
		if !boolean(cb, "enable") {
			return // ECS goes on replacing them: the deployment stays IN_PROGRESS
		}
		c.failDeploymentLocked(svc, state, d, circuitBreakerFailure, boolean(cb, "rollback"))
		return
	}
	d.RunningCount = d.DesiredCount
	if d.DesiredCount > 0 {
		var tasks []string
		for range d.DesiredCount {
			tasks = append(tasks, "(task "+svc.newTask()+")")
		}
		svc.event("(service %s) has started %d tasks: %s.", svc.name, d.DesiredCount, strings.Join(tasks, " "))
	}
	if alarms := obj(state, "alarms"); d.alarm != "" && boolean(alarms, "enable") {
		c.failDeploymentLocked(svc, state, d, alarmFailure(d.alarm), boolean(alarms, "rollback"))
		return
	}
	svc.replaceOthers(d)
	svc.event("(service %s) has reached a steady state.", svc.name)
}

// failDeploymentLocked fails deployment d, and with rollback rolls the service back to
// its last COMPLETED deployment: a new deployment of that task definition replaces d's and
// the older deployments' tasks, and the service's task definition is that one again. It
// reports whether it rolled back: not without a COMPLETED deployment ("The rollback method
// requires a previous deployment in COMPLETED state", "Amazon ECS deployment failure
// detection"). Then a deployment whose tasks run keeps them (a deployment alarm), and one
// whose tasks fail stalls: "the circuit breaker does not launch new tasks and the
// deployment is stalled" ("How the Amazon ECS deployment circuit breaker detects
// failures"), while older deployments keep their tasks.
func (c *Cloud) failDeploymentLocked(svc *ecsService, state resource.PropertyMap, d *deployment, f failure, rollback bool) bool {
	if _, failing := c.failingTasksLocked(d.TaskDefinition); !failing && !d.rolledOut {
		d.RunningCount = d.DesiredCount
	}
	d.rolledOut = true
	d.RolloutState, d.RolloutStateReason = rolloutFailed, f.reason
	svc.event("(service %s) (deployment %s) deployment failed: %s.", svc.name, d.ID, f.event)
	prev := svc.lastCompleted(d)
	if !rollback || prev == nil {
		if d.RunningCount > 0 {
			svc.replaceOthers(d)
		}
		return false
	}
	svc.event("(service %s) rolling back to deployment %s.", svc.name, prev.ID)
	r := c.newDeploymentLocked(svc, prev.TaskDefinition, d.DesiredCount)
	r.RolloutStateReason = fmt.Sprintf(f.rollback, prev.ID)
	r.RunningCount, r.rolledOut = r.DesiredCount, true
	svc.replaceOthers(r)
	state["taskDefinition"] = resource.NewStringProperty(inFormatOf(str(state, "taskDefinition"), prev.TaskDefinition))
	svc.event("(service %s) has reached a steady state.", svc.name)
	return true
}

// settleServicesLocked lets time pass for every service: each rollout runs its course, and
// the bake of a deployment that has the service to itself, running the desired tasks, ends:
// it is COMPLETED, the deployment a later rollback goes back to.
func (c *Cloud) settleServicesLocked() {
	for arn, svc := range c.ecs {
		o := c.objects[arn]
		if o == nil {
			continue
		}
		c.rollOutLocked(svc, o.state)
		d := svc.primary()
		if d == nil || len(svc.deployments) != 1 || d.RolloutState != rolloutInProgress || d.RunningCount != d.DesiredCount {
			continue
		}
		d.RolloutState, d.RolloutStateReason = rolloutCompleted, fmt.Sprintf("ECS deployment %s completed.", d.ID)
		svc.event("(service %s) (deployment %s) deployment completed.", svc.name, d.ID)
	}
}

// serviceDeleted forgets a deleted service's deployments (unless a replacement of the
// same ARN lives on).
func serviceDeleted(c *Cloud, id string, _ resource.PropertyMap) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, live := c.objects[id]; !live {
		delete(c.ecs, id)
	}
}

func (svc *ecsService) primary() *deployment {
	if len(svc.deployments) == 0 {
		return nil
	}
	return svc.deployments[0]
}

// running is the service's runningCount: the running tasks of all its deployments.
func (svc *ecsService) running() int {
	n := 0
	for _, d := range svc.deployments {
		n += d.RunningCount
	}
	return n
}

// lastCompleted is the newest COMPLETED deployment other than d, or nil.
func (svc *ecsService) lastCompleted(d *deployment) *deployment {
	for i := len(svc.history) - 1; i >= 0; i-- {
		if h := svc.history[i]; h != d && h.RolloutState == rolloutCompleted {
			return h
		}
	}
	return nil
}

// replaceOthers stops the tasks of every deployment but d, which ECS then drops from the
// service's deployments. Their tasks stop with the reason ECS gives tasks a deployment
// replaced.
func (svc *ecsService) replaceOthers(d *deployment) {
	for _, other := range svc.deployments {
		if other == d || other.RunningCount == 0 {
			continue
		}
		for range other.RunningCount {
			svc.stop(fmt.Sprintf("Scaling activity initiated by (deployment %s)", d.ID))
		}
		svc.event("(service %s) has stopped %d running tasks.", svc.name, other.RunningCount)
		other.RunningCount = 0
	}
	svc.deployments = []*deployment{d}
	d.Status = "PRIMARY"
}

func (svc *ecsService) newTask() string {
	svc.tasks++
	return hexOf(32, svc.arn, "task", strconv.Itoa(svc.tasks))
}

func (svc *ecsService) event(format string, args ...any) {
	svc.events = slices.Insert(svc.events, 0, fmt.Sprintf(format, args...))
	if len(svc.events) > maxServiceRecords {
		svc.events = svc.events[:maxServiceRecords]
	}
}

func (svc *ecsService) stop(reason string) {
	svc.stopped = slices.Insert(svc.stopped, 0, reason)
	if len(svc.stopped) > maxServiceRecords {
		svc.stopped = svc.stopped[:maxServiceRecords]
	}
}

// circuitBreakerThreshold is how many task failures fail a deployment: half the desired
// count, rounded up, and at least 3 and at most 200 ("How the Amazon ECS deployment circuit
// breaker detects failures").
func circuitBreakerThreshold(desired int) int {
	return min(max((desired+1)/2, 3), 200)
}

// failingTasksLocked reports whether tasks of a task definition fail their health checks
// (TasksNeverHealthy), and with what stopped reason.
func (c *Cloud) failingTasksLocked(taskDefinition string) (string, bool) {
	for _, image := range c.taskDefImages[taskDefinition] {
		if reason, ok := c.unhealthy[image]; ok {
			return reason, true
		}
	}
	return "", false
}

// registerTaskDefinitionLocked records the images of a task definition revision's containers.
func (c *Cloud) registerTaskDefinitionLocked(arn string, containerDefinitions []any) {
	var images []string
	for _, d := range containerDefinitions {
		if m, ok := d.(map[string]any); ok {
			if image, ok := m["image"].(string); ok {
				images = append(images, image)
			}
		}
	}
	c.taskDefImages[arn] = images
}

// taskDefinitionArnLocked is the ARN ECS resolves a service's task definition to: given as
// an ARN, family:revision, or a family (its latest revision).
func (c *Cloud) taskDefinitionArnLocked(td string) string {
	if td == "" || strings.HasPrefix(td, "arn:") {
		return td
	}
	family, revision, ok := strings.Cut(td, ":")
	if !ok {
		revision = strconv.Itoa(c.revisions[family])
	}
	return fmt.Sprintf("arn:aws:ecs:%s:%s:task-definition/%s:%s", c.region, Account, family, revision)
}

// inFormatOf is how resourceServiceRead stores the service's task definition: the ARN when
// the stored value is an ARN, else familyAndRevisionFromTaskDefinitionARN.
func inFormatOf(stored, arn string) string {
	if stored == "" || strings.HasPrefix(stored, "arn:") {
		return arn
	}
	return arn[strings.LastIndex(arn, "/")+1:]
}

func desiredCount(state resource.PropertyMap) int { return int(number(state, "desiredCount")) }

// decimalDigits are n decimal digits that are stable for the parts.
func decimalDigits(n int, parts ...string) string {
	h := hexOf(2*n, parts...)
	var b strings.Builder
	for i := range n {
		b.WriteByte('0' + (h[2*i]*16+h[2*i+1])%10)
	}
	return b.String()
}
