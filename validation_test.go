package main

// Bad config through the whole program. The table of every refusal and every edge value
// is internal/config's (parse_test.go, edges_test.go), which parses without a program;
// here the program itself must stop at each stage's problems before it registers
// anything: the settings' own (with unknown keys, which the program reads from
// PULUMI_CONFIG), and the region check of the look-up stage.

import "testing"

func TestBadConfigIsRefusedBeforeAnyResource(t *testing.T) {
	tests := map[string]struct {
		config map[string]string
		want   []string
	}{
		"every problem at once, wrong types, broken rules and unknown keys together": {
			map[string]string{"azCount": "two", "priority": "0", "desiredcount": "3", "services": `[{"name":"web","cpu":"lots"}]`},
			[]string{
				"invalid stack config (4 problems; nothing was deployed)",
				`azCount: invalid value "two": must be a whole number`,
				"priority: invalid value 0: must be between 1 and 50000",
				`desiredcount: unknown setting; did you mean "desiredCount"?`,
				`services[0].cpu: invalid value "lots": must be a whole number`,
			}},
		"error if an ARN is in another region than the stack": {
			map[string]string{"certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/0e6c3c2f-1234-4abc-9def-0123456789ab"},
			[]string{`certificateArn: invalid value "arn:aws:acm:eu-west-1:123456789012:certificate/0e6c3c2f-1234-4abc-9def-0123456789ab": is in aws/eu-west-1, the stack in aws/us-east-1; an ALB's certificate must be in the stack's region`}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			mustRefuse(t, nil, tc.config, tc.want)
		})
	}
}
