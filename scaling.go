package main

import (
	"fmt"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// scalingInputs is what target-tracking needs to name the service and its ALB metrics.
type scalingInputs struct {
	ClusterName pulumi.StringOutput
	ServiceName pulumi.StringOutput
	AlbSuffix   pulumi.StringOutput // the ALB's ARN suffix, for ALBRequestCountPerTarget
	TargetGroup *lb.TargetGroup
}

// newAutoscaling scales the service's desired count between min and max with
// target-tracking policies on average CPU and/or on ALB requests per task.
func newAutoscaling(ctx *pulumi.Context, cfg config.Service, in scalingInputs, svc *ecs.Service) error {
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
