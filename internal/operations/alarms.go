package operations

import (
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/site"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Watched is what the alarms and the dashboard watch, along the request path: the NLB and
// its ALB-type target groups per AZ, the ALB, and each service in the cluster.
type Watched struct {
	NlbArnSuffix pulumi.StringOutput
	// One per ALB entrance the NLB forwards to, in the entrances' order.
	NlbTargetGroups []WatchedTargetGroup
	Zones           []string // the NLB's AZs, in AZ order
	AlbArnSuffix    pulumi.StringOutput
	ClusterName     pulumi.StringOutput
	Services        []WatchedService
}

// WatchedTargetGroup is one of the NLB's ALB-type target groups.
type WatchedTargetGroup struct {
	Suffix    string // "" for the HTTP entrance, "-https": the alarms' names carry it
	ArnSuffix pulumi.StringOutput
}

// WatchedService is one ECS service.
type WatchedService struct {
	Name        string // the service's name in the stack config
	ServiceName pulumi.StringOutput
}

// Observability is what the alarms and the dashboard give the stack's outputs.
type Observability struct {
	AlarmTopicArn pulumi.StringOutput
	DashboardURL  pulumi.StringOutput
	// Whether alarmEmail's subscription still waits for its confirmation link (unset
	// without alarmEmail). SNS deletes a subscription left unconfirmed for 48 hours.
	AlarmEmailPending pulumi.BoolOutput
}

// AlarmTopic is the SNS topic every alarm notifies, with alarmEmail's subscription.
type AlarmTopic struct {
	Topic *sns.Topic
	// Whether alarmEmail's subscription still waits for its confirmation link (unset
	// without alarmEmail). SNS deletes a subscription left unconfirmed for 48 hours.
	EmailPending pulumi.BoolOutput
}

// NewAlarmTopic creates the alarm topic (with an email subscription when configured). It
// comes before the services, whose deployment alarms notify it too.
func NewAlarmTopic(ctx *pulumi.Context, cfg config.Operations) (*AlarmTopic, error) {
	topic, err := sns.NewTopic(ctx, "alarms", &sns.TopicArgs{Tags: site.NameTag(ctx, "alarms")})
	if err != nil {
		return nil, fmt.Errorf("creating the alarm topic: %w", err)
	}
	out := &AlarmTopic{Topic: topic}
	if cfg.AlarmEmail != "" {
		// AWS mails a confirmation link first; until it is followed nothing is delivered.
		sub, err := sns.NewTopicSubscription(ctx, "alarm-email", &sns.TopicSubscriptionArgs{
			Topic:    topic.Arn,
			Protocol: pulumi.String("email"),
			Endpoint: pulumi.String(cfg.AlarmEmail),
		})
		if err != nil {
			return nil, fmt.Errorf("subscribing alarmEmail to the alarm topic: %w", err)
		}
		out.EmailPending = sub.PendingConfirmation
	}
	return out, nil
}

// NewObservability creates who is told when it breaks, and where to look: CloudWatch
// alarms along the request path that notify the alarm topic, and one dashboard of the
// same path (NLB, ALB, services).
func NewObservability(ctx *pulumi.Context, cfg config.Operations, in Watched, topic *AlarmTopic, account site.Account) (*Observability, error) {
	obs := &Observability{AlarmTopicArn: topic.Topic.Arn, AlarmEmailPending: topic.EmailPending}
	for _, a := range alarmSpecs(cfg, in) {
		if _, err := newAlarm(ctx, a, topic.Topic.Arn); err != nil {
			return nil, err
		}
	}
	var err error
	if obs.DashboardURL, err = newDashboard(ctx, cfg, in, account); err != nil {
		return nil, err
	}
	return obs, nil
}

// DeploymentWatch is what each service's deployment alarms need: ECS rolls a deployment
// back when one of them fires during it (with RollbackOnAlarm).
type DeploymentWatch struct {
	Alarms       config.Operations // thresholds, and RollbackOnAlarm
	TopicArn     pulumi.StringOutput
	AlbArnSuffix pulumi.StringOutput
}

// NewDeploymentAlarms creates a service's alarms on its own target group (its ARN suffix
// targetGroup), which its deployments watch: target 5xx responses and p99 response time,
// a minute at a time so a bad release is caught within minutes. It returns their names,
// for the service's deployment configuration. ECS itself ignores the alarms' actions;
// they notify the topic too, naming the service.
func NewDeploymentAlarms(ctx *pulumi.Context, service string, targetGroup pulumi.StringOutput, w DeploymentWatch) (pulumi.StringArray, error) {
	dims := pulumi.StringMap{"LoadBalancer": w.AlbArnSuffix, "TargetGroup": targetGroup}
	specs := []alarmSpec{
		{
			Name:        service + "-deploy-5xx",
			Description: fmt.Sprintf("Service %s answered more than %d 5xx responses in a minute; a deployment in progress rolls back (rollbackOnAlarm).", service, w.Alarms.AlarmTarget5xxCount),
			Namespace:   "AWS/ApplicationELB", Metric: "HTTPCode_Target_5XX_Count", Dimensions: dims,
			Statistic: "Sum", Period: 60, Periods: 1, Comparison: "GreaterThanThreshold", Threshold: float64(w.Alarms.AlarmTarget5xxCount), TreatMissing: "notBreaching",
		},
		{
			Name:        service + "-deploy-p99",
			Description: fmt.Sprintf("Service %s's p99 response time exceeded %d ms for 2 minutes; a deployment in progress rolls back (rollbackOnAlarm).", service, w.Alarms.AlarmP99LatencyMs),
			Namespace:   "AWS/ApplicationELB", Metric: "TargetResponseTime", Dimensions: dims,
			Extended: "p99", Period: 60, Periods: 2, Comparison: "GreaterThanThreshold", Threshold: float64(w.Alarms.AlarmP99LatencyMs) / 1000, TreatMissing: "notBreaching",
		},
	}
	var names pulumi.StringArray
	for _, a := range specs {
		alarm, err := newAlarm(ctx, a, w.TopicArn)
		if err != nil {
			return nil, err
		}
		names = append(names, alarm.Name)
	}
	return names, nil
}

// alarmSpec is one CloudWatch alarm: on one metric, or (queries) on metric math.
type alarmSpec struct {
	Name        string // logical name; the alarm's own is <project>-<stack>-<Name>
	Description string
	Namespace   string
	Metric      string
	Dimensions  pulumi.StringMap
	Statistic   string // or ExtendedStatistic, e.g. p99
	Extended    string
	Queries     cloudwatch.MetricAlarmMetricQueryArray
	Period      int // seconds
	Periods     int // evaluation periods, all of which must breach
	Comparison  string
	Threshold   float64
	// What a period without data counts as: an idle ALB reports no 5xx and no latency.
	TreatMissing string
}

// alarmSpecs are the stack's alarms: per AZ, the NLB's healthy ALB targets (cross-zone
// is off, so an AZ whose ALB node is unhealthy drops its clients' connections); the ALB's
// target 5xx and p99 latency; per service, CPU and memory, and running tasks below the
// desired count (with Container Insights, which reports both).
func alarmSpecs(cfg config.Operations, in Watched) []alarmSpec {
	var specs []alarmSpec
	for _, tg := range in.NlbTargetGroups {
		suffix := tg.Suffix
		for i, az := range in.Zones {
			specs = append(specs, alarmSpec{
				Name:        fmt.Sprintf("nlb%s-healthy-hosts-%d", suffix, i),
				Description: fmt.Sprintf("The NLB has no healthy ALB target%s in %s: clients whose connection lands on that AZ's static IP fail.", suffix, az),
				Namespace:   "AWS/NetworkELB", Metric: "HealthyHostCount",
				Dimensions: pulumi.StringMap{"LoadBalancer": in.NlbArnSuffix, "TargetGroup": tg.ArnSuffix, "AvailabilityZone": pulumi.String(az)},
				Statistic:  "Minimum", Period: 60, Periods: 3, Comparison: "LessThanThreshold", Threshold: 1, TreatMissing: "missing",
			})
		}
	}
	alb := pulumi.StringMap{"LoadBalancer": in.AlbArnSuffix}
	specs = append(specs,
		alarmSpec{
			Name:        "alb-target-5xx",
			Description: fmt.Sprintf("The services answered more than %d 5xx responses in 5 minutes.", cfg.AlarmTarget5xxCount),
			Namespace:   "AWS/ApplicationELB", Metric: "HTTPCode_Target_5XX_Count", Dimensions: alb,
			Statistic: "Sum", Period: 300, Periods: 1, Comparison: "GreaterThanThreshold", Threshold: float64(cfg.AlarmTarget5xxCount), TreatMissing: "notBreaching",
		},
		alarmSpec{
			Name:        "alb-p99-latency",
			Description: fmt.Sprintf("The services' p99 response time over 5 minutes exceeded %d ms.", cfg.AlarmP99LatencyMs),
			Namespace:   "AWS/ApplicationELB", Metric: "TargetResponseTime", Dimensions: alb,
			Extended: "p99", Period: 300, Periods: 1, Comparison: "GreaterThanThreshold", Threshold: float64(cfg.AlarmP99LatencyMs) / 1000, TreatMissing: "notBreaching",
		})
	for _, s := range in.Services {
		svc := pulumi.StringMap{"ClusterName": in.ClusterName, "ServiceName": s.ServiceName}
		for _, m := range []struct {
			metric, name string
			limit        int
		}{{"CPUUtilization", "cpu", cfg.AlarmCPUPercent}, {"MemoryUtilization", "memory", cfg.AlarmMemoryPercent}} {
			specs = append(specs, alarmSpec{
				Name:        fmt.Sprintf("%s-%s-high", s.Name, m.name),
				Description: fmt.Sprintf("Service %s's average %s utilisation stayed above %d%% for 15 minutes.", s.Name, m.name, m.limit),
				Namespace:   "AWS/ECS", Metric: m.metric, Dimensions: svc,
				Statistic: "Average", Period: 300, Periods: 3, Comparison: "GreaterThanThreshold", Threshold: float64(m.limit), TreatMissing: "missing",
			})
		}
		if cfg.ContainerInsights != "disabled" {
			specs = append(specs, runningTasksAlarm(s, svc))
		}
	}
	return specs
}

// runningTasksAlarm fires when a service runs fewer tasks than it wants for 5 minutes in
// a row (tasks that crash or cannot start), whatever scaling makes of the desired count.
func runningTasksAlarm(s WatchedService, svc pulumi.StringMap) alarmSpec {
	metric := func(id, name string) cloudwatch.MetricAlarmMetricQueryArgs {
		return cloudwatch.MetricAlarmMetricQueryArgs{Id: pulumi.String(id), Metric: &cloudwatch.MetricAlarmMetricQueryMetricArgs{
			Namespace: pulumi.String("ECS/ContainerInsights"), MetricName: pulumi.String(name), Dimensions: svc, Period: pulumi.Int(60), Stat: pulumi.String("Average"),
		}, ReturnData: pulumi.Bool(false)} // CloudWatch takes an unset ReturnData as true; one query may return data
	}
	return alarmSpec{
		Name:        s.Name + "-running-tasks",
		Description: fmt.Sprintf("Service %s has run fewer tasks than desired for 5 minutes.", s.Name),
		Queries: cloudwatch.MetricAlarmMetricQueryArray{
			metric("running", "RunningTaskCount"), metric("desired", "DesiredTaskCount"),
			cloudwatch.MetricAlarmMetricQueryArgs{Id: pulumi.String("missing"), Expression: pulumi.String("desired - running"), Label: pulumi.String("tasks missing"), ReturnData: pulumi.Bool(true)},
		},
		Periods: 5, Comparison: "GreaterThanThreshold", Threshold: 0, TreatMissing: "missing",
	}
}

// newAlarm creates one alarm that notifies the topic when it fires and when it recovers.
func newAlarm(ctx *pulumi.Context, a alarmSpec, topicArn pulumi.StringOutput) (*cloudwatch.MetricAlarm, error) {
	args := &cloudwatch.MetricAlarmArgs{
		Name:               pulumi.Sprintf("%s-%s-%s", ctx.Project(), ctx.Stack(), a.Name),
		AlarmDescription:   pulumi.String(a.Description),
		ComparisonOperator: pulumi.String(a.Comparison),
		Threshold:          pulumi.Float64(a.Threshold),
		EvaluationPeriods:  pulumi.Int(a.Periods),
		DatapointsToAlarm:  pulumi.Int(a.Periods),
		TreatMissingData:   pulumi.String(a.TreatMissing),
		AlarmActions:       pulumi.Array{topicArn},
		OkActions:          pulumi.Array{topicArn},
		Tags:               site.NameTag(ctx, a.Name),
	}
	if a.Queries != nil {
		args.MetricQueries = a.Queries
	} else {
		args.Namespace = pulumi.String(a.Namespace)
		args.MetricName = pulumi.String(a.Metric)
		args.Dimensions = a.Dimensions
		args.Period = pulumi.Int(a.Period)
		if a.Extended != "" {
			args.ExtendedStatistic = pulumi.String(a.Extended)
		} else {
			args.Statistic = pulumi.String(a.Statistic)
		}
	}
	alarm, err := cloudwatch.NewMetricAlarm(ctx, a.Name+"-alarm", args)
	if err != nil {
		return nil, fmt.Errorf("creating alarm %s: %w", a.Name, err)
	}
	return alarm, nil
}

// dashboardNameChars are the characters CloudWatch allows in a dashboard name.
var dashboardNameChars = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// dashboardName is <project>-<stack>, with anything CloudWatch refuses made a hyphen.
func dashboardName(project, stack string) string {
	return dashboardNameChars.ReplaceAllString(project+"-"+stack, "-")
}

// consoleHost is the AWS console's host for a region.
func consoleHost(account site.Account) string {
	switch account.Partition {
	case "aws-cn":
		return "console.amazonaws.cn"
	case "aws-us-gov":
		return "console.amazonaws-us-gov.com"
	}
	return account.Region + ".console.aws.amazon.com"
}

// newDashboard creates the dashboard and returns its console URL.
func newDashboard(ctx *pulumi.Context, cfg config.Operations, in Watched, account site.Account) (pulumi.StringOutput, error) {
	var parts []any
	parts = append(parts, in.NlbArnSuffix, in.AlbArnSuffix, in.ClusterName)
	for _, tg := range in.NlbTargetGroups {
		parts = append(parts, tg.ArnSuffix)
	}
	for _, s := range in.Services {
		parts = append(parts, s.ServiceName)
	}
	body := pulumi.All(parts...).ApplyT(func(v []any) (string, error) {
		d := dashboardInputs{Region: account.Region, Zones: in.Zones, ContainerInsights: cfg.ContainerInsights != "disabled",
			Nlb: v[0].(string), Alb: v[1].(string), Cluster: v[2].(string)}
		n := len(in.NlbTargetGroups)
		for _, x := range v[3 : 3+n] {
			d.NlbTargetGroups = append(d.NlbTargetGroups, x.(string))
		}
		for _, x := range v[3+n:] {
			d.Services = append(d.Services, x.(string))
		}
		return dashboardBody(d)
	}).(pulumi.StringOutput)
	name := dashboardName(ctx.Project(), ctx.Stack())
	dash, err := cloudwatch.NewDashboard(ctx, "dashboard", &cloudwatch.DashboardArgs{DashboardName: pulumi.String(name), DashboardBody: body})
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("creating the dashboard: %w", err)
	}
	return pulumi.Sprintf("https://%s/cloudwatch/home?region=%s#dashboards/dashboard/%s", consoleHost(account), account.Region, dash.DashboardName), nil
}

// dashboardInputs are the names the dashboard's metrics are found by.
type dashboardInputs struct {
	Region            string
	Zones             []string
	Nlb, Alb          string // the load balancers' ARN suffixes (app/…, net/…)
	NlbTargetGroups   []string
	Cluster           string
	Services          []string // ECS service names
	ContainerInsights bool
}

// widget is one dashboard widget on CloudWatch's 24-column grid.
type widget struct {
	Type       string         `json:"type"`
	X          int            `json:"x"`
	Y          int            `json:"y"`
	Width      int            `json:"width"`
	Height     int            `json:"height"`
	Properties map[string]any `json:"properties"`
}

// dashboardBody lays out the request path, a row per layer: the NLB (per AZ: new and
// active flows, bytes, healthy ALB targets), the ALB (requests, 5xx, latency), and the
// services (CPU, memory, running against desired tasks).
func dashboardBody(d dashboardInputs) (string, error) {
	var widgets []widget
	y := 0
	row := func(title string, graphs ...map[string]any) {
		widgets = append(widgets, widget{Type: "text", X: 0, Y: y, Width: 24, Height: 1, Properties: map[string]any{"markdown": title}})
		y++
		width := 24 / len(graphs)
		for i, g := range graphs {
			g["region"] = d.Region
			widgets = append(widgets, widget{Type: "metric", X: i * width, Y: y, Width: width, Height: 6, Properties: g})
		}
		y += 6
	}
	graph := func(title, stat string, metrics [][]any) map[string]any {
		return map[string]any{"title": title, "view": "timeSeries", "stat": stat, "period": 60, "metrics": metrics}
	}
	perAZ := func(metric, stat string) [][]any {
		var m [][]any
		for _, az := range d.Zones {
			m = append(m, []any{"AWS/NetworkELB", metric, "LoadBalancer", d.Nlb, "AvailabilityZone", az, map[string]any{"label": az, "stat": stat}})
		}
		return m
	}
	var healthy [][]any
	for _, tg := range d.NlbTargetGroups {
		for _, az := range d.Zones {
			healthy = append(healthy, []any{"AWS/NetworkELB", "HealthyHostCount", "LoadBalancer", d.Nlb, "TargetGroup", tg, "AvailabilityZone", az, map[string]any{"label": az}})
		}
	}
	row("## NLB: the static IPs, per AZ",
		graph("New flows", "Sum", perAZ("NewFlowCount", "Sum")),
		graph("Active flows", "Average", perAZ("ActiveFlowCount", "Average")),
		graph("Processed bytes", "Sum", perAZ("ProcessedBytes", "Sum")),
		graph("Healthy ALB targets (alarm below 1)", "Minimum", healthy))
	alb := func(metric string, opts map[string]any) []any {
		return []any{"AWS/ApplicationELB", metric, "LoadBalancer", d.Alb, opts}
	}
	row("## Internal ALB",
		graph("Requests", "Sum", [][]any{alb("RequestCount", map[string]any{"label": "requests"})}),
		graph("5xx responses", "Sum", [][]any{
			alb("HTTPCode_Target_5XX_Count", map[string]any{"label": "from the services"}),
			alb("HTTPCode_ELB_5XX_Count", map[string]any{"label": "from the ALB (no healthy target, timeouts)"}),
		}),
		graph("Target response time (seconds)", "p99", [][]any{
			alb("TargetResponseTime", map[string]any{"label": "p50", "stat": "p50"}),
			alb("TargetResponseTime", map[string]any{"label": "p99", "stat": "p99"}),
		}))
	var cpu, memory, tasks [][]any
	for _, s := range d.Services {
		cpu = append(cpu, []any{"AWS/ECS", "CPUUtilization", "ClusterName", d.Cluster, "ServiceName", s, map[string]any{"label": s}})
		memory = append(memory, []any{"AWS/ECS", "MemoryUtilization", "ClusterName", d.Cluster, "ServiceName", s, map[string]any{"label": s}})
		tasks = append(tasks,
			[]any{"ECS/ContainerInsights", "RunningTaskCount", "ClusterName", d.Cluster, "ServiceName", s, map[string]any{"label": s + " running"}},
			[]any{"ECS/ContainerInsights", "DesiredTaskCount", "ClusterName", d.Cluster, "ServiceName", s, map[string]any{"label": s + " desired"}})
	}
	graphs := []map[string]any{graph("CPU utilisation (%)", "Average", cpu), graph("Memory utilisation (%)", "Average", memory)}
	if d.ContainerInsights {
		graphs = append(graphs, graph("Tasks: running and desired", "Average", tasks))
	}
	row("## Services", graphs...)
	b, err := json.Marshal(map[string]any{"widgets": widgets})
	return string(b), err
}
