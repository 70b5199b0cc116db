package main

// Change safety under the real engine: the dev stack is deployed once, then every
// documented setting is changed on it, one at a time (default → another valid value;
// structured ones from the examples), previewed, applied, checked to converge, and
// reverted. No Elastic IP, NLB, subnet, ALB or ECS service may be replaced or deleted,
// except where a change lists it as allowed. What each change did is docs/changes.md's "What a
// change does" table, which this test regenerates and compares:
//
//	go test -run TestChangeSafety -update .   # rewrite the table after a deliberate change

import (
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/deploypolicy"
	"github.com/example/nlb-alb-fargate/internal/stacktest"
	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/example/nlb-alb-fargate/internal/standin/harness"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

var update = flag.Bool("update", false, "rewrite docs/changes.md's table (and the snapshots) from the program")

// settingChange is one row of docs/changes.md's table.
type settingChange struct {
	change string         // the table's first column: which settings, from what to what
	base   map[string]any // settings of the stack it starts from, over the dev stack's
	set    map[string]any // the settings it changes, over base
	effect string         // the table's last column: what it means for the addresses and traffic
	// allowed are the protected resources (Elastic IPs, load balancers, subnets, ECS
	// services) it may replace or delete, by logical name; anything else fails the test.
	allowed []string
	// prepare, when set, runs once the base is deployed and adds settings that depend on
	// it (the base's own Elastic IPs, addresses made in the account).
	prepare func(t *testing.T, e *harness.Stack) map[string]any
	// verify, when set, checks the account after the change.
	verify func(t *testing.T, e *harness.Stack, set map[string]any)
	// from, when set, is the program the base is deployed with: an earlier release's.
	// The change is then this release's program over that stack (an upgrade).
	from pulumi.RunFunc
}

// protectedTypes are what partners and traffic depend on.
var protectedTypes = map[tokens.Type]string{
	standin.TypeEip:          "Elastic IP",
	standin.TypeLoadBalancer: "load balancer",
	standin.TypeSubnet:       "subnet",
	standin.TypeEcsService:   "ECS service",
	standin.TypeS3BucketV2:   "bucket",
	standin.TypeLbTrustStore: "trust store",
}

// settingChanges covers every key of the settings registry (TestChangeSafetyCoversEverySetting).
func settingChanges(t *testing.T) []settingChange {
	services := exampleConfig(t, "examples/services.yaml")
	https := exampleConfig(t, "examples/https.yaml")
	arm64 := exampleConfig(t, "examples/arm64-secrets.yaml")
	partners := exampleConfig(t, "examples/partners.yaml")
	withMTLS := map[string]any{"certificateArn": testCertArn, "mtls": partners["mtls"]}
	rotated := map[string]any{"certificateArn": testCertArn, "mtls": map[string]any{"caBundle": "testdata/partners-ca-rotated.pem"}}
	webEntry := services["services"].([]any)[0].(map[string]any)
	withHTTPS := map[string]any{"certificateArn": testCertArn}
	renamed := cloneJSON(services["services"]).([]any)
	// A new service's rule is created before the old one's is deleted: at the same
	// priority ELB refuses it (PriorityInUse), so a rename takes a new priority.
	renamed[1].(map[string]any)["name"], renamed[1].(map[string]any)["priority"] = "accounts", 11
	apiPublic := cloneJSON(services["services"]).([]any)
	api := apiPublic[2].(map[string]any)
	delete(api, "internalPort")
	api["internal"], api["priority"], api["pathPatterns"] = false, 20, []any{"/api/*"}
	apiPort := cloneJSON(services["services"]).([]any)
	apiPort[2].(map[string]any)["internalPort"] = 8082

	return []settingChange{
		// network
		{change: "`vpcCidr` 10.0.0.0/16 → 10.1.0.0/16", set: map[string]any{"vpcCidr": "10.1.0.0/16"},
			allowed: []string{"alb", "nlb", "private-0", "private-1", "public-0", "public-1"},
			effect:  "Everything in the VPC is built anew. The NLB is replaced delete-first, so its static IPv4 addresses stay (the Elastic IPs are kept and mapped again), its IPv6 addresses change, and traffic stops for the minutes until the new NLB is active."},
		{change: "`azCount` 2 → 3", set: map[string]any{"azCount": 3},
			effect: "A third Elastic IP and IPv6 address join the NLB; the first two stay. No interruption."},
		{change: "`azCount` 3 → 2", base: map[string]any{"azCount": 3}, set: map[string]any{"azCount": 2},
			allowed: []string{"nat-2-eip", "nlb", "nlb-eip-2", "private-2", "public-2"},
			effect:  "The provider replaces an NLB that loses a subnet: delete-first, the two remaining static IPv4 addresses stay, the third AZ's Elastic IP is released, IPv6 addresses change, and traffic stops for minutes. Avoid on a live stack."},
		{change: "`natGateways` perAz → single", set: map[string]any{"natGateways": "single"},
			allowed: []string{"nat-1-eip"},
			effect:  "The second AZ's NAT gateway and its Elastic IP (an egress address) are released; tasks there reach the internet through the first AZ's. Ingress is untouched."},
		{change: "`natGateways` perAz → none with `vpcEndpoints` true", set: map[string]any{"natGateways": "none", "vpcEndpoints": true},
			allowed: []string{"nat-0-eip", "nat-1-eip"},
			effect:  "Both NAT gateways and their egress Elastic IPs are released; tasks reach ECR, S3 and CloudWatch Logs through VPC endpoints only. Ingress is untouched."},
		{change: "`vpcEndpoints` false → true", set: map[string]any{"vpcEndpoints": true},
			effect: "Adds interface endpoints and an S3 gateway endpoint. No interruption."},
		{change: "`vpcId`, `publicSubnetIds`, `privateSubnetIds`: the stack's VPC → an existing one (3 AZs, no IPv6)", base: map[string]any{"retainStaticIps": true},
			set: map[string]any{"retainStaticIps": true}, prepare: intoNetworkTeam,
			allowed: []string{"alb", "nat-0-eip", "nat-1-eip", "nlb", "private-0", "private-1", "public-0", "public-1"},
			effect:  "The stack's VPC, subnets, gateways and NAT (with their egress Elastic IPs) are deleted. The ALB and, delete-first, the NLB are replaced into the existing subnets: the static IPv4 addresses stay and the third AZ's joins, the IPv6 addresses go (that VPC has none), and traffic stops for the minutes until the new NLB is active. The services move in a rolling deployment."},
		// ingress
		{change: "`listenerPort` 80 → 8080", set: map[string]any{"listenerPort": 8080},
			effect: "Clients move to the new port on the same addresses; the old port stops answering at once."},
		{change: "`listenerProtocol`", set: map[string]any{},
			effect: "Only TCP is valid (a TLS listener cannot forward to an ALB-type target group): nothing to change."},
		{change: "`albListenerPort` and `albTargetGroupPort` 80 → 8000", set: map[string]any{"albListenerPort": 8000, "albTargetGroupPort": 8000},
			effect: "The NLB forwards to the ALB's new port through a new ALB-type target group. Connections in flight may be reset."},
		{change: "`nlbHealthCheckPath` unset (/healthz) → /health", set: map[string]any{"nlbHealthCheckPath": "/health"},
			effect: "The NLB probes the new path. No interruption if the service answers it."},
		{change: "`nlbHealthCheckRulePriority` 50000 → 49999", set: map[string]any{"nlbHealthCheckRulePriority": 49999},
			effect: "No interruption."},
		{change: "`deletionProtection` false → true", set: map[string]any{"deletionProtection": true},
			effect: "No interruption; `pulumi destroy` then stops at the load balancers."},
		{change: "`certificateArn` set", set: map[string]any{"certificateArn": testCertArn},
			effect: "HTTPS on port 443 on the same addresses; plain HTTP now redirects to it."},
		{change: "`createCertificate` true with `domain` and `hostedZoneId`", set: map[string]any{"createCertificate": true, "domain": "example.com", "hostedZoneId": "Z0123456789EXAMPLE0"},
			effect: "A validated certificate, HTTPS on 443 and alias records. No interruption."},
		{change: "`httpsListenerPort` 443 → 8443 (with HTTPS)", base: withHTTPS, set: map[string]any{"httpsListenerPort": 8443},
			effect: "HTTPS moves to the new port through a new ALB-type target group; the old port stops answering."},
		{change: "`sslPolicy` → TLS 1.3 only (with HTTPS)", base: withHTTPS, set: map[string]any{"sslPolicy": "ELBSecurityPolicy-TLS13-1-3-2021-06"},
			effect: "New TLS handshakes use the new policy. No interruption."},
		{change: "`redirectHttp` true → false (with HTTPS)", base: withHTTPS, set: map[string]any{"redirectHttp": false},
			effect: "Plain HTTP serves the services again instead of redirecting. No interruption."},
		{change: "`domain` and `hostedZoneId` set", set: map[string]any{"domain": "example.com", "hostedZoneId": "Z0123456789EXAMPLE0"},
			effect: "Alias A and AAAA records point the name at the NLB. No interruption."},
		{change: "`domain` and `hostedZoneName` set", set: map[string]any{"domain": "www.example.com", "hostedZoneName": "example.com"},
			effect: "The same, with the zone looked up by name."},
		{change: "`retainStaticIps` false → true", set: map[string]any{"retainStaticIps": true},
			effect: "Nothing changes in AWS; from now on the Elastic IPs outlive the stack."},
		{change: "`eipAllocationIds` → the stack's own Elastic IPs (with `retainStaticIps`)", base: map[string]any{"retainStaticIps": true},
			set: map[string]any{"retainStaticIps": true}, prepare: ownAllocationIDs, verify: stillAllocated,
			allowed: []string{"nlb-eip-0", "nlb-eip-1"},
			effect:  "The stack lets go of its Elastic IPs without releasing them (kept) and maps the same addresses as your own. No interruption."},
		{change: "`eipAllocationIds` → other Elastic IPs", prepare: freeAllocationIDs,
			allowed: []string{"nlb", "nlb-eip-0", "nlb-eip-1"},
			effect:  "New addresses: the NLB is replaced delete-first onto them (minutes of downtime), and the stack's old Elastic IPs are released. Set `retainStaticIps` first to keep those."},
		{change: "`preflight` true → false", set: map[string]any{"preflight": false},
			effect: "Nothing changes in AWS; the quota check no longer runs."},
		{change: "`privateLink` as in examples/https.yaml", set: map[string]any{"privateLink": https["privateLink"]},
			effect: "An endpoint service on the NLB for the listed partners. No interruption."},
		{change: "`allowedCidrs` everyone → three partner networks (as in examples/partners.yaml)", set: map[string]any{"allowedCidrs": partners["allowedCidrs"]},
			effect: "The NLB's security group admits only those networks on its listener ports: the whole-internet rules go and a rule per network and port comes, in place. New connections from elsewhere are refused; the NLB and its addresses stay."},
		{change: "`allowedCidrs` one IPv6 network spelt another way (`2001:DB8:1234:0::/48` → `2001:db8:1234::/48`)",
			base: map[string]any{"allowedCidrs": []any{"2001:DB8:1234:0::/48"}}, set: map[string]any{"allowedCidrs": []any{"2001:db8:1234::/48"}},
			effect: "Nothing changes: the rule is written, and named, in AWS's own spelling either way."},
		{change: "`mtls` verify with a CA bundle (with HTTPS)", base: withHTTPS, set: withMTLS,
			effect: "A bucket holds the bundle and a trust store is made from it; the HTTPS listener asks for client certificates in place, the NLB probes that entrance over HTTP, and a new task definition tells the app (rolling deployment). Clients without a certificate from the bundle's CAs fail the TLS handshake."},
		{change: "`mtls.caBundle` content changed (a second CA)", base: withMTLS, set: rotated,
			effect: "A new object under a key named after the new content; the trust store is updated in place to read it, then the old object is deleted. No interruption."},
		{change: "`mtls` removed (with HTTPS)", base: withMTLS, set: map[string]any{"mtls": map[string]any{}}, allowed: []string{"mtls-ca-bundle", "mtls-trust-store"},
			effect: "The HTTPS listener turns mutual authentication off in place before the trust store and its bucket are deleted. Every client is admitted again."},
		// operations and the security baseline
		{change: "`accessLogs` true → false", set: map[string]any{"accessLogs": false}, verify: loggingOff, allowed: []string{"access-logs"},
			effect: "The load balancers stop writing access logs; the bucket is deleted with the logs in it (copy them out first if you need them). No interruption."},
		{change: "`accessLogRetentionDays` 90 → 30", set: map[string]any{"accessLogRetentionDays": 30},
			effect: "The bucket's lifecycle rule expires logs older than 30 days at its next daily run. No interruption."},
		{change: "`containerInsights` enabled → enhanced", set: map[string]any{"containerInsights": "enhanced"},
			effect: "The cluster adds per-task and per-container metrics (billed by observation). No interruption."},
		{change: "`containerInsights` enabled → disabled", set: map[string]any{"containerInsights": "disabled"},
			effect: "Container Insights stops; the running-tasks alarms (which need it) are deleted and the dashboard loses its task graph. No interruption."},
		{change: "`alarmEmail` set", set: map[string]any{"alarmEmail": "ops@example.com"},
			effect: "AWS mails a confirmation link; once followed, alarms reach that address. No interruption."},
		{change: "`alarmTarget5xxCount`, `alarmP99LatencyMs`, `alarmCpuPercent`, `alarmMemoryPercent` changed",
			set:    map[string]any{"alarmTarget5xxCount": 50, "alarmP99LatencyMs": 500, "alarmCpuPercent": 70, "alarmMemoryPercent": 90},
			effect: "The alarms take the new thresholds. No interruption."},
		{change: "`flowLogs` false → true", set: map[string]any{"flowLogs": true},
			effect: "The VPC's flows are logged to CloudWatch Logs. No interruption."},
		{change: "`flowLogRetentionDays` 30 → 7 (with `flowLogs`)", base: map[string]any{"flowLogs": true}, set: map[string]any{"flowLogs": true, "flowLogRetentionDays": 7},
			effect: "Flow logs older than 7 days are deleted. No interruption."},
		{change: "`rollbackOnAlarm` true → false", set: map[string]any{"rollbackOnAlarm": false},
			effect: "The services' deployments stop watching their 5xx and latency alarms (in place; the alarms stay and still notify). The circuit breaker still rolls back tasks that fail to start. Each service's update is a new deployment (the stack sends forceNewDeployment): its tasks roll. No interruption."},
		{change: "`rolePermissionsBoundary` unset → the bootstrap's boundary", prepare: boundaryPolicy,
			effect: "Each role of the stack gets the boundary in place (PutRolePermissionsBoundary): nothing is replaced and nothing restarts. From then on no policy can give a role more than the boundary allows."},
		upgradeToRolePaths(),
		{change: "`waf` false → true", set: map[string]any{"waf": true},
			effect: "Requests pass the web ACL before the ALB routes them; the managed rules may block some that passed before. No interruption for others."},
		{change: "`wafRateLimit` 2000 → 500 (with `waf`)", base: map[string]any{"waf": true}, set: map[string]any{"waf": true, "wafRateLimit": 500},
			effect: "A client IPv4 address is blocked beyond 500 requests in 5 minutes. No interruption for others."},
		// releases
		{change: "`releaseRepository` and `releaseDigest` set: the stack's own build of app/ → a release", set: map[string]any{"releaseRepository": testReleaseRepository, "releaseDigest": testReleaseA}, verify: runsTheRelease,
			effect: "A new task definition with the release's image; ECS replaces the tasks in a rolling deployment, and the stack records the release once they run it. The stack's own ECR repository and image are deleted last, after the rollout. No interruption."},
		{change: "`requireImageDigest` false → true (with an `image` by digest)", base: map[string]any{"image": testReleaseRepository + "@" + testReleaseA},
			set:    map[string]any{"image": testReleaseRepository + "@" + testReleaseA, "requireImageDigest": true},
			effect: "Nothing changes in AWS; from now on an `image` named by a tag is refused."},
		// service
		{change: "`image` → public.ecr.aws/nginx/nginx:1.27", set: map[string]any{"image": "public.ecr.aws/nginx/nginx:1.27"},
			effect: "A new task definition; ECS replaces the tasks in a rolling deployment, and the NLB now probes the service's healthCheckPath. No interruption."},
		{change: "`build` → another directory", set: map[string]any{"build": otherBuildDir(t)},
			effect: "A new image and task definition; a rolling deployment, and the NLB probes healthCheckPath (not the bundled app). No interruption."},
		{change: "`containerPort` 8080 → 9090", set: map[string]any{"containerPort": 9090},
			effect: "A new target group on the new port; a rolling deployment moves the tasks to it. No interruption."},
		{change: "`cpu` 256 → 512 with `memory` 1024", set: map[string]any{"cpu": 512, "memory": 1024},
			effect: "A new task definition; a rolling deployment. No interruption."},
		{change: "`memory` 512 → 1024", set: map[string]any{"memory": 1024},
			effect: "A new task definition; a rolling deployment. No interruption."},
		{change: "`containerMemory` 256 → 384", set: map[string]any{"containerMemory": 384},
			effect: "A new task definition; a rolling deployment. No interruption."},
		{change: "`desiredCount` 2 → 3", set: map[string]any{"desiredCount": 3},
			effect: "One more task; the service also rolls its tasks (every service update forces a new deployment). No interruption."},
		{change: "`healthCheckPath` / → /healthz", set: map[string]any{"healthCheckPath": "/healthz"},
			effect: "No interruption."},
		{change: "`healthCheckInterval` 10 → 15", set: map[string]any{"healthCheckInterval": 15},
			effect: "No interruption."},
		{change: "`healthCheckTimeout` 5 → 4", set: map[string]any{"healthCheckTimeout": 4},
			effect: "No interruption."},
		{change: "`healthCheckGracePeriod` 60 → 90", set: map[string]any{"healthCheckGracePeriod": 90},
			effect: "A rolling deployment. No interruption."},
		{change: "`deregistrationDelay` 10 → 20", set: map[string]any{"deregistrationDelay": 20},
			effect: "No interruption."},
		{change: "`waitForSteadyState` true → false", set: map[string]any{"waitForSteadyState": false}, prepare: deployments.count, verify: deployments.rolled,
			effect: "`pulumi up` no longer waits for the rollout, nor checks that the release took. Each service is updated in place, which is a new deployment (the stack sends forceNewDeployment): its tasks roll, as they do when the setting is turned on again. No interruption."},
		{change: "`stopTimeout` 30 → 60", set: map[string]any{"stopTimeout": 60},
			effect: "A new task definition; a rolling deployment. Tasks stopped from then on get 60 seconds after SIGTERM."},
		{change: "`priority` 1 → 2", set: map[string]any{"priority": 2},
			effect: "No interruption."},
		{change: "`pathPatterns` [\"*\"] → [\"/*\"]", set: map[string]any{"pathPatterns": []any{"/*"}},
			effect: "Requests the rule no longer matches get the ALB's fixed 200 `OK`."},
		{change: "`hostHeaders` [] → [www.example.com]", set: map[string]any{"hostHeaders": []any{"www.example.com"}},
			effect: "Requests for other hosts get the ALB's fixed 200 `OK`."},
		{change: "`containerHealthCheck` set", set: map[string]any{"containerHealthCheck": map[string]any{"command": []any{"CMD", "/server", "-healthcheck"}, "interval": 30}},
			effect: "A new task definition; a rolling deployment. No interruption."},
		{change: "`containerHealthCheck` startPeriod unset → 60", base: map[string]any{"containerHealthCheck": map[string]any{"command": []any{"CMD", "/server", "-healthcheck"}}},
			set:    map[string]any{"containerHealthCheck": map[string]any{"command": []any{"CMD", "/server", "-healthcheck"}, "startPeriod": 60}},
			effect: "A new task definition; a rolling deployment. Health-check failures in a task's first minute no longer count. Without startPeriod nothing changes on the next up: ECS returns none, as the stack sends none."},
		{change: "`imageCredentialsSecretArn` set (with a private registry's `image`)", base: map[string]any{"image": "registry.example.com/team/web:1.4.2"},
			set:    map[string]any{"image": "registry.example.com/team/web:1.4.2", "imageCredentialsSecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry/team-AbC123"},
			effect: "A new task definition that pulls with the credentials; a rolling deployment. No interruption."},
		{change: "`taskIdentity` false → true", set: map[string]any{"taskIdentity": true},
			effect: "A new task definition; a rolling deployment. /whoami then tells clients the task's ARN, AZ and private IP."},
		{change: "`environment` {} → {LOG_LEVEL: debug}", set: map[string]any{"environment": map[string]any{"LOG_LEVEL": "debug"}},
			effect: "A new task definition; a rolling deployment. No interruption."},
		{change: "`secrets` and `secretsKmsKeyArn` set", set: map[string]any{"secrets": arm64["secrets"], "secretsKmsKeyArn": arm64["secretsKmsKeyArn"]},
			effect: "The execution role may read the named secrets; a new task definition and a rolling deployment, whose tasks start only if the secrets exist and can be read. No interruption."},
		{change: "`cpuArchitecture` X86_64 → ARM64", set: map[string]any{"cpuArchitecture": "ARM64"},
			effect: "An image built for linux/arm64 and a new task definition; a rolling deployment onto Graviton. No interruption."},
		{change: "`logRetentionDays` 30 → 7", set: map[string]any{"logRetentionDays": 7},
			effect: "No interruption."},
		{change: "`spot` false → true", set: map[string]any{"spot": true},
			effect: "The tasks move to Fargate Spot in a rolling deployment. No interruption (Spot tasks can be reclaimed later)."},
		{change: "`capacityProviderStrategy` as web in examples/services.yaml", set: map[string]any{"capacityProviderStrategy": webEntry["capacityProviderStrategy"]},
			effect: "A rolling deployment onto the FARGATE/FARGATE_SPOT mix. No interruption."},
		{change: "`enableExecuteCommand` false → true", set: map[string]any{"enableExecuteCommand": true},
			effect: "A new task definition (writable root filesystem, init process) and task-role policy; a rolling deployment. No interruption."},
		{change: "`autoscaling` as web in examples/services.yaml", set: map[string]any{"autoscaling": webEntry["autoscaling"]},
			effect: "Target tracking takes over the task count. No interruption."},
		{change: "`services` [] → examples/services.yaml", set: map[string]any{"services": services["services"]},
			effect: "web keeps its resources and rolls onto the new settings; users and api are added. No interruption."},
		{change: "`services[1].name` users → accounts, `priority` 10 → 11", base: map[string]any{"services": services["services"]}, set: map[string]any{"services": renamed},
			allowed: []string{"users-service"},
			effect:  "A renamed service is a new service: accounts starts, then users is deleted; until accounts' tasks are healthy its path is served by users. Keeping the priority fails: ELB refuses a second rule at it (PriorityInUse)."},
		{change: "`services[2].internal` true → false", base: map[string]any{"services": services["services"]}, set: map[string]any{"services": apiPublic},
			effect: "api leaves its internal port and joins the public listener on /api/*. No interruption for the other services."},
		{change: "`services[2].internalPort` 8081 → 8082", base: map[string]any{"services": services["services"]}, set: map[string]any{"services": apiPort},
			effect: "api moves to the new internal port; web and users get the new API_URL in a rolling deployment."},
	}
}

// ownAllocationIDs are the deployed stack's own Elastic IPs, as eipAllocationIds.
func ownAllocationIDs(t *testing.T, e *harness.Stack) map[string]any {
	ids, _ := e.Outputs(t)["staticIpAllocationIds"].Value.([]any)
	if len(ids) == 0 {
		t.Fatalf("%s: no staticIpAllocationIds output", e.Name)
	}
	return map[string]any{"eipAllocationIds": ids}
}

// intoNetworkTeam seeds networkTeam's VPC into the account and moves the stack into it.
func intoNetworkTeam(t *testing.T, e *harness.Stack) map[string]any {
	net := seedNetwork(t, e.AWS.Cloud, networkTeam)
	return map[string]any{"vpcId": net.VpcID, "publicSubnetIds": net.PublicSubnetIDs, "privateSubnetIds": net.PrivateSubnetIDs}
}

// freeAllocationIDs are two Elastic IPs allocated in the account outside the stack.
func freeAllocationIDs(t *testing.T, e *harness.Stack) map[string]any {
	var ids []any
	for i := range 2 {
		id, err := e.AWS.Cloud.Seed(standin.TypeEip, fmt.Sprintf("partner-allow-listed-%d", i), map[string]any{"domain": "vpc"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return map[string]any{"eipAllocationIds": ids}
}

// stillAllocated checks that the Elastic IPs the stack let go of still exist.
// runsTheRelease checks that the release is recorded as the one to return to, and that
// the stack's own image repository is gone.
func runsTheRelease(t *testing.T, e *harness.Stack, set map[string]any) {
	want := testReleaseRepository + "@" + set["releaseDigest"].(string)
	got, err := e.AWS.Cloud.Invoke("aws:ssm/getParameter:getParameter", resource.NewPropertyMapFromMap(map[string]any{"name": deploypolicy.ReleaseRecordName(testProject, e.Name)}))
	if err != nil || got["insecureValue"].StringValue() != want {
		t.Errorf("release record: %v, %v; want %s", got, err, want)
	}
	for _, u := range e.AWS.Cloud.LiveURNs() {
		if u.Type() == standin.TypeEcrRepository {
			t.Errorf("%s is left; the stack's own build goes with the release", u.Name())
		}
	}
}

func stillAllocated(t *testing.T, e *harness.Stack, set map[string]any) {
	for _, id := range set["eipAllocationIds"].([]any) {
		if _, err := e.AWS.Cloud.Invoke("aws:ec2/getElasticIp:getElasticIp", resource.NewPropertyMapFromMap(map[string]any{"id": id})); err != nil {
			t.Errorf("Elastic IP %v was released: %v", id, err)
		}
	}
}

// loggingOff checks that both load balancers stopped logging: left on, they would write
// to the deleted bucket's name, which anyone may claim.
// serviceDeployments counts each ECS service's deployments before a change (count, a
// prepare) and checks after it that every service rolled: one new deployment each
// (rolled, a verify). Rows run one at a time in a lane, each on its own stack.
type serviceDeployments struct {
	mu     sync.Mutex
	before map[*harness.Stack]map[string]int
}

var deployments = &serviceDeployments{before: map[*harness.Stack]map[string]int{}}

func (d *serviceDeployments) counts(t *testing.T, e *harness.Stack) map[string]int {
	out := map[string]int{}
	for _, r := range e.Resources(t) {
		if r.Type == standin.TypeEcsService {
			out[r.URN.Name()] = len(e.AWS.Cloud.DeploymentHistory(r.ID.String()))
		}
	}
	return out
}

func (d *serviceDeployments) count(t *testing.T, e *harness.Stack) map[string]any {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.before[e] = d.counts(t, e)
	return nil
}

func (d *serviceDeployments) rolled(t *testing.T, e *harness.Stack, _ map[string]any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for name, n := range d.counts(t, e) {
		if was := d.before[e][name]; n != was+1 {
			t.Errorf("%s: %d deployments after the change, %d before: want one new deployment (every service rolls)", name, n, was)
		}
	}
}

func loggingOff(t *testing.T, e *harness.Stack, _ map[string]any) {
	for _, r := range e.Resources(t) {
		if string(r.Type) != string(standin.TypeLoadBalancer) {
			continue
		}
		if logs, _ := r.Outputs["accessLogs"].(map[string]any); logs == nil || logs["enabled"] != false {
			t.Errorf("%s still logs after accessLogs false: %v", r.URN.Name(), r.Outputs["accessLogs"])
		}
	}
}

// settingsCovered maps a row to the registry settings it exercises.
func settingsCovered(c settingChange) []string {
	var keys []string
	for k := range c.set {
		keys = append(keys, k)
	}
	for _, k := range regexp.MustCompile("`([a-zA-Z]+)(?:\\[\\d+\\]\\.([a-zA-Z]+))?`").FindAllStringSubmatch(c.change, -1) {
		keys = append(keys, k[1])
		if k[2] != "" {
			keys = append(keys, k[2])
		}
	}
	return keys
}

// Every setting of the registry has a row, so a new setting cannot skip the table.
func TestChangeSafetyCoversEverySetting(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range settingChanges(t) {
		for _, k := range settingsCovered(c) {
			covered[k] = true
		}
	}
	for _, k := range slices.Compact(slices.Sorted(slices.Values(append(config.Keys(), config.ServiceKeys()...)))) {
		if !covered[k] {
			t.Errorf("setting %s has no row in settingChanges: add one (and run go test -run TestChangeSafety -update)", k)
		}
	}
}

// TestChangeSafety applies every row's change to a deployed dev stack. The rows run in
// lanes, each on a stack of its own, to use both cores of a small machine; a lane that is
// done takes the next rows from a queue shared with the others, so they end together.
func TestChangeSafety(t *testing.T) {
	changes := settingChanges(t)
	cli := harness.PulumiCLI(t)
	const lanes = 2
	rows := make([]string, len(changes)) // each row is written by the lane that ran it
	queue := changeQueue(changes)
	t.Run("lanes", func(t *testing.T) {
		for lane := range lanes {
			t.Run(fmt.Sprint(lane), func(t *testing.T) {
				t.Parallel()
				e := harness.NewStack(t, cli, harness.StackOptions{Name: "dev", ConfigFile: "Pulumi.dev.yaml", Program: program})
				// An account whose Elastic IP quota was raised: three AZs with a NAT gateway
				// each take 6 of the default 5, and kept Elastic IPs stay allocated.
				e.AWS.Cloud.SetQuota("ec2", "L-0263D0A3", 20)
				applyChanges(t, e, changes, queue, rows)
			})
		}
	})
	if !t.Failed() {
		checkReadmeTable(t, rows)
	}
}

// changeQueue hands out the rows as groups that share a base, so that a lane deploys a
// base once for all its rows: first the groups on a base of their own, then the rows on
// the dev stack itself one by one, the small pieces that let the lanes end together.
func changeQueue(changes []settingChange) <-chan []int {
	groups := map[string][]int{}
	for i, c := range changes {
		groups[baseKey(c)] = append(groups[baseKey(c)], i)
	}
	queue := make(chan []int, len(changes))
	for _, key := range slices.Sorted(maps.Keys(groups)) {
		if key != "" {
			queue <- groups[key]
		}
	}
	for _, i := range groups[""] {
		queue <- []int{i}
	}
	close(queue)
	return queue
}

// applyChanges applies the rows it takes from the queue to the stack, each from its base
// and back, and writes their table rows. Each row is previewed, applied and previewed
// again (which must plan nothing); going back to the base, or to the next group's base,
// is an up alone: no check reads a plan of it.
func applyChanges(t *testing.T, e *harness.Stack, changes []settingChange, queue <-chan []int, rows []string) {
	dev := devConfig(t)
	var kept []string // resources whose objects the stack let go of without deleting them
	up := func() harness.Plan {
		t.Helper()
		applied := e.Apply(t)
		for urn := range applied.Retained() {
			kept = append(kept, urn.Name())
		}
		return applied
	}
	deploy := func(settings map[string]any) {
		t.Helper()
		e.SetConfig(t, stackYAML(dev, settings))
		up()
	}
	deployedBase := "-"
	for group := range queue {
		for _, i := range group {
			c := changes[i]
			if key := baseKey(c); key != deployedBase {
				if c.from != nil {
					e.SetProgram(c.from) // the earlier release makes the base ...
				}
				deploy(c.base)
				e.SetProgram(program) // ... and this one changes it
				deployedBase = key
			}
			set := merge(c.base, c.set)
			if c.prepare != nil {
				set = merge(set, c.prepare(t, e))
			}
			e.SetConfig(t, stackYAML(dev, set))
			preview := e.Preview(t)
			applied := up()
			if c.verify != nil {
				c.verify(t, e, set)
			}
			if err := e.Preview(t).NoChanges(); err != nil {
				t.Errorf("%s: the changed stack does not converge: %v", c.change, err)
			}
			checkProtected(t, c, preview, applied)
			rows[i] = tableRow(c, applied)
			deploy(c.base) // back to the base for the next row
		}
	}
	deploy(nil)
	if err := e.Preview(t).NoChanges(); err != nil {
		t.Errorf("back on the dev config, the stack does not converge: %v", err)
	}
	e.Destroy(t, kept...)
}

func baseKey(c settingChange) string {
	b, _ := json.Marshal(c.base)
	switch {
	case c.from != nil:
		return "an earlier release: " + string(b)
	case c.base == nil:
		return ""
	}
	return string(b)
}

// checkProtected fails on a protected resource the change replaces or deletes without
// listing it, lists without doing it, or a preview warns of and up does not do.
func checkProtected(t *testing.T, c settingChange, preview, applied harness.Plan) {
	t.Helper()
	var got []string
	for urn, effect := range applied.Effects() {
		if _, protected := protectedTypes[urn.Type()]; protected && (effect == harness.Replaced || effect == harness.Deleted) {
			got = append(got, urn.Name())
		}
	}
	sort.Strings(got)
	if !slices.Equal(got, c.allowed) {
		t.Errorf("%s: replaces or deletes %v of the protected resources, the row allows %v", c.change, got, c.allowed)
	}
	planned, done := preview.Effects(), applied.Effects()
	for urn, effect := range planned {
		if (effect == harness.Replaced || effect == harness.Deleted) && done[urn] != effect {
			t.Errorf("%s: the preview plans %s %s, up did %q", c.change, effect, urn, done[urn])
		}
	}
	for urn, effect := range done {
		if effect == harness.Replaced && planned[urn] != effect {
			// The provider decides some replacements only once new ids are known (an NLB's
			// subnet mappings in a new VPC): the preview shows an update there.
			t.Logf("%s: the preview plans %q for %s, up replaced it", c.change, planned[urn], urn)
		}
	}
}

// tableRow is the table's row: the change, what it replaced, updated, added or removed,
// and its effect. Resource names with an AZ number are folded: nat-{0,1}-eip.
func tableRow(c settingChange, applied harness.Plan) string {
	by := map[harness.Effect][]string{}
	kept := applied.Retained()
	for urn, effect := range applied.Effects() {
		if urn.Type() == "pulumi:pulumi:Stack" || strings.HasPrefix(string(urn.Type()), "pulumi:providers:") {
			continue
		}
		name := urn.Name()
		if effect == harness.Deleted {
			name = "−" + name
			if kept[urn] {
				name += " (kept)"
			}
		} else if effect == harness.Created {
			name = "+" + name
		}
		by[effect] = append(by[effect], name)
	}
	cell := func(names ...[]string) string {
		var all []string
		for _, n := range names {
			all = append(all, n...)
		}
		if len(all) == 0 {
			return "–"
		}
		return strings.Join(foldNames(all), ", ")
	}
	return fmt.Sprintf("| %s | %s | %s | %s | %s |", c.change, cell(by[harness.Replaced]), cell(by[harness.Updated]),
		cell(by[harness.Created], by[harness.Deleted]), c.effect)
}

var azNumber = regexp.MustCompile(`-(\d)(-|\s|$)`)

// foldNames sorts names and folds those that differ only in an AZ number.
func foldNames(names []string) []string {
	groups := map[string][]string{}
	var keys []string
	for _, n := range names {
		key := n
		num := ""
		if m := azNumber.FindStringSubmatchIndex(n); m != nil {
			num = n[m[2]:m[3]]
			key = n[:m[2]] + "{}" + n[m[3]:]
		}
		if _, seen := groups[key]; !seen {
			keys = append(keys, key)
		}
		groups[key] = append(groups[key], num)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		nums := groups[k]
		sort.Strings(nums)
		if !strings.Contains(k, "{}") {
			out = append(out, k)
			continue
		}
		if len(nums) == 1 {
			out = append(out, strings.Replace(k, "{}", nums[0], 1))
			continue
		}
		out = append(out, strings.Replace(k, "{}", "{"+strings.Join(nums, ",")+"}", 1))
	}
	return out
}

const (
	tableBegin = "<!-- BEGIN change table: generated by `go test -run TestChangeSafety -update .` -->"
	tableEnd   = "<!-- END change table -->"
)

// changeTableFile holds the change table "What a change does".
const changeTableFile = "docs/changes.md"

// checkReadmeTable compares docs/changes.md's table with the rows, or rewrites it with -update.
func checkReadmeTable(t *testing.T, rows []string) {
	t.Helper()
	readme, err := os.ReadFile(changeTableFile)
	if err != nil {
		t.Fatal(err)
	}
	before, rest, ok1 := strings.Cut(string(readme), tableBegin)
	_, after, ok2 := strings.Cut(rest, tableEnd)
	if !ok1 || !ok2 {
		t.Fatalf("%s has no change table between %q and %q", changeTableFile, tableBegin, tableEnd)
	}
	table := strings.Join(append([]string{
		"| Change | Replaced | Updated in place | Added (+) / removed (−) | Static IPs and traffic |",
		"|---|---|---|---|---|",
	}, rows...), "\n")
	want := before + tableBegin + "\n" + table + "\n" + tableEnd + after
	if want == string(readme) {
		return
	}
	if *update {
		if err := os.WriteFile(changeTableFile, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: change table rewritten", changeTableFile)
		return
	}
	t.Errorf("%s's change table is not what the changes do; rerun with -update to rewrite it. It should read:\n%s", changeTableFile, table)
}

// devConfig is the dev stack file's config, the base of every change.
func devConfig(t *testing.T) map[string]any {
	t.Helper()
	out := map[string]any{}
	for k, v := range loadStackFiles(t, "Pulumi.dev.yaml") {
		if !strings.HasPrefix(k, testProject+":") {
			out[k] = v
		}
	}
	return out
}

// exampleConfig is an example's project settings, structured ones decoded.
func exampleConfig(t *testing.T, path string) map[string]any {
	t.Helper()
	out := map[string]any{}
	for k, v := range loadStackFiles(t, path) {
		key, ok := strings.CutPrefix(k, testProject+":")
		if !ok {
			continue
		}
		var decoded any
		if err := json.Unmarshal([]byte(v), &decoded); err == nil && (strings.HasPrefix(v, "{") || strings.HasPrefix(v, "[")) {
			out[key] = decoded
		} else {
			out[key] = v
		}
	}
	return out
}

// stackYAML is a stack file: provider config as the dev stack has it, project settings
// as JSON (which YAML reads as flow style).
func stackYAML(dev, settings map[string]any) []byte {
	var b strings.Builder
	b.WriteString("config:\n")
	all := map[string]any{}
	for k, v := range dev {
		all[k] = v
	}
	for k, v := range settings {
		all[testProject+":"+k] = v
	}
	for _, k := range slices.Sorted(maps.Keys(all)) {
		v, _ := json.Marshal(all[k])
		fmt.Fprintf(&b, "  %s: %s\n", k, v)
	}
	return []byte(b.String())
}

func merge(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func cloneJSON(v any) any {
	var out any
	b, _ := json.Marshal(v)
	_ = json.Unmarshal(b, &out)
	return out
}

// otherBuildDir is a copy of app/ with one more line in its main.go: another build context.
func otherBuildDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "app")
	err := filepath.WalkDir("app", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dir, strings.TrimPrefix(path, "app"))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if d.Name() == "main.go" {
			data = append(data, "\n// Another build of the service.\n"...)
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatalf("copying app/: %v", err)
	}
	return dir
}

func TestFoldNames(t *testing.T) {
	got := foldNames([]string{"nat-1-eip", "nat-0-eip", "−nlb-eip-0 (kept)", "−nlb-eip-1 (kept)", "alb", "private-0", "private-1", "nlb-alias-A", "public-2"})
	stacktest.EqualSlices(t, "folded", got, []string{"alb", "nat-{0,1}-eip", "nlb-alias-A", "private-{0,1}", "public-2", "−nlb-eip-{0,1} (kept)"})
}
