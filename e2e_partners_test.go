package main

// Partner-grade ingress under the real engine (the mocked tests are partners_test.go).

import (
	"fmt"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/stacktest"
	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/example/nlb-alb-fargate/internal/standin/harness"
)

// Under the real engine: a release whose target group's 5xx alarm fires during its
// deployment is rolled back by ECS when rollbackOnAlarm is on, and only then. Like the
// circuit breaker's, the rollback is unseen by the next preview (the state still names
// the new revision; docs/runbook.md, Roll back).
func TestEngineAlarmRollsBackABadRelease(t *testing.T) {
	t.Parallel()
	e := harness.NewStack(t, harness.PulumiCLI(t), harness.StackOptions{Name: "dev", ConfigFile: "Pulumi.dev.yaml", Program: program})
	dev := devConfig(t)
	e.Apply(t) // the release in service, revision 1
	for release, rollback := range []bool{true, false} {
		// A release: a new task definition revision that the service deploys.
		e.SetConfig(t, stackYAML(dev, map[string]any{"rollbackOnAlarm": rollback, "environment": map[string]any{"RELEASE": fmt.Sprint(release)}}))
		e.Apply(t)
		var serviceArn, alarm string
		for _, r := range e.Resources(t) {
			switch {
			case r.URN.Type() == standin.TypeEcsService && r.URN.Name() == "web-service":
				serviceArn = string(r.ID)
			case r.URN.Type() == standin.TypeCloudwatchMetricAlarm && r.URN.Name() == "web-deploy-5xx-alarm":
				alarm, _ = r.Outputs["name"].(string)
			}
		}
		failed, rolledBack, err := e.AWS.Cloud.FireAlarmDuringDeployment(serviceArn, alarm)
		if err != nil {
			t.Fatal(err)
		}
		stacktest.Equal(t, fmt.Sprintf("rollbackOnAlarm %v: the deployment failed, rolled back", rollback), fmt.Sprint(failed, rolledBack), fmt.Sprint(rollback, rollback))
		if err := e.Preview(t).NoChanges(); err != nil {
			t.Errorf("rollbackOnAlarm %v: after the alarm, the next preview: %v", rollback, err)
		}
	}
	e.Destroy(t)
}
