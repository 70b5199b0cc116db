package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/operations"
	"github.com/example/nlb-alb-fargate/internal/site"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// internalAlb is the layer-7 router behind the NLB.
type internalAlb struct {
	LoadBalancer  *lb.LoadBalancer
	SecurityGroup *ec2.SecurityGroup
	// Entrances are the listeners the NLB forwards to; each carries the NLB health-check
	// rule. Services' rules go on those that serve (not on an HTTP listener that redirects).
	Entrances []albEntrance
}

// albEntrance is one ALB listener the NLB forwards TCP to.
type albEntrance struct {
	Suffix   string // "" for HTTP, "-https" for HTTPS: appended to the names of its resources
	AlbPort  int    // the ALB listener's port, and so the ALB-type target group's port
	Protocol string // HTTP or HTTPS: the ALB listener's protocol and the NLB health check's
	Listener *lb.Listener
	Serves   bool // services' rules are attached here
}

// staticIPNlb is the internet-facing entry point with one Elastic IP per AZ.
type staticIPNlb struct {
	LoadBalancer  *lb.LoadBalancer
	StaticIPs     pulumi.StringArrayOutput // the EIPs' public IPv4 addresses, in AZ order
	AllocationIDs pulumi.StringArrayOutput // and their allocation ids
	StaticIPv6s   pulumi.StringArrayOutput // the NLB's IPv6 address in each public subnet, in AZ order; none for ipv4
	IPAddressType string                   // dualstack, or ipv4 when a public subnet has no IPv6 block
	// The ALB-type target groups, one per ALB entrance: their healthy hosts per AZ are
	// what the NLB can still send to.
	TargetGroups []*lb.TargetGroup
}

// nlbIPAddressType is dualstack where every public subnet has an IPv6 block (ELB refuses a
// dual-stack NLB in a subnet without one), else ipv4.
func nlbIPAddressType(net *network) string {
	if net.IPv6 {
		return "dualstack"
	}
	return "ipv4"
}

// newInternalAlb builds the internal ALB in the private subnets. Its listeners answer
// 200 "OK" to anything no service rule matches, as the reference pattern does. With a
// certificate it also terminates TLS, and HTTP may redirect to HTTPS.
func newInternalAlb(ctx *pulumi.Context, cfg config.Ingress, net *network, certificate pulumi.StringInput, trustStore *lb.TrustStore, logs *operations.AccessLogBucket) (*internalAlb, error) {
	sg, err := newSecurityGroup(ctx, "alb-sg", "Internal ALB: HTTP from the NLB only", net.VpcID)
	if err != nil {
		return nil, err
	}
	// Internal and IPv4: NLB-to-ALB traffic is IPv4 only, even for a dual-stack ALB, and
	// an ALB-type target group has no proxy protocol: for a client on IPv6 the ALB (and
	// X-Forwarded-For) sees the NLB's private IPv4 address.
	alb, err := lb.NewLoadBalancer(ctx, "alb", &lb.LoadBalancerArgs{
		LoadBalancerType:         pulumi.String("application"),
		Internal:                 pulumi.Bool(true),
		IpAddressType:            pulumi.String("ipv4"),
		Subnets:                  net.PrivateSubnetIDs, // same AZs as the NLB
		SecurityGroups:           pulumi.StringArray{sg.ID()},
		DropInvalidHeaderFields:  pulumi.Bool(true), // refuse header smuggling tricks
		EnableDeletionProtection: pulumi.Bool(cfg.DeletionProtection),
		AccessLogs:               logs.LoadBalancerArgs(operations.AlbLogPrefix),
		Tags:                     site.OwnedTags(ctx, "alb"),
		// An ALB cannot move to another VPC (its subnets change in place only within its
		// own), so a new VPC (vpcCidr) gets a new ALB.
	}, pulumi.ReplacementTrigger(net.VpcID), pulumi.DependsOn(logs.DependsOn()))
	if err != nil {
		return nil, fmt.Errorf("creating internal ALB: %w", err)
	}
	redirect := cfg.HTTPS() && cfg.RedirectHTTP
	httpDefault := fixedOK()
	if redirect {
		httpDefault = redirectToHTTPS(cfg.HTTPSListenerPort)
	}
	http, err := lb.NewListener(ctx, "alb-http-listener", &lb.ListenerArgs{
		LoadBalancerArn: alb.Arn,
		Port:            pulumi.Int(cfg.AlbListenerPort),
		Protocol:        pulumi.String("HTTP"),
		DefaultActions:  lb.ListenerDefaultActionArray{httpDefault},
	})
	if err != nil {
		return nil, fmt.Errorf("creating ALB HTTP listener: %w", err)
	}
	out := &internalAlb{LoadBalancer: alb, SecurityGroup: sg}
	out.Entrances = append(out.Entrances, albEntrance{AlbPort: cfg.AlbListenerPort, Protocol: "HTTP", Listener: http, Serves: !redirect})
	if !cfg.HTTPS() {
		return out, nil
	}
	https, err := lb.NewListener(ctx, "alb-https-listener", &lb.ListenerArgs{
		LoadBalancerArn: alb.Arn,
		Port:            pulumi.Int(cfg.HTTPSListenerPort),
		Protocol:        pulumi.String("HTTPS"),
		CertificateArn:  certificate,
		SslPolicy:       pulumi.String(cfg.SslPolicy),
		DefaultActions:  lb.ListenerDefaultActionArray{fixedOK()},
		// Client certificates (mtls): verify, passthrough or off.
		MutualAuthentication: mutualAuthentication(cfg.MTLS, trustStore),
	})
	if err != nil {
		return nil, fmt.Errorf("creating ALB HTTPS listener: %w", err)
	}
	out.Entrances = append(out.Entrances, albEntrance{Suffix: "-https", AlbPort: cfg.HTTPSListenerPort, Protocol: "HTTPS", Listener: https, Serves: true})
	return out, nil
}

// nlbPort is the NLB's TCP listener port that forwards to an ALB entrance: the port
// clients use for HTTP, or the HTTPS port, which the NLB passes through unchanged.
func nlbPort(in config.Ingress, e albEntrance) int {
	if e.Protocol == "HTTPS" {
		return in.HTTPSListenerPort
	}
	return in.ListenerPort
}

// fixedOK is the ALB's default action: 200 text/plain "OK" for unmatched requests.
func fixedOK() lb.ListenerDefaultActionInput {
	return lb.ListenerDefaultActionArgs{
		Type: pulumi.String("fixed-response"),
		FixedResponse: &lb.ListenerDefaultActionFixedResponseArgs{
			StatusCode:  pulumi.String("200"),
			ContentType: pulumi.String("text/plain"),
			MessageBody: pulumi.String("OK"),
		},
	}
}

// redirectToHTTPS answers plain HTTP with a permanent redirect to the same URL over TLS.
func redirectToHTTPS(port int) lb.ListenerDefaultActionInput {
	return lb.ListenerDefaultActionArgs{
		Type: pulumi.String("redirect"),
		Redirect: &lb.ListenerDefaultActionRedirectArgs{
			Protocol:   pulumi.String("HTTPS"),
			Port:       pulumi.String(fmt.Sprint(port)),
			StatusCode: pulumi.String("HTTP_301"),
		},
	}
}

// newStaticIPNlb builds the internet-facing NLB, placed with one subnet mapping per public
// subnet so each AZ answers on its own Elastic IP (the user's own, or one the stack
// allocates), and forwards TCP to each ALB entrance, whose health it probes at probePath.
func newStaticIPNlb(ctx *pulumi.Context, cfg config.Ingress, probePath string, net *network, alb *internalAlb, own []site.OwnEIP, logs *operations.AccessLogBucket) (*staticIPNlb, error) {
	sg, err := newNlbSecurityGroup(ctx, cfg, net, alb)
	if err != nil {
		return nil, err
	}
	allocations, ips, err := nlbElasticIPs(ctx, cfg, len(net.PublicSubnetIDs), own)
	if err != nil {
		return nil, err
	}
	var mappings lb.LoadBalancerSubnetMappingArray
	for i, subnetID := range net.PublicSubnetIDs {
		// No Ipv6Address: AWS gives the NLB a fixed IPv6 address in each subnet anyway, and
		// the provider's Read loses a pinned one next to an EIP, after which every plan
		// replaces the NLB (terraform-provider-aws issue 49531). nlbIPv6s reads them back.
		mappings = append(mappings, lb.LoadBalancerSubnetMappingArgs{SubnetId: subnetID, AllocationId: allocations[i]})
	}
	enforce := "on" // PrivateLink clients pass the same security group as everyone else
	if cfg.PrivateLink != nil && !cfg.PrivateLink.EnforceSecurityGroupRules {
		enforce = "off"
	}
	nlb, err := lb.NewLoadBalancer(ctx, "nlb", &lb.LoadBalancerArgs{
		LoadBalancerType: pulumi.String("network"),
		Internal:         pulumi.Bool(false),
		IpAddressType:    pulumi.String(nlbIPAddressType(net)),
		SubnetMappings:   mappings, // never Subnets: only mappings carry the EIPs
		// Security groups can be set on an NLB only at creation; later changes to the
		// rules are then possible, adding groups is not.
		SecurityGroups: pulumi.StringArray{sg.ID()},
		EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: pulumi.String(enforce),
		// Each AZ's address serves its own AZ's ALB node; cross-zone would add cost for nothing.
		EnableCrossZoneLoadBalancing: pulumi.Bool(false),
		EnableDeletionProtection:     pulumi.Bool(cfg.DeletionProtection),
		// ELB writes NLB access logs for TLS listeners only; with this stack's TCP
		// listeners the prefix stays empty until one is added (docs/operations.md).
		AccessLogs: logs.LoadBalancerArgs(operations.NlbLogPrefix),
		Tags:       site.OwnedTags(ctx, "nlb"),
		// What replaces the NLB (a new VPC block, fewer AZs) must free the EIPs first: AWS
		// refuses a new NLB the allocations the old one still holds. Delete-first keeps the
		// static IPs, at the price of the minutes between the two NLBs.
	}, nlbOptions(net, logs)...)
	if err != nil {
		return nil, fmt.Errorf("creating NLB: %w", err)
	}
	out := &staticIPNlb{
		LoadBalancer:  nlb,
		StaticIPs:     ips.ToStringArrayOutput(),
		AllocationIDs: allocations.ToStringArrayOutput(),
		StaticIPv6s:   pulumi.StringArray{}.ToStringArrayOutput(),
		IPAddressType: nlbIPAddressType(net),
	}
	if net.IPv6 {
		out.StaticIPv6s = nlbIPv6s(ctx, nlb, net.PublicSubnetIDs)
	}
	for _, e := range alb.Entrances {
		tg, err := forwardToAlb(ctx, cfg, probePath, net, nlb, alb, e)
		if err != nil {
			return nil, err
		}
		out.TargetGroups = append(out.TargetGroups, tg)
	}
	return out, nil
}

// nlbOptions: delete before replace (see above), and after the VPC's internet gateway
// and the access-log bucket's policy.
func nlbOptions(net *network, logs *operations.AccessLogBucket) []pulumi.ResourceOption {
	deps := logs.DependsOn()
	if net.internetGateway != nil {
		deps = append(deps, net.internetGateway)
	}
	return []pulumi.ResourceOption{pulumi.DeleteBeforeReplace(true), pulumi.DependsOn(deps)}
}

// nlbElasticIPs are the NLB's Elastic IPs, one per AZ: the user's own, or new ones, which
// stay allocated on destroy and replacement with retainStaticIps.
func nlbElasticIPs(ctx *pulumi.Context, cfg config.Ingress, azs int, own []site.OwnEIP) (allocations, ips pulumi.StringArray, err error) {
	if len(own) > 0 {
		for _, e := range own {
			allocations = append(allocations, pulumi.String(e.AllocationID))
			ips = append(ips, pulumi.String(e.PublicIP))
		}
		return allocations, ips, nil
	}
	for i := range azs {
		name := fmt.Sprintf("nlb-eip-%d", i)
		tags := site.OwnedTags(ctx, name)
		if cfg.RetainStaticIPs {
			tags[site.RetainTagKey] = pulumi.String("true") // the look-ups' sign that the state keeps it
		}
		eip, err := ec2.NewEip(ctx, name, &ec2.EipArgs{Domain: pulumi.String("vpc"), Tags: tags},
			pulumi.RetainOnDelete(cfg.RetainStaticIPs))
		if err != nil {
			return nil, nil, fmt.Errorf("creating Elastic IP %s: %w", name, err)
		}
		allocations = append(allocations, eip.AllocationId)
		ips = append(ips, eip.PublicIp)
	}
	return allocations, ips, nil
}

// nlbIPv6s are the IPv6 addresses AWS gave the NLB, one per public subnet in AZ order.
// Each AZ's address lives on the NLB's network interface in that subnet (described "ELB
// net/<name>/<id>"), which stays as long as the NLB and the subnet do, so partners can
// allow-list these like the EIPs.
func nlbIPv6s(ctx *pulumi.Context, nlb *lb.LoadBalancer, publicSubnetIDs pulumi.StringArray) pulumi.StringArrayOutput {
	var ipv6s pulumi.StringArray
	for _, subnetID := range publicSubnetIDs {
		eni := ec2.LookupNetworkInterfaceOutput(ctx, ec2.LookupNetworkInterfaceOutputArgs{
			Filters: ec2.GetNetworkInterfaceFilterArray{
				ec2.GetNetworkInterfaceFilterArgs{Name: pulumi.String("description"), Values: pulumi.StringArray{pulumi.Sprintf("ELB %s", nlb.ArnSuffix)}},
				ec2.GetNetworkInterfaceFilterArgs{Name: pulumi.String("subnet-id"), Values: pulumi.StringArray{subnetID}},
			},
		})
		ipv6s = append(ipv6s, eni.Ipv6Addresses().Index(pulumi.Int(0)))
	}
	return ipv6s.ToStringArrayOutput()
}

// nlbHealthCheck is how the NLB probes the ALB through one entrance: on the entrance's
// own listener, except that with mtls verify the ALB refuses a TLS handshake without a
// client certificate, which the NLB's probe cannot present; that entrance is probed on
// the ALB's HTTP listener instead, which reaches the same ALB and the same health rule.
func nlbHealthCheck(cfg config.Ingress, probePath string, e albEntrance) *lb.TargetGroupHealthCheckArgs {
	protocol, port := e.Protocol, "traffic-port"
	if e.Protocol == "HTTPS" && cfg.MTLS.Verify() {
		protocol, port = "HTTP", strconv.Itoa(cfg.AlbListenerPort)
	}
	return &lb.TargetGroupHealthCheckArgs{
		Protocol:         pulumi.String(protocol),
		Port:             pulumi.String(port),
		Path:             pulumi.String(probePath),
		Interval:         pulumi.Int(10),
		HealthyThreshold: pulumi.Int(3),
	}
}

// forwardToAlb creates, for one entrance, the NLB's target group of type "alb" with the
// ALB registered in it, and the NLB's TCP listener that forwards to it. TCP, because a
// TLS listener on an NLB cannot forward to an ALB-type target group.
func forwardToAlb(ctx *pulumi.Context, cfg config.Ingress, probePath string, net *network, nlb *lb.LoadBalancer, alb *internalAlb, e albEntrance) (*lb.TargetGroup, error) {
	tg, err := lb.NewTargetGroup(ctx, "nlb-alb"+e.Suffix+"-tg", &lb.TargetGroupArgs{
		TargetType: pulumi.String("alb"),
		Protocol:   pulumi.String("TCP"),
		Port:       pulumi.Int(e.AlbPort), // must equal the ALB listener port
		VpcId:      net.VpcID,
		// The probe goes through the ALB to a task (the health-check rule forwards it to
		// the first service), so the NLB sees whether any task answers, not merely the
		// ALB's fixed 200 default. Any task, not that AZ's: the ALB's cross-zone load
		// balancing is always on, so the ALB node of one AZ may ask a task in another.
		// An ALB-type target group's success codes, timeout and unhealthy threshold are
		// fixed by AWS, so they are left to it.
		HealthCheck: nlbHealthCheck(cfg, probePath, e),
		Tags:        site.NameTag(ctx, "nlb-alb"+e.Suffix+"-tg"),
	})
	if err != nil {
		return nil, fmt.Errorf("creating the NLB's ALB-type target group%s: %w", e.Suffix, err)
	}
	// AWS refuses to register an ALB with no listener on the target group's port.
	_, err = lb.NewTargetGroupAttachment(ctx, "nlb-alb"+e.Suffix+"-attachment", &lb.TargetGroupAttachmentArgs{
		TargetGroupArn: tg.Arn,
		TargetId:       alb.LoadBalancer.Arn,
		Port:           pulumi.Int(e.AlbPort),
	}, pulumi.DependsOn([]pulumi.Resource{e.Listener}))
	if err != nil {
		return nil, fmt.Errorf("registering the ALB in the NLB's target group%s: %w", e.Suffix, err)
	}
	listenerName := "nlb-tcp-listener"
	if e.Suffix != "" {
		listenerName = "nlb" + e.Suffix + "-listener"
	}
	_, err = lb.NewListener(ctx, listenerName, &lb.ListenerArgs{
		LoadBalancerArn: nlb.Arn,
		Port:            pulumi.Int(nlbPort(cfg, e)),
		Protocol:        pulumi.String("TCP"),
		DefaultActions: lb.ListenerDefaultActionArray{lb.ListenerDefaultActionArgs{
			Type:           pulumi.String("forward"),
			TargetGroupArn: tg.Arn,
		}},
	})
	if err != nil {
		return nil, fmt.Errorf("creating NLB listener %s: %w", listenerName, err)
	}
	return tg, nil
}

// newNlbHealthCheckRules route the NLB's health-check path (probePath) to a service's target group on
// every entrance, at their own priority, so the probe reaches a task whatever paths the
// services match, and even where HTTP otherwise redirects.
func newNlbHealthCheckRules(ctx *pulumi.Context, cfg config.Ingress, probePath string, alb *internalAlb, target *lb.TargetGroup) error {
	for _, e := range alb.Entrances {
		_, err := lb.NewListenerRule(ctx, "nlb-health-rule"+e.Suffix, &lb.ListenerRuleArgs{
			ListenerArn: e.Listener.Arn,
			Priority:    pulumi.Int(cfg.NlbHealthCheckRulePriority),
			Conditions: lb.ListenerRuleConditionArray{lb.ListenerRuleConditionArgs{
				PathPattern: &lb.ListenerRuleConditionPathPatternArgs{Values: pulumi.StringArray{pulumi.String(probePath)}},
			}},
			Actions: lb.ListenerRuleActionArray{lb.ListenerRuleActionArgs{Type: pulumi.String("forward"), TargetGroupArn: target.Arn}},
		})
		if err != nil {
			return fmt.Errorf("creating the NLB health-check rule%s: %w", e.Suffix, err)
		}
	}
	return nil
}

// endpointIPAddressTypes are the address types a PrivateLink service on the NLB offers:
// IPv6 only where the NLB has it.
func endpointIPAddressTypes(nlbIPAddressType string) []string {
	if nlbIPAddressType == "dualstack" {
		return []string{"ipv4", "ipv6"}
	}
	return []string{"ipv4"}
}

// newEndpointService offers the NLB to partners' VPCs over PrivateLink.
func newEndpointService(ctx *pulumi.Context, cfg *config.PrivateLink, nlb *staticIPNlb) (*ec2.VpcEndpointService, error) {
	svc, err := ec2.NewVpcEndpointService(ctx, "nlb-endpoint-service", &ec2.VpcEndpointServiceArgs{
		NetworkLoadBalancerArns: pulumi.StringArray{nlb.LoadBalancer.Arn},
		AcceptanceRequired:      pulumi.Bool(cfg.AcceptanceRequired),
		AllowedPrincipals:       pulumi.ToStringArray(cfg.AllowedPrincipals),
		// An endpoint service can offer IPv6 only on a dual-stack NLB.
		SupportedIpAddressTypes: pulumi.ToStringArray(endpointIPAddressTypes(nlb.IPAddressType)),
		Tags:                    site.NameTag(ctx, "nlb-endpoint-service"),
	})
	if err != nil {
		return nil, fmt.Errorf("creating the PrivateLink endpoint service: %w", err)
	}
	return svc, nil
}

// newNlbSecurityGroup admits the NLB's listener ports from allowedCidrs and lets the NLB
// reach only the ALB's listener ports (traffic and health checks obey the outbound rules).
// It also opens the ALB's group on those ports to this group alone.
func newNlbSecurityGroup(ctx *pulumi.Context, cfg config.Ingress, net *network, alb *internalAlb) (*ec2.SecurityGroup, error) {
	// The description is fixed at creation (ForceNew), so it does not list allowedCidrs.
	sg, err := newSecurityGroup(ctx, "nlb-sg", "Internet-facing NLB: listener ports from anywhere", net.VpcID)
	if err != nil {
		return nil, err
	}
	for _, e := range alb.Entrances {
		if err := addIngress(ctx, sg, clientRules(cfg, net.IPv6, e)...); err != nil {
			return nil, err
		}
		if err := addEgress(ctx, sg, securityGroupRule{name: "nlb-to-alb" + e.Suffix, description: "Forward and health-check to the ALB", port: e.AlbPort, peer: alb.SecurityGroup.ID()}); err != nil {
			return nil, err
		}
		if err := addIngress(ctx, alb.SecurityGroup, securityGroupRule{name: "alb-from-nlb" + e.Suffix, description: e.Protocol + " from the NLB", port: e.AlbPort, peer: sg.ID()}); err != nil {
			return nil, err
		}
	}
	return sg, nil
}

// clientRules admit allowedCidrs on one entrance's NLB port: a rule per network, named
// after it, so that adding or removing a network leaves the others' rules alone. The
// whole internet keeps the names it had before allowedCidrs existed. IPv6 networks are
// admitted only on a dual-stack NLB (the config's look-ups refuse them otherwise).
//
// Each network is written in AWS's spelling (config.CanonicalCidr), the form AWS reads
// back, so that the next preview compares like with like. A rule whose name came from
// another spelling (2001:DB8::/32) before keeps its identity through an alias: a new rule
// for the same network next to the old one would be refused by AWS as a duplicate.
func clientRules(cfg config.Ingress, ipv6 bool, e albEntrance) []securityGroupRule {
	var rules []securityGroupRule
	for _, n := range cfg.ClientNetworks() {
		if n.IPv6 && !ipv6 {
			continue
		}
		r := securityGroupRule{name: clientRuleName(n.Cidr, e), description: clientRuleDescription(n.Cidr), port: nlbPort(cfg, e), cidrIPv4: n.Cidr}
		if n.IPv6 {
			r.cidrIPv4, r.cidrIPv6 = "", n.Cidr
		}
		if old := clientRuleName(n.Written, e); old != r.name {
			r.formerName = old
		}
		rules = append(rules, r)
	}
	return rules
}

// clientRuleName is the logical name of the rule admitting cidr: URNs take no "::" or
// "/", so those become "-".
func clientRuleName(cidr string, e albEntrance) string {
	switch cidr {
	case "0.0.0.0/0":
		return "nlb-from-internet" + e.Suffix + "-ipv4"
	case "::/0":
		return "nlb-from-internet" + e.Suffix + "-ipv6"
	}
	return "nlb-from-" + strings.NewReplacer(":", "-", "/", "-").Replace(cidr) + e.Suffix
}

// clientRuleDescription says whom a client rule admits; the whole internet keeps the
// words it had before allowedCidrs, so existing stacks plan no change.
func clientRuleDescription(cidr string) string {
	switch cidr {
	case "0.0.0.0/0":
		return "Clients over IPv4"
	case "::/0":
		return "Clients over IPv6"
	}
	return "Clients from " + cidr
}
