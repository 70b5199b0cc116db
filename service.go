package main

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/operations"
	"github.com/example/nlb-alb-fargate/internal/site"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	awsecr "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-awsx/sdk/v2/go/awsx/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// serviceDeps is what the Fargate services take from the layers below them and the
// settings every service shares; newServices fills in the cluster and what it registers.
type serviceDeps struct {
	Network           *network
	Alb               *internalAlb
	Account           site.Account // its Region; the task roles trust ECS tasks of this account only
	ContainerInsights string
	Watch             operations.DeploymentWatch // each service's deployment alarms
	MTLS              *config.ClientAuth         // the ALB's mutual TLS, which the bundled app is told of
	// ReleaseImage is the release the services that build app/ run instead, by digest
	// (site.Site's); "" builds.
	ReleaseImage string

	// Filled in by newServices.
	Cluster *ecs.Cluster
	// FARGATE and FARGATE_SPOT, registered with the cluster before any service uses them.
	CapacityProviders *ecs.ClusterCapacityProviders
	// ALB listener ports of internal services, which every service may call.
	InternalPorts map[string]int
}

// fargateService is one deployed service and what outputs and later layers need of it.
type fargateService struct {
	Name         string
	Internal     bool
	InternalPort int
	TaskIdentity bool // the bundled app answers /whoami with the task's identity
	// Release is the task definition the service runs after this update; with
	// waitForSteadyState it errs when ECS rolled the release back (releaseOf).
	Release     pulumi.StringOutput
	Service     *ecs.Service
	TargetGroup *lb.TargetGroup
	LogGroup    *cloudwatch.LogGroup
}

// newServices creates the cluster, its FARGATE and FARGATE_SPOT capacity providers, and
// every service in it.
func newServices(ctx *pulumi.Context, configs []config.Service, deps serviceDeps) ([]*fargateService, *ecs.Cluster, error) {
	cluster, err := newCluster(ctx, deps.ContainerInsights)
	if err != nil {
		return nil, nil, err
	}
	providers, err := newCapacityProviders(ctx, cluster)
	if err != nil {
		return nil, nil, err
	}
	deps.Cluster, deps.CapacityProviders, deps.InternalPorts = cluster, providers, map[string]int{}
	for _, sc := range configs {
		if sc.Internal {
			deps.InternalPorts[sc.Name] = sc.InternalPort
		}
	}
	var services []*fargateService
	for _, sc := range configs {
		svc, err := newFargateService(ctx, sc, deps)
		if err != nil {
			return nil, nil, err
		}
		services = append(services, svc)
	}
	return services, cluster, nil
}

func firstPublic(services []*fargateService) *fargateService {
	for _, s := range services {
		if !s.Internal {
			return s
		}
	}
	return nil
}

// internalURLs maps each internal service to its address inside the VPC.
func internalURLs(alb *internalAlb, services []*fargateService) pulumi.StringMap {
	urls := pulumi.StringMap{}
	for _, s := range services {
		if s.Internal {
			urls[s.Name] = pulumi.Sprintf("http://%s:%d/", alb.LoadBalancer.DnsName, s.InternalPort)
		}
	}
	return urls
}

// newCluster creates the ECS cluster the services run in, with Container Insights as
// configured (FSBP ECS.12): the per-task and per-service metrics the dashboard and the
// running-tasks alarms read. The setting changes in place.
func newCluster(ctx *pulumi.Context, containerInsights string) (*ecs.Cluster, error) {
	cluster, err := ecs.NewCluster(ctx, "cluster", &ecs.ClusterArgs{
		Settings: ecs.ClusterSettingArray{ecs.ClusterSettingArgs{Name: pulumi.String("containerInsights"), Value: pulumi.String(containerInsights)}},
		Tags:     site.NameTag(ctx, "cluster"),
	})
	if err != nil {
		return nil, fmt.Errorf("creating ECS cluster: %w", err)
	}
	return cluster, nil
}

// capacityProviders are the Fargate capacity providers a service's strategy may name.
var capacityProviders = []string{"FARGATE", "FARGATE_SPOT"}

// newCapacityProviders registers FARGATE and FARGATE_SPOT with the cluster, which a
// service needs before it can use them in its capacity provider strategy.
func newCapacityProviders(ctx *pulumi.Context, cluster *ecs.Cluster) (*ecs.ClusterCapacityProviders, error) {
	cp, err := ecs.NewClusterCapacityProviders(ctx, "cluster-capacity-providers", &ecs.ClusterCapacityProvidersArgs{
		ClusterName:       cluster.Name,
		CapacityProviders: pulumi.ToStringArray(capacityProviders),
		// Every service names its own strategy; this default only applies to tasks run
		// without one (e.g. a one-off `aws ecs run-task`).
		DefaultCapacityProviderStrategies: ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArray{
			ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArgs{CapacityProvider: pulumi.String("FARGATE"), Weight: pulumi.Int(1)},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("registering capacity providers: %w", err)
	}
	return cp, nil
}

// capacityArgs sets the service's capacity provider strategy (never a launch type: ECS
// refuses both, and the provider replaces a service that switches between them). With
// forceNewDeployment, the provider changes one strategy to another in place, which ECS
// allows only together with a new deployment; the price is that every update of the
// service rolls its tasks.
func capacityArgs(cfg config.Service, args *ecs.ServiceArgs) {
	var items ecs.ServiceCapacityProviderStrategyArray
	for _, s := range cfg.CapacityStrategy() {
		items = append(items, ecs.ServiceCapacityProviderStrategyArgs{
			CapacityProvider: pulumi.String(s.CapacityProvider),
			Base:             pulumi.Int(s.Base),
			Weight:           pulumi.Int(s.Weight),
		})
	}
	args.CapacityProviderStrategies = items
	args.ForceNewDeployment = pulumi.Bool(true)
}

// ECS Exec runs the SSM agent in the container; it needs these channels.
const execCommandPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ssmmessages:CreateControlChannel","ssmmessages:CreateDataChannel","ssmmessages:OpenControlChannel","ssmmessages:OpenDataChannel"],"Resource":"*"}]}`

// newExecCommandPolicy grants the task role what ECS Exec needs.
func newExecCommandPolicy(ctx *pulumi.Context, name string, taskRole *iam.Role) error {
	_, err := iam.NewRolePolicy(ctx, name+"-exec-command-policy", &iam.RolePolicyArgs{
		Role:   taskRole.Name,
		Policy: pulumi.String(execCommandPolicy),
	})
	if err != nil {
		return fmt.Errorf("service %s: granting ECS Exec: %w", name, err)
	}
	return nil
}

// newFargateService deploys one service: its image, task definition, log group, target
// group and listener rule on the ALB, security group, and the ECS service itself.
func newFargateService(ctx *pulumi.Context, cfg config.Service, deps serviceDeps) (*fargateService, error) {
	n := cfg.Name
	logGroup, err := cloudwatch.NewLogGroup(ctx, n+"-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.Sprintf("/ecs/%s/%s/%s", ctx.Project(), ctx.Stack(), n),
		RetentionInDays: pulumi.Int(cfg.LogRetentionDays),
	})
	if err != nil {
		return nil, fmt.Errorf("service %s: creating log group: %w", n, err)
	}
	image, err := serviceImage(ctx, cfg, deps.ReleaseImage)
	if err != nil {
		return nil, err
	}
	execRole, taskRole, err := newTaskRoles(ctx, n, deps.Account)
	if err != nil {
		return nil, err
	}
	if cfg.EnableExecuteCommand {
		if err := newExecCommandPolicy(ctx, n, taskRole); err != nil {
			return nil, err
		}
	}
	if cfg.ImageCredentialsSecretArn != "" {
		if err := newRegistryCredentialsPolicy(ctx, n, execRole, cfg.ImageCredentialsSecretArn); err != nil {
			return nil, err
		}
	}
	if err := newSecretsPolicy(ctx, cfg, execRole); err != nil {
		return nil, err
	}
	taskDef, err := newTaskDefinition(ctx, cfg, taskDefinitionInputs{
		Image: image, LogGroup: logGroup.Name, Region: deps.Account.Region, Environment: internalServiceEnv(n, deps),
		ExecutionRoleArn: execRole.Arn, TaskRoleArn: taskRole.Arn, MTLS: deps.MTLS,
	})
	if err != nil {
		return nil, err
	}
	tg, routes, err := newServiceRouting(ctx, cfg, deps)
	if err != nil {
		return nil, err
	}
	sg, err := newServiceSecurityGroup(ctx, cfg, deps)
	if err != nil {
		return nil, err
	}
	alarmNames, err := operations.NewDeploymentAlarms(ctx, n, tg.ArnSuffix, deps.Watch)
	if err != nil {
		return nil, err
	}
	args := &ecs.ServiceArgs{
		Cluster:              deps.Cluster.Arn,
		TaskDefinition:       taskDef.Arn,
		DesiredCount:         pulumi.Int(cfg.DesiredCount),
		EnableExecuteCommand: pulumi.Bool(cfg.EnableExecuteCommand),
		NetworkConfiguration: &ecs.ServiceNetworkConfigurationArgs{
			Subnets:        deps.Network.PrivateSubnetIDs,
			SecurityGroups: pulumi.StringArray{sg.ID()},
			AssignPublicIp: pulumi.Bool(false),
		},
		LoadBalancers: ecs.ServiceLoadBalancerArray{ecs.ServiceLoadBalancerArgs{
			TargetGroupArn: tg.Arn,
			ContainerName:  pulumi.String(n),
			ContainerPort:  pulumi.Int(cfg.ContainerPort),
		}},
		HealthCheckGracePeriodSeconds: pulumi.Int(cfg.HealthCheckGracePeriod),
		// Rolling deployment that never drops below half capacity, and that rolls back on
		// its own when new tasks keep failing, instead of retrying forever.
		DeploymentMinimumHealthyPercent: pulumi.Int(50),
		DeploymentMaximumPercent:        pulumi.Int(200),
		DeploymentCircuitBreaker: &ecs.ServiceDeploymentCircuitBreakerArgs{
			Enable:   pulumi.Bool(true),
			Rollback: pulumi.Bool(true),
		},
		// And when the service's own 5xx or latency alarm fires during a deployment. The
		// block is always sent, off as {enable: false}: the provider sends nothing for a
		// removed block, and ECS would keep watching the alarms.
		Alarms: &ecs.ServiceAlarmsArgs{
			AlarmNames: alarmNames,
			Enable:     pulumi.Bool(deps.Watch.Alarms.RollbackOnAlarm),
			Rollback:   pulumi.Bool(deps.Watch.Alarms.RollbackOnAlarm),
		},
		PropagateTags:        pulumi.String("SERVICE"),
		EnableEcsManagedTags: pulumi.Bool(true),
		Tags:                 site.NameTag(ctx, n+"-service"),
		// `pulumi up` waits for the rollout (the provider's waitServiceStable); releaseOf
		// then checks which revision the service settled on.
		WaitForSteadyState: pulumi.Bool(cfg.WaitForSteadyState),
	}
	capacityArgs(cfg, args)
	// ECS refuses a target group that no listener (rule) uses yet, and a capacity
	// provider the cluster has not registered.
	opts := []pulumi.ResourceOption{pulumi.DependsOn(append(routes, deps.CapacityProviders))}
	if cfg.Autoscaling != nil {
		// Scaling owns the desired count; `pulumi up` must not reset it.
		opts = append(opts, pulumi.IgnoreChanges([]string{"desiredCount"}))
	}
	if cfg.WaitForSteadyState {
		// A first deploy whose tasks never pass their health checks has nothing to roll
		// back to: the deployment stalls, and the waiter runs out its create timeout
		// (20 minutes by default). A healthy first rollout takes a few minutes, so 10.
		opts = append(opts, pulumi.Timeouts(&pulumi.CustomTimeouts{Create: firstRolloutTimeout}))
	}
	svc, err := ecs.NewService(ctx, n+"-service", args, opts...)
	if err != nil {
		return nil, fmt.Errorf("service %s: creating ECS service: %w", n, err)
	}
	if cfg.Autoscaling != nil {
		in := scalingInputs{ClusterName: deps.Cluster.Name, ServiceName: svc.Name, AlbSuffix: deps.Alb.LoadBalancer.ArnSuffix, TargetGroup: tg}
		if err := newAutoscaling(ctx, cfg, in, svc); err != nil {
			return nil, err
		}
	}
	return &fargateService{
		Name: n, Internal: cfg.Internal, InternalPort: cfg.InternalPort, TaskIdentity: cfg.TaskIdentity,
		Service: svc, TargetGroup: tg, LogGroup: logGroup,
		Release: releaseOf(cfg, svc, taskDef, rollbackHints{Region: deps.Account.Region, Cluster: deps.Cluster.Name, Alarms: alarmNames, AlarmsWatch: deps.Watch.Alarms.RollbackOnAlarm}),
	}, nil
}

// firstRolloutTimeout is how long `pulumi up` waits for a new service's first rollout.
const firstRolloutTimeout = "10m"

// rollbackHints are what a release check's message names: where to look, and what could
// have rolled the release back.
type rollbackHints struct {
	Region      string
	Cluster     pulumi.StringOutput
	Alarms      pulumi.StringArray // the service's deployment alarms
	AlarmsWatch bool               // rollbackOnAlarm: ECS rolls back when one fires
}

// releaseOf is the task definition the service runs after this update, and the
// service's postcondition, the Pulumi counterpart of the one terraform-aws-modules/
// terraform-aws-ecs#325 describes. With waitForSteadyState the provider's waiter
// (waitServiceStable) reports success once the service is stable again, also at the
// previous revision after ECS rolled the release back, and its Read stores that revision
// (terraform-provider-aws#20858; fixed in its v6, which only pulumi-aws v7 carries). So the
// output errs when the service does not run the revision this update registered, with
// what to run to see why. main exports it (releases), which is what makes that error fail
// `pulumi up`: an apply's error fails an update only when its output is exported or feeds
// a resource. In a preview the new revision is unknown, so nothing is checked, and
// nothing waits. Without waitForSteadyState it is what the service's state says.
func releaseOf(cfg config.Service, svc *ecs.Service, taskDef *ecs.TaskDefinition, why rollbackHints) pulumi.StringOutput {
	running := svc.TaskDefinition.Elem()
	if !cfg.WaitForSteadyState {
		return running
	}
	return pulumi.All(running, taskDef.Arn, svc.Name, why.Cluster, why.Alarms).ApplyT(func(v []any) (string, error) {
		running, registered := v[0].(string), v[1].(string)
		if running == registered {
			return running, nil
		}
		var alarms []string
		if why.AlarmsWatch {
			alarms = v[4].([]string)
		}
		return "", rolledBack(cfg.Name, running, registered, v[2].(string), v[3].(string), why.Region, alarms)
	}).(pulumi.StringOutput)
}

// rolledBack is the error of a release ECS rolled back: which revision the service went
// back to, what rolls releases back, and the commands that show why.
func rolledBack(name, running, registered, service, cluster, region string, alarms []string) error {
	what := "ECS's deployment circuit breaker (tasks that keep failing to start or to pass their health checks)"
	if len(alarms) > 0 {
		what += " or one of the service's deployment alarms (" + strings.Join(alarms, ", ") + ")"
	}
	where := fmt.Sprintf("--region %s --cluster %s", region, cluster)
	return fmt.Errorf("service %s: the release did not take: ECS rolled the service back to task definition revision %s (%s), not revision %s that this update registered; %s rolled it back.\n"+
		"  What ECS did, newest first:\n    aws ecs describe-services %s --services %s --query 'services[0].events[:5]'\n"+
		"  Why the new tasks stopped:\n    aws ecs describe-tasks %s --tasks $(aws ecs list-tasks %s --service-name %s --desired-status STOPPED --query 'taskArns' --output text) --query 'tasks[].[taskDefinitionArn,stoppedReason]'\n"+
		"  The next pulumi up deploys this release again: fix the image or its settings first (docs/runbook.md, When it does not answer)",
		name, revisionOf(running), familyRevision(running), revisionOf(registered), what, where, service, where, where, service)
}

// revisionOf is the revision of a task definition ARN (…:task-definition/family:N).
func revisionOf(arn string) string {
	return arn[strings.LastIndex(arn, ":")+1:]
}

// familyRevision is family:revision of a task definition ARN.
func familyRevision(arn string) string {
	return arn[strings.LastIndex(arn, "/")+1:]
}

// serviceImage is the configured image; for a service that builds app/, the release when
// the stack runs releases; else one built from the build directory and pushed to a
// private ECR repository (what CDK's ContainerImage.fromAsset does).
func serviceImage(ctx *pulumi.Context, cfg config.Service, release string) (pulumi.StringOutput, error) {
	switch {
	case cfg.Image != "":
		return pulumi.String(cfg.Image).ToStringOutput(), nil
	case release != "" && cfg.BuiltFromBundledApp():
		return pulumi.String(release).ToStringOutput(), nil
	}
	repo, err := ecr.NewRepository(ctx, cfg.Name+"-repo", &ecr.RepositoryArgs{
		ForceDelete: pulumi.BoolPtr(true), // `pulumi destroy` must not stop at pushed images
		// ECR scans each pushed image for known vulnerabilities (FSBP ECR.1). The setting is
		// per repository, which AWS deprecates for the registry-level one; a registry-level
		// configuration, where an account has one, takes precedence (docs/operations.md, Image scanning).
		ImageScanningConfiguration: &awsecr.RepositoryImageScanningConfigurationArgs{ScanOnPush: pulumi.Bool(true)},
	})
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("service %s: creating ECR repository: %w", cfg.Name, err)
	}
	img, err := ecr.NewImage(ctx, cfg.Name+"-image", &ecr.ImageArgs{
		RepositoryUrl: repo.Url,
		Context:       pulumi.String(cfg.Build),
		Dockerfile:    pulumi.String(filepath.Join(cfg.Build, "Dockerfile")),
		Platform:      pulumi.String(imagePlatform(cfg.CpuArchitecture)), // matches the task's runtime platform
	})
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("service %s: building image from %s: %w", cfg.Name, cfg.Build, err)
	}
	return img.ImageUri, nil
}

// ecsTasksTrust is the trust policy of a task's role: ECS tasks may assume it, and only on
// behalf of this account (aws:SourceAccount), which stops another account's tasks from
// using ECS as a confused deputy. The task role is also held to ECS in this Region
// (aws:SourceArn, "arn:aws:ecs:<region>:<account>:*": ECS cannot scope it to one
// cluster); AWS documents that key for the task role, not the execution role.
func ecsTasksTrust(account site.Account, withSourceArn bool) (string, error) {
	cond := map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": account.ID}}
	if withSourceArn {
		cond["ArnLike"] = map[string]any{"aws:SourceArn": account.ARN("ecs", "*")}
	}
	return site.PolicyJSON(site.PolicyStatement{
		Effect: "Allow", Principal: map[string]string{"Service": "ecs-tasks.amazonaws.com"}, Action: "sts:AssumeRole", Condition: cond,
	})
}

// newTaskRoles creates the execution role (ECS pulls the image and writes logs with it)
// and the task role (the application's own AWS identity, empty by default).
func newTaskRoles(ctx *pulumi.Context, name string, account site.Account) (exec, task *iam.Role, err error) {
	execTrust, err := ecsTasksTrust(account, false)
	if err != nil {
		return nil, nil, fmt.Errorf("service %s: writing the execution role's trust policy: %w", name, err)
	}
	taskTrust, err := ecsTasksTrust(account, true)
	if err != nil {
		return nil, nil, fmt.Errorf("service %s: writing the task role's trust policy: %w", name, err)
	}
	exec, err = iam.NewRole(ctx, name+"-exec-role", account.RoleArgs(ctx, execTrust))
	if err != nil {
		return nil, nil, fmt.Errorf("service %s: creating execution role: %w", name, err)
	}
	_, err = iam.NewRolePolicyAttachment(ctx, name+"-exec-policy", &iam.RolePolicyAttachmentArgs{
		Role:      exec.Name,
		PolicyArn: pulumi.String("arn:" + account.Partition + ":iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"),
	})
	if err != nil {
		return nil, nil, fmt.Errorf("service %s: attaching execution policy: %w", name, err)
	}
	task, err = iam.NewRole(ctx, name+"-task-role", account.RoleArgs(ctx, taskTrust))
	if err != nil {
		return nil, nil, fmt.Errorf("service %s: creating task role: %w", name, err)
	}
	return exec, task, nil
}

// newRegistryCredentialsPolicy lets the execution role, which pulls the image, read the
// private registry's credentials: that one secret and nothing else.
func newRegistryCredentialsPolicy(ctx *pulumi.Context, name string, execRole *iam.Role, secretArn string) error {
	policy, err := site.PolicyJSON(site.PolicyStatement{Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArn})
	if err != nil {
		return fmt.Errorf("service %s: encoding the registry credentials policy: %w", name, err)
	}
	_, err = iam.NewRolePolicy(ctx, name+"-registry-credentials", &iam.RolePolicyArgs{
		Role:   execRole.Name,
		Policy: pulumi.String(policy),
	})
	if err != nil {
		return fmt.Errorf("service %s: granting the registry credentials: %w", name, err)
	}
	return nil
}

type taskDefinitionInputs struct {
	Environment      map[string]pulumi.StringInput // besides PORT
	Image            pulumi.StringOutput
	LogGroup         pulumi.StringOutput
	Region           string
	ExecutionRoleArn pulumi.StringOutput
	TaskRoleArn      pulumi.StringOutput
	MTLS             *config.ClientAuth
}

// newTaskDefinition describes the task: size, one essential container, its logs.
func newTaskDefinition(ctx *pulumi.Context, cfg config.Service, in taskDefinitionInputs) (*ecs.TaskDefinition, error) {
	td, err := ecs.NewTaskDefinition(ctx, cfg.Name+"-task", &ecs.TaskDefinitionArgs{
		Family:                  pulumi.String(taskFamily(ctx.Project(), ctx.Stack(), cfg.Name)),
		Cpu:                     pulumi.String(strconv.Itoa(cfg.Cpu)),
		Memory:                  pulumi.String(strconv.Itoa(cfg.Memory)),
		NetworkMode:             pulumi.String("awsvpc"),
		RequiresCompatibilities: pulumi.StringArray{pulumi.String("FARGATE")},
		RuntimePlatform: &ecs.TaskDefinitionRuntimePlatformArgs{
			OperatingSystemFamily: pulumi.String("LINUX"),
			CpuArchitecture:       pulumi.String(cfg.CpuArchitecture),
		},
		ExecutionRoleArn:     in.ExecutionRoleArn,
		TaskRoleArn:          in.TaskRoleArn,
		ContainerDefinitions: pulumi.JSONMarshal(pulumi.Array{containerDefinition(cfg, in)}),
	})
	if err != nil {
		return nil, fmt.Errorf("service %s: creating task definition: %w", cfg.Name, err)
	}
	return td, nil
}

// taskFamily names the task definition after the project, stack and service. ECS allows
// letters, digits, underscores and hyphens, at most 255; Pulumi's project and stack names
// may also hold dots (and a project name other characters), so anything else becomes a
// hyphen, and a long prefix is cut, never the service name.
func taskFamily(project, stack, service string) string {
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == '-' || r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
				return r
			}
			return '-'
		}, s)
	}
	prefix := clean(project + "-" + stack + "-")
	if limit := maxTaskFamily - len(service); len(prefix) > limit {
		prefix = prefix[:limit]
	}
	return prefix + clean(service)
}

// maxTaskFamily is ECS's limit on a task definition family's length.
const maxTaskFamily = 255

func containerDefinition(cfg config.Service, in taskDefinitionInputs) pulumi.Map {
	c := pulumi.Map{
		"name":      pulumi.String(cfg.Name),
		"image":     in.Image,
		"essential": pulumi.Bool(true),
		"memory":    pulumi.Int(cfg.ContainerMemory),
		"portMappings": pulumi.Array{pulumi.Map{
			"containerPort": pulumi.Int(cfg.ContainerPort),
			"protocol":      pulumi.String("tcp"),
		}},
		"environment": containerEnvironment(cfg, in.MTLS, in.Environment),
		// How long ECS waits after SIGTERM before SIGKILL: the time the app has to drain.
		"stopTimeout": pulumi.Int(cfg.StopTimeout),
		"logConfiguration": pulumi.Map{
			"logDriver": pulumi.String("awslogs"),
			"options": pulumi.Map{
				"awslogs-group":         in.LogGroup,
				"awslogs-region":        pulumi.String(in.Region),
				"awslogs-stream-prefix": pulumi.String(cfg.Name),
				// A full log buffer drops lines instead of blocking the application.
				"mode":            pulumi.String("non-blocking"),
				"max-buffer-size": pulumi.String("25m"),
			},
		},
	}
	if cfg.EnableExecuteCommand {
		// An init process reaps the SSM agent's child processes that ECS Exec sessions
		// leave behind, as AWS recommends for Exec.
		c["linuxParameters"] = pulumi.Map{"initProcessEnabled": pulumi.Bool(true)}
	}
	if cfg.BuiltFromBundledApp() && !cfg.EnableExecuteCommand {
		// The bundled app writes no files, so it runs on a read-only root filesystem.
		// ECS Exec's agent must write into the container, so Exec keeps it writable.
		c["readonlyRootFilesystem"] = pulumi.Bool(true)
	}
	if hc := containerHealthCheckOf(cfg); hc != nil {
		c["healthCheck"] = hc
	}
	if len(cfg.Secrets) > 0 {
		// Only the ARNs: ECS reads the values with the execution role when a task starts.
		c["secrets"] = containerSecrets(cfg.Secrets)
	}
	if cfg.ImageCredentialsSecretArn != "" {
		c["repositoryCredentials"] = pulumi.Map{"credentialsParameter": pulumi.String(cfg.ImageCredentialsSecretArn)}
	}
	return c
}

// bundledAppHealthCheck is the bundled app's probe: its own binary asks /healthz, as the
// image has no shell.
var bundledAppHealthCheck = config.ContainerHealthCheck{Command: []string{"CMD", "/server", "-healthcheck"}, Interval: 10, Timeout: 5, Retries: 3, StartPeriod: 10}

// containerHealthCheckOf is the container's ECS health check: the configured one, the
// bundled app's probe, or none (an image's own probe is not known).
func containerHealthCheckOf(cfg config.Service) pulumi.Map {
	hc := cfg.ContainerHealthCheck
	if hc == nil && cfg.BuiltFromBundledApp() {
		hc = &bundledAppHealthCheck
	}
	if hc == nil {
		return nil
	}
	m := pulumi.Map{"command": pulumi.ToStringArray(hc.Command)}
	for k, v := range map[string]int{"interval": hc.Interval, "timeout": hc.Timeout, "retries": hc.Retries, "startPeriod": hc.StartPeriod} {
		// Unset stays unsent: ECS fills in interval, timeout and retries and the provider's
		// containerDefinitionsAreEquivalent expects them; ECS returns no startPeriod unless
		// one was sent, so sending a 0 would only risk a difference on every up.
		if v != 0 {
			m[k] = pulumi.Int(v)
		}
	}
	return m
}

// containerEnvironment is the service's environment, PORT (and the bundled app's
// TASK_IDENTITY, and MTLS_MODE and MTLS_PORT, when on) and the internal services' addresses, sorted by name as the
// provider stores them (orderEnvironmentVariables), so a second run plans nothing.
// Validation keeps the user's names apart from the stack's.
func containerEnvironment(cfg config.Service, mtls *config.ClientAuth, internalURLs map[string]pulumi.StringInput) pulumi.Array {
	vars := map[string]pulumi.StringInput{"PORT": pulumi.String(strconv.Itoa(cfg.ContainerPort))}
	if cfg.TaskIdentity {
		vars["TASK_IDENTITY"] = pulumi.String("true")
	}
	if mtls != nil {
		// The ALB's client-certificate headers mean something only with mtls, and only on
		// requests through the HTTPS listener: the bundled app reads them only when told
		// which mode sends them, and on which port.
		vars["MTLS_MODE"] = pulumi.String(mtls.Mode)
		vars["MTLS_PORT"] = pulumi.String(strconv.Itoa(mtls.Port))
	}
	for k, v := range cfg.Environment {
		vars[k] = pulumi.String(v)
	}
	maps.Copy(vars, internalURLs)
	var env pulumi.Array
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		env = append(env, pulumi.Map{"name": pulumi.String(k), "value": vars[k]})
	}
	return env
}

// internalServiceEnv tells a service where the internal services are: API_URL for "api".
func internalServiceEnv(self string, deps serviceDeps) map[string]pulumi.StringInput {
	env := map[string]pulumi.StringInput{}
	for name, port := range deps.InternalPorts {
		if name != self {
			env[config.InternalURLVar(name)] = pulumi.Sprintf("http://%s:%d", deps.Alb.LoadBalancer.DnsName, port)
		}
	}
	return env
}

// newServiceRouting creates the service's ip target group and what sends requests to it:
// a rule on the public listener for its paths and hosts, or, for an internal service, an
// ALB listener of its own that the NLB does not forward to.
func newServiceRouting(ctx *pulumi.Context, cfg config.Service, deps serviceDeps) (*lb.TargetGroup, []pulumi.Resource, error) {
	tg, err := lb.NewTargetGroup(ctx, cfg.Name+"-tg", &lb.TargetGroupArgs{
		TargetType: pulumi.String("ip"), // awsvpc tasks register by IP
		Protocol:   pulumi.String("HTTP"),
		Port:       pulumi.Int(cfg.ContainerPort),
		VpcId:      deps.Network.VpcID,
		HealthCheck: &lb.TargetGroupHealthCheckArgs{
			Protocol: pulumi.String("HTTP"),
			Path:     pulumi.String(cfg.HealthCheckPath),
			Matcher:  pulumi.String("200"),
			Interval: pulumi.Int(cfg.HealthCheckInterval),
			Timeout:  pulumi.Int(cfg.HealthCheckTimeout),
		},
		// Short drain: the app stops in a few seconds, so deploys need not wait 300 s.
		DeregistrationDelay: pulumi.Int(cfg.DeregistrationDelay),
		Tags:                site.NameTag(ctx, cfg.Name+"-tg"),
	})
	if err != nil {
		return nil, nil, fmt.Errorf("service %s: creating target group: %w", cfg.Name, err)
	}
	if cfg.Internal {
		listener, err := newInternalListener(ctx, cfg, deps, tg)
		return tg, []pulumi.Resource{listener}, err
	}
	var rules []pulumi.Resource
	for _, e := range deps.Alb.Entrances {
		if !e.Serves {
			continue // an HTTP listener that redirects to HTTPS
		}
		rule, err := lb.NewListenerRule(ctx, cfg.Name+"-rule"+e.Suffix, &lb.ListenerRuleArgs{
			ListenerArn: e.Listener.Arn,
			Priority:    pulumi.Int(cfg.Priority),
			Conditions:  ruleConditions(cfg),
			Actions:     lb.ListenerRuleActionArray{lb.ListenerRuleActionArgs{Type: pulumi.String("forward"), TargetGroupArn: tg.Arn}},
		})
		if err != nil {
			return nil, nil, fmt.Errorf("service %s: creating listener rule%s: %w", cfg.Name, e.Suffix, err)
		}
		rules = append(rules, rule)
	}
	return tg, rules, nil
}

// newInternalListener gives an internal service its own ALB port, open to the VPC only.
func newInternalListener(ctx *pulumi.Context, cfg config.Service, deps serviceDeps, tg *lb.TargetGroup) (*lb.Listener, error) {
	n := cfg.Name
	listener, err := lb.NewListener(ctx, n+"-internal-listener", &lb.ListenerArgs{
		LoadBalancerArn: deps.Alb.LoadBalancer.Arn,
		Port:            pulumi.Int(cfg.InternalPort),
		Protocol:        pulumi.String("HTTP"),
		DefaultActions: lb.ListenerDefaultActionArray{lb.ListenerDefaultActionArgs{
			Type: pulumi.String("forward"), TargetGroupArn: tg.Arn,
		}},
	})
	if err != nil {
		return nil, fmt.Errorf("service %s: creating internal listener: %w", n, err)
	}
	err = addIngress(ctx, deps.Alb.SecurityGroup, securityGroupRule{
		name: "alb-" + n + "-from-vpc", description: "Internal service " + n + " from inside the VPC",
		port: cfg.InternalPort, cidrIPv4: deps.Network.VpcCidr,
	})
	if err != nil {
		return nil, err
	}
	return listener, nil
}

func ruleConditions(cfg config.Service) lb.ListenerRuleConditionArray {
	var conds lb.ListenerRuleConditionArray
	if len(cfg.PathPatterns) > 0 {
		conds = append(conds, lb.ListenerRuleConditionArgs{
			PathPattern: &lb.ListenerRuleConditionPathPatternArgs{Values: pulumi.ToStringArray(cfg.PathPatterns)},
		})
	}
	if len(cfg.HostHeaders) > 0 {
		conds = append(conds, lb.ListenerRuleConditionArgs{
			HostHeader: &lb.ListenerRuleConditionHostHeaderArgs{Values: pulumi.ToStringArray(cfg.HostHeaders)},
		})
	}
	return conds
}

// newServiceSecurityGroup admits the container port from the ALB only, and lets tasks
// open HTTPS connections out (ECR image pulls, CloudWatch Logs, AWS APIs) and nothing else.
func newServiceSecurityGroup(ctx *pulumi.Context, cfg config.Service, deps serviceDeps) (*ec2.SecurityGroup, error) {
	n := cfg.Name
	sg, err := newSecurityGroup(ctx, n+"-sg", fmt.Sprintf("Fargate service %s: container port from the ALB only", n), deps.Network.VpcID)
	if err != nil {
		return nil, err
	}
	if err := addIngress(ctx, sg, securityGroupRule{name: n + "-from-alb", description: "Container port from the ALB", port: cfg.ContainerPort, peer: deps.Alb.SecurityGroup.ID()}); err != nil {
		return nil, err
	}
	err = addEgress(ctx, sg,
		securityGroupRule{name: n + "-https-out-ipv4", description: "HTTPS to AWS APIs over IPv4", port: 443, cidrIPv4: "0.0.0.0/0"},
		securityGroupRule{name: n + "-https-out-ipv6", description: "HTTPS to AWS APIs over IPv6", port: 443, cidrIPv6: "::/0"},
	)
	if err != nil {
		return nil, err
	}
	// Tasks may call the internal services through the ALB by its DNS name.
	for _, other := range slices.Sorted(maps.Keys(deps.InternalPorts)) {
		if other == n {
			continue
		}
		err := addEgress(ctx, sg, securityGroupRule{name: n + "-to-" + other, description: "Internal service " + other + " through the ALB", port: deps.InternalPorts[other], peer: deps.Alb.SecurityGroup.ID()})
		if err != nil {
			return nil, err
		}
	}
	if err := addEgress(ctx, deps.Alb.SecurityGroup, securityGroupRule{name: "alb-to-" + n, description: "Forward and health-check to " + n, port: cfg.ContainerPort, peer: sg.ID()}); err != nil {
		return nil, err
	}
	return sg, nil
}
