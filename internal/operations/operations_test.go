package operations

// The operations baseline's parts on their own, where a program run would show them less
// plainly (the program's own tests run the whole stack: operations_test.go at the root).

import (
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/site"
)

// In a Region opened after August 2022 there is no ELB account: the ALB's writer is the
// log delivery service alone.
func TestAccessLogPolicyInANewRegion(t *testing.T) {
	doc, err := accessLogPolicy("arn:aws:s3:::b", site.Account{ID: "123456789012", Region: "ap-southeast-5", Partition: "aws"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(doc, `"Sid":"AlbLogDelivery","Effect":"Allow","Principal":{"Service":"logdelivery.elasticloadbalancing.amazonaws.com"}`) {
		t.Errorf("new Region's ALB writer is not the log delivery service alone:\n%s", doc)
	}
}

// A dashboard's name is <project>-<stack> with what CloudWatch refuses made a hyphen.
func TestDashboardNameOfAnOddStack(t *testing.T) {
	if got, want := dashboardName("nlb-alb-fargate", "team.prod"), "nlb-alb-fargate-team-prod"; got != want {
		t.Errorf("dashboard name: got %q, want %q", got, want)
	}
}
