// Command nlb-alb-fargate is a Pulumi program: a container on AWS Fargate behind an
// internet-facing Network Load Balancer with one static Elastic IP per Availability Zone,
// forwarding TCP to an internal Application Load Balancer that routes HTTP to the tasks.
//
// It runs in three stages (deploy): the settings are read and checked
// (internal/config), the account is looked up (internal/site), and only then are the
// resources built, by this package's builders and internal/operations. The builders, a
// file each:
//
//   - network.go: the VPC, its public and private subnets per AZ, gateways and endpoints
//     (or an existing VPC's subnets, as the look-ups found them).
//   - ingress.go: the internal ALB with its fixed-response default, and the
//     internet-facing NLB with an Elastic IP per AZ and an ALB-type target group per ALB
//     listener; the NLB's security group. With it: dns.go (the certificate and the alias
//     records), mtls.go (the CA bundle and the trust store).
//   - service.go: the ECS cluster and each Fargate service, its task definition, roles,
//     target group and listener rule, and its security group. With it: workload.go (the
//     environment, the secrets and the policy that reads them, the CPU architecture) and
//     scaling.go (target tracking).
//   - securitygroups.go: what every security group rule is; the groups themselves belong
//     to the builders they serve.
//
// The order of the program's packages is written in internal/site's package comment.
package main

import (
	"fmt"
	"strings"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/operations"
	"github.com/example/nlb-alb-fargate/internal/site"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

//go:generate go run ./internal/config/gendocs

func main() {
	pulumi.Run(program)
}

// program is the whole stack: config, layers in order, then the stack outputs.
func program(ctx *pulumi.Context) error {
	out, err := deploy(ctx)
	if err != nil {
		return err
	}
	out.export(ctx)
	return nil
}

// stackOutputs holds what the stack exports; tests await these same values.
type stackOutputs struct {
	DNS       pulumi.StringOutput
	URL       pulumi.StringOutput
	StaticIPs pulumi.StringArrayOutput
	// The NLB's Elastic IPs' allocation ids, for eipAllocationIds in another stack.
	AllocationIDs pulumi.StringArrayOutput
	StaticIPv6s   pulumi.StringArrayOutput
	// dualstack, or ipv4 in an existing VPC whose public subnets have no IPv6 block.
	NlbIPAddressType string
	AlbDNS           pulumi.StringOutput
	ClusterName      pulumi.StringOutput
	ServiceName      pulumi.StringOutput
	LogGroup         pulumi.StringOutput
	Services         []*fargateService
	InternalURLs     pulumi.StringMap // internal services, reachable from inside the VPC only
	// The PrivateLink service partners create endpoints for; unset without privateLink.
	EndpointServiceName pulumi.StringOutput
	// Operations: the alarms' SNS topic and the dashboard always; the access-log bucket,
	// the flow-log group and the web ACL when they are on (else unset).
	AlarmTopicArn pulumi.StringOutput
	DashboardURL  pulumi.StringOutput
	// Whether alarmEmail's subscription is still unconfirmed; unset without alarmEmail.
	AlarmEmailPending pulumi.BoolOutput
	AccessLogBucket   pulumi.StringOutput
	FlowLogGroup      pulumi.StringOutput
	WebACLArn         pulumi.StringOutput

	// What the smoke check (internal/smoke) probes on every static address, in the form
	// its contract (internal/smoke/outputs) reads: the NLB's listeners, the path the NLB's
	// health check asks for (routed to a task), the domain, the mutual TLS mode, and
	// whether the first public service tells its AZ.
	Entrances    []entrance
	ProbePath    string
	Domain       string
	MTLSMode     string
	TaskIdentity bool
	// The release the services that build app/ run, by digest; "" without releaseRepository.
	ReleaseImage string
}

// entrance is one NLB listener partners connect to: HTTP (which may redirect to HTTPS)
// or the HTTPS that the NLB passes through to the ALB.
type entrance struct {
	Protocol string // http or https
	Port     int
	Redirect bool
}

// entrancesOf are the NLB's listeners, in the ALB entrances' order.
func entrancesOf(cfg config.Ingress, alb *internalAlb) []entrance {
	var out []entrance
	for _, e := range alb.Entrances {
		out = append(out, entrance{Protocol: strings.ToLower(e.Protocol), Port: nlbPort(cfg, e), Redirect: e.Protocol == "HTTP" && !e.Serves})
	}
	return out
}

// deploy runs the program's three stages. It reads and checks the config, then looks
// the account up (an existing VPC, your own Elastic IPs, the quotas), registering nothing
// if either finds a problem. Then it builds the network, the internal ALB, the static-IP
// NLB, the Fargate services, the optional DNS records and PrivateLink service, and the
// operations baseline (access logs, flow logs, WAF, alarms, dashboard).
func deploy(ctx *pulumi.Context) (*stackOutputs, error) {
	// 1. The settings, read and checked (internal/config).
	cfg, err := loadConfig(ctx)
	if err != nil {
		return nil, err
	}
	for _, w := range cfg.Warnings {
		if err := ctx.Log.Warn(w, nil); err != nil {
			return nil, fmt.Errorf("logging a config warning: %w", err)
		}
	}
	// 2. The look-ups in the account (internal/site).
	where, err := site.LookUp(ctx, cfg)
	if err != nil {
		return nil, err
	}
	account := where.Account

	// 3. The builders: network, logs, ingress, services, operations.
	net, err := placeNetwork(ctx, cfg, where)
	if err != nil {
		return nil, err
	}
	logs, err := operations.NewLogs(ctx, cfg.Operations, net.VpcID, account)
	if err != nil {
		return nil, err
	}
	var cert pulumi.StringInput
	if cfg.Ingress.HTTPS() {
		if cert, err = certificateArn(ctx, cfg.Ingress, where.ZoneID); err != nil {
			return nil, err
		}
	}
	var trustStore *lb.TrustStore
	if m := cfg.Ingress.MTLS; m.TrustStore() {
		if trustStore, err = newTrustStore(ctx, m); err != nil {
			return nil, err
		}
	}
	alb, err := newInternalAlb(ctx, cfg.Ingress, net, cert, trustStore, logs.AccessLogs)
	if err != nil {
		return nil, err
	}
	probePath := cfg.NlbProbePath()
	nlb, err := newStaticIPNlb(ctx, cfg.Ingress, probePath, net, alb, where.OwnEIPs, logs.AccessLogs)
	if err != nil {
		return nil, err
	}
	topic, err := operations.NewAlarmTopic(ctx, cfg.Operations)
	if err != nil {
		return nil, err
	}
	services, cluster, err := newServices(ctx, cfg.Services, serviceDeps{
		Network: net, Alb: alb, Account: account, ContainerInsights: cfg.Operations.ContainerInsights, MTLS: cfg.Ingress.ClientAuth(),
		ReleaseImage: where.ReleaseImage,
		Watch:        operations.DeploymentWatch{Alarms: cfg.Operations, TopicArn: topic.Topic.Arn, AlbArnSuffix: alb.LoadBalancer.ArnSuffix},
	})
	if err != nil {
		return nil, err
	}
	first := firstPublic(services) // the config's checks guarantee one
	if err := newNlbHealthCheckRules(ctx, cfg.Ingress, probePath, alb, first.TargetGroup); err != nil {
		return nil, err
	}
	var webACL pulumi.StringOutput
	if cfg.Operations.Waf {
		if webACL, err = operations.NewWebACL(ctx, cfg.Operations, alb.LoadBalancer.Arn, net.VpcCidrs); err != nil {
			return nil, err
		}
	}
	obs, err := operations.NewObservability(ctx, cfg.Operations, watchedOf(nlb, alb, where.Zones, cluster, services), topic, account)
	if err != nil {
		return nil, err
	}
	if cfg.Ingress.Domain != "" {
		if err := newAliasRecords(ctx, cfg.Ingress, where.ZoneID, nlb); err != nil {
			return nil, err
		}
	}
	if where.ReleaseImage != "" {
		if _, err := operations.NewReleaseRecord(ctx, where.ReleaseImage, releasesOf(services)); err != nil {
			return nil, err
		}
	}
	var endpointService pulumi.StringOutput
	if cfg.Ingress.PrivateLink != nil {
		svc, err := newEndpointService(ctx, cfg.Ingress.PrivateLink, nlb)
		if err != nil {
			return nil, err
		}
		endpointService = svc.ServiceName
	}

	// The outputs.
	out := &stackOutputs{
		DNS:                 nlb.LoadBalancer.DnsName,
		URL:                 serviceURL(cfg.Ingress, nlb.LoadBalancer.DnsName),
		StaticIPs:           nlb.StaticIPs,
		AllocationIDs:       nlb.AllocationIDs,
		StaticIPv6s:         nlb.StaticIPv6s,
		NlbIPAddressType:    nlb.IPAddressType,
		AlbDNS:              alb.LoadBalancer.DnsName,
		ClusterName:         cluster.Name,
		ServiceName:         first.Service.Name,
		LogGroup:            first.LogGroup.Name,
		Services:            services,
		InternalURLs:        internalURLs(alb, services),
		EndpointServiceName: endpointService,
		AlarmTopicArn:       obs.AlarmTopicArn,
		DashboardURL:        obs.DashboardURL,
		AlarmEmailPending:   obs.AlarmEmailPending,
		WebACLArn:           webACL,
		Entrances:           entrancesOf(cfg.Ingress, alb),
		ProbePath:           probePath,
		Domain:              cfg.Ingress.Domain,
		TaskIdentity:        first.TaskIdentity,
		ReleaseImage:        where.ReleaseImage,
	}
	if m := cfg.Ingress.MTLS; m != nil {
		out.MTLSMode = m.Mode
	}
	if logs.AccessLogs != nil {
		out.AccessLogBucket = logs.AccessLogs.Bucket.Bucket
	}
	if logs.FlowLogs != nil {
		out.FlowLogGroup = logs.FlowLogs.LogGroup.Name
	}
	return out, nil
}

// releasesOf is each service's release check (releaseOf), in the services' order.
func releasesOf(services []*fargateService) []pulumi.StringOutput {
	out := make([]pulumi.StringOutput, len(services))
	for i, s := range services {
		out[i] = s.Release
	}
	return out
}

// watchedOf is what the alarms and the dashboard watch along the request path.
func watchedOf(nlb *staticIPNlb, alb *internalAlb, zones []string, cluster *ecs.Cluster, services []*fargateService) operations.Watched {
	w := operations.Watched{NlbArnSuffix: nlb.LoadBalancer.ArnSuffix, Zones: zones, AlbArnSuffix: alb.LoadBalancer.ArnSuffix, ClusterName: cluster.Name}
	for i, tg := range nlb.TargetGroups {
		w.NlbTargetGroups = append(w.NlbTargetGroups, operations.WatchedTargetGroup{Suffix: alb.Entrances[i].Suffix, ArnSuffix: tg.ArnSuffix})
	}
	for _, s := range services {
		w.Services = append(w.Services, operations.WatchedService{Name: s.Name, ServiceName: s.Service.Name})
	}
	return w
}

// serviceURL is the address a user curls: HTTPS when the ALB has a certificate, the
// domain when one is set (else the NLB's name), and the port unless it is the default.
func serviceURL(cfg config.Ingress, nlbDNS pulumi.StringOutput) pulumi.StringOutput {
	scheme, port, defaultPort := "http", cfg.ListenerPort, 80
	if cfg.HTTPS() {
		scheme, port, defaultPort = "https", cfg.HTTPSListenerPort, 443
	}
	host := nlbDNS
	if cfg.Domain != "" {
		host = pulumi.String(cfg.Domain).ToStringOutput()
	}
	if port == defaultPort {
		return pulumi.Sprintf("%s://%s/", scheme, host)
	}
	return pulumi.Sprintf("%s://%s:%d/", scheme, host, port)
}

func (o *stackOutputs) export(ctx *pulumi.Context) {
	ctx.Export("dns", o.DNS)
	ctx.Export("url", o.URL)
	ctx.Export("staticIps", o.StaticIPs)
	ctx.Export("staticIpAllocationIds", o.AllocationIDs)
	ctx.Export("staticIpv6s", o.StaticIPv6s)
	ctx.Export("nlbIpAddressType", pulumi.String(o.NlbIPAddressType))
	ctx.Export("albDns", o.AlbDNS)
	ctx.Export("clusterName", o.ClusterName)
	ctx.Export("serviceName", o.ServiceName)
	ctx.Export("logGroup", o.LogGroup)
	ctx.Export("alarmTopicArn", o.AlarmTopicArn)
	ctx.Export("dashboardUrl", o.DashboardURL)
	for name, v := range map[string]pulumi.StringOutput{"accessLogBucket": o.AccessLogBucket, "flowLogGroup": o.FlowLogGroup, "webAclArn": o.WebACLArn} {
		if v.OutputState != nil {
			ctx.Export(name, v)
		}
	}
	if o.AlarmEmailPending.OutputState != nil {
		ctx.Export("alarmEmailPendingConfirmation", o.AlarmEmailPending)
	}
	if o.EndpointServiceName.OutputState != nil {
		ctx.Export("endpointServiceName", o.EndpointServiceName)
	}
	if len(o.InternalURLs) > 0 {
		ctx.Export("internalUrls", o.InternalURLs)
	}
	var entrances pulumi.Array
	for _, e := range o.Entrances {
		entrances = append(entrances, pulumi.Map{"protocol": pulumi.String(e.Protocol), "port": pulumi.Int(e.Port), "redirect": pulumi.Bool(e.Redirect)})
	}
	ctx.Export("entrances", entrances)
	ctx.Export("probePath", pulumi.String(o.ProbePath))
	ctx.Export("taskIdentity", pulumi.Bool(o.TaskIdentity))
	if o.Domain != "" {
		ctx.Export("domain", pulumi.String(o.Domain))
	}
	if o.MTLSMode != "" {
		ctx.Export("mtlsMode", pulumi.String(o.MTLSMode))
	}
	// Each service's running task definition: exported, so that a release ECS rolled back
	// fails `pulumi up` (releaseOf).
	releases := pulumi.StringMap{}
	for _, s := range o.Services {
		releases[s.Name] = s.Release
	}
	ctx.Export("releases", releases)
	if o.ReleaseImage != "" {
		ctx.Export("releaseImage", pulumi.String(o.ReleaseImage))
	}
	if len(o.Services) > 1 {
		services := pulumi.Map{}
		for _, s := range o.Services {
			services[s.Name] = pulumi.Map{"serviceName": s.Service.Name, "logGroup": s.LogGroup.Name}
		}
		ctx.Export("services", services)
	}
}
