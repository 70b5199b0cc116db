package standin

// Application Auto Scaling (terraform-provider-aws internal/service/appautoscaling): the
// scalable target of an ECS service and its scaling policies.

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// The Pulumi type tokens of the Application Auto Scaling models.
const (
	TypeAppautoscalingTarget tokens.Type = "aws:appautoscaling/target:Target"
	TypeAppautoscalingPolicy tokens.Type = "aws:appautoscaling/policy:Policy"
)

func init() {
	register(map[tokens.Type]*model{
		TypeAppautoscalingTarget: {
			tf: "aws_appautoscaling_target", source: "internal/service/appautoscaling/target.go",
			forceNew: []string{"resourceId", "scalableDimension", "serviceNamespace"},
			computed: []string{"roleArn", "suspendedState"},
			tagged:   true,
			create:   createScalingTarget,
		},
		TypeAppautoscalingPolicy: {
			tf: "aws_appautoscaling_policy", source: "internal/service/appautoscaling/policy.go",
			forceNew: []string{"name", "resourceId", "scalableDimension", "serviceNamespace"},
			defaults: map[string]any{"policyType": "StepScaling"},
			autoname: 255,
			create: func(o *op) (string, map[string]any, error) {
				name := str(o.in, "name")
				var alarms []any
				if str(o.in, "policyType") == "TargetTrackingScaling" {
					// Target tracking makes two CloudWatch alarms, one each way.
					for _, dir := range []string{"AlarmHigh", "AlarmLow"} {
						alarms = append(alarms, o.arn("cloudwatch", fmt.Sprintf("alarm:TargetTracking-%s-%s-%s", str(o.in, "resourceId"), dir, uuid(o.hex(dir, 32)))))
					}
				}
				return name, map[string]any{
					"arn": o.arn("autoscaling", fmt.Sprintf("scalingPolicy:%s:resource/%s/%s:policyName/%s",
						uuid(o.hex("uuid", 32)), str(o.in, "serviceNamespace"), str(o.in, "resourceId"), name)),
					"alarmArns": alarms,
				}, nil
			},
		},
	})
}

// createScalingTarget registers a scalable target; Application Auto Scaling refuses one
// for an ECS service that does not exist yet.
func createScalingTarget(o *op) (string, map[string]any, error) {
	resourceID := str(o.in, "resourceId")
	if !o.preview && str(o.in, "serviceNamespace") == "ecs" {
		found := false
		for id := range o.c.liveOfType(TypeEcsService) {
			if strings.HasSuffix(id, ":"+resourceID) {
				found = true
			}
		}
		if !found {
			return "", nil, fmt.Errorf("ValidationException: ECS service doesn't exist: %s", resourceID)
		}
	}
	return resourceID, map[string]any{
		"arn": o.arn("application-autoscaling", "scalable-target/"+o.hex("id", 32)),
		"roleArn": fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"+
			"AWSServiceRoleForApplicationAutoScaling_ECSService", Account),
		"suspendedState": map[string]any{"dynamicScalingInSuspended": false, "dynamicScalingOutSuspended": false, "scheduledScalingSuspended": false},
	}, nil
}
