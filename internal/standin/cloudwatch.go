package standin

// CloudWatch (terraform-provider-aws internal/service/cloudwatch): metric alarms and
// dashboards, and what PutMetricAlarm and PutDashboard refuse.

import (
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// The Pulumi type tokens of the CloudWatch models.
const (
	TypeCloudwatchMetricAlarm tokens.Type = "aws:cloudwatch/metricAlarm:MetricAlarm"
	TypeCloudwatchDashboard   tokens.Type = "aws:cloudwatch/dashboard:Dashboard"
)

func init() {
	register(map[tokens.Type]*model{
		TypeCloudwatchMetricAlarm: {
			tf: "aws_cloudwatch_metric_alarm", source: "internal/service/cloudwatch/metric_alarm.go",
			forceNew: []string{"name"},
			computed: []string{"evaluateLowSampleCountPercentiles"},
			sets:     []string{"alarmActions", "okActions", "insufficientDataActions", "metricQueries"},
			defaults: map[string]any{"actionsEnabled": true, "treatMissingData": "missing"},
			autoname: 255,
			tagged:   true,
			validate: validMetricAlarm,
			create: func(o *op) (string, map[string]any, error) {
				name := str(o.in, "name")
				if err := checkMetricQueries(o.in); err != nil {
					return "", nil, err
				}
				return name, map[string]any{"arn": o.arn("cloudwatch", "alarm:"+name), "evaluateLowSampleCountPercentiles": ""}, nil
			},
		},
		TypeCloudwatchDashboard: {
			tf: "aws_cloudwatch_dashboard", source: "internal/service/cloudwatch/dashboard.go",
			forceNew: []string{"dashboardName"},
			create: func(o *op) (string, map[string]any, error) {
				name := str(o.in, "dashboardName")
				if err := checkDashboardBody(str(o.in, "dashboardBody")); err != nil && !o.preview {
					return "", nil, err
				}
				return name, map[string]any{"dashboardArn": fmt.Sprintf("arn:aws:cloudwatch::%s:dashboard/%s", Account, name)}, nil
			},
			rules: jsonRules("dashboardBody"),
		},
	})
}

// jsonRules are a JSON attribute's StateFunc (structure.NormalizeJsonString) and its
// DiffSuppressFunc (verify.SuppressEquivalentJSONDiffs).
func jsonRules(attr string) []rule {
	return []rule{
		normalizeJSONRule(attr, "structure.NormalizeJsonString"),
		{
			name: "verify.SuppressEquivalentJSONDiffs", attr: attr,
			why: "JSON equal to the stored one, in another layout, plans no change",
			same: func(s, n resource.PropertyValue, _ resource.PropertyMap) bool {
				s, n = unwrap(s), unwrap(n)
				if !s.IsString() || !n.IsString() {
					return false
				}
				var a, b any
				return json.Unmarshal([]byte(s.StringValue()), &a) == nil && json.Unmarshal([]byte(n.StringValue()), &b) == nil &&
					canonicalJSON(a) == canonicalJSON(b)
			},
		},
	}
}

// validMetricAlarm is the schema's ExactlyOneOf/ConflictsWith and Create's
// validMetricAlarm: one metric (with a statistic or an extended statistic, not both) or
// metric queries, never both.
func validMetricAlarm(in resource.PropertyMap) []string {
	metric, queries := str(in, "metricName") != "", len(objs(in, "metricQueries")) > 0
	var failures []string
	switch {
	case metric && queries:
		failures = append(failures, `"metric_name": conflicts with metric_query`)
	case !metric && !queries:
		failures = append(failures, "One of `metric_name` or `metric_query` must be set for a cloudwatch metric alarm")
	case metric && (str(in, "statistic") == "") == (str(in, "extendedStatistic") == ""):
		failures = append(failures, "One of `statistic` or `extended_statistic` must be set for a cloudwatch metric alarm")
	}
	return failures
}

// checkMetricQueries is PutMetricAlarm's check of metric math: exactly one query returns
// data, and an expression names only queries that exist.
func checkMetricQueries(in resource.PropertyMap) error {
	queries := objs(in, "metricQueries")
	if len(queries) == 0 {
		return nil
	}
	ids, returning := map[string]bool{}, 0
	for _, q := range queries {
		ids[str(q, "id")] = true
		if boolean(q, "returnData") {
			returning++
		}
	}
	if returning != 1 {
		return fmt.Errorf("ValidationError: Exactly one element of the metrics list should return data (%d do)", returning)
	}
	ident := regexp.MustCompile(`[a-z][a-zA-Z0-9_]*`)
	for _, q := range queries {
		for _, ref := range ident.FindAllString(str(q, "expression"), -1) {
			if !ids[ref] {
				return fmt.Errorf("ValidationError: Unrecognized metric id %q in expression %q", ref, str(q, "expression"))
			}
		}
	}
	return nil
}

// checkDashboardBody is PutDashboard's validation: a JSON object with widgets, each
// metric widget with a region and metrics.
func checkDashboardBody(body string) error {
	var d struct {
		Widgets []struct {
			Type       string
			Properties map[string]any
		}
	}
	if err := json.Unmarshal([]byte(body), &d); err != nil || d.Widgets == nil {
		return fmt.Errorf("InvalidParameterInput: The field DashboardBody must be a valid JSON object with widgets")
	}
	for i, w := range d.Widgets {
		if w.Type != "metric" {
			continue
		}
		if _, ok := w.Properties["region"].(string); !ok {
			return fmt.Errorf("InvalidParameterInput: dashboard body widgets[%d].properties: Should have required property 'region'", i)
		}
		if m, _ := w.Properties["metrics"].([]any); len(m) == 0 {
			return fmt.Errorf("InvalidParameterInput: dashboard body widgets[%d].properties.metrics: Should NOT have fewer than 1 items", i)
		}
	}
	return nil
}
