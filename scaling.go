package main

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

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
func capacityArgs(cfg serviceConfig, args *ecs.ServiceArgs) {
	var items ecs.ServiceCapacityProviderStrategyArray
	for _, s := range cfg.capacityStrategy() {
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

// scalingInputs is what target-tracking needs to name the service and its ALB metrics.
type scalingInputs struct {
	ClusterName pulumi.StringOutput
	ServiceName pulumi.StringOutput
	AlbSuffix   pulumi.StringOutput // the ALB's ARN suffix, for ALBRequestCountPerTarget
	TargetGroup *lb.TargetGroup
}

// newAutoscaling scales the service's desired count between min and max with
// target-tracking policies on average CPU and/or on ALB requests per task.
func newAutoscaling(ctx *pulumi.Context, cfg serviceConfig, in scalingInputs, svc *ecs.Service) error {
	a, n := cfg.Autoscaling, cfg.Name
	target, err := appautoscaling.NewTarget(ctx, n+"-scaling-target", &appautoscaling.TargetArgs{
		ServiceNamespace:  pulumi.String("ecs"),
		ScalableDimension: pulumi.String("ecs:service:DesiredCount"),
		ResourceId:        pulumi.Sprintf("service/%s/%s", in.ClusterName, in.ServiceName),
		MinCapacity:       pulumi.Int(a.Min),
		MaxCapacity:       pulumi.Int(a.Max),
	}, pulumi.DependsOn([]pulumi.Resource{svc}))
	if err != nil {
		return fmt.Errorf("service %s: creating scaling target: %w", n, err)
	}
	policy := func(name string, value int, metric *appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs) error {
		_, err := appautoscaling.NewPolicy(ctx, n+"-"+name, &appautoscaling.PolicyArgs{
			PolicyType:        pulumi.String("TargetTrackingScaling"),
			ServiceNamespace:  target.ServiceNamespace,
			ScalableDimension: target.ScalableDimension,
			ResourceId:        target.ResourceId,
			TargetTrackingScalingPolicyConfiguration: &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs{
				TargetValue:                   pulumi.Float64(float64(value)),
				PredefinedMetricSpecification: metric,
				ScaleInCooldown:               pulumi.Int(60),
				ScaleOutCooldown:              pulumi.Int(60),
			},
		})
		if err != nil {
			return fmt.Errorf("service %s: creating %s policy: %w", n, name, err)
		}
		return nil
	}
	if a.CpuTarget > 0 {
		err := policy("cpu-scaling", a.CpuTarget, &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs{
			PredefinedMetricType: pulumi.String("ECSServiceAverageCPUUtilization"),
		})
		if err != nil {
			return err
		}
	}
	if a.RequestsPerTarget > 0 {
		err := policy("requests-scaling", a.RequestsPerTarget, &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs{
			PredefinedMetricType: pulumi.String("ALBRequestCountPerTarget"),
			ResourceLabel:        pulumi.Sprintf("%s/%s", in.AlbSuffix, in.TargetGroup.ArnSuffix),
		})
		if err != nil {
			return err
		}
	}
	return nil
}
