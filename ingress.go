package main

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// internalAlb is the layer-7 router behind the NLB.
type internalAlb struct {
	LoadBalancer  *lb.LoadBalancer
	SecurityGroup *ec2.SecurityGroup
	HTTPListener  *lb.Listener
}

// staticIPNlb is the internet-facing entry point with one Elastic IP per AZ.
type staticIPNlb struct {
	LoadBalancer  *lb.LoadBalancer
	SecurityGroup *ec2.SecurityGroup
	StaticIPs     pulumi.StringArrayOutput // the EIPs' public IPv4 addresses, in AZ order
	TargetGroup   *lb.TargetGroup          // type "alb": its one target is the internal ALB
}

// newInternalAlb builds the internal ALB in the private subnets. Its listener answers
// 200 "OK" to anything no service rule matches, as the reference pattern does.
func newInternalAlb(ctx *pulumi.Context, cfg ingressConfig, net *network) (*internalAlb, error) {
	sg, err := newSecurityGroup(ctx, "alb-sg", "Internal ALB: HTTP from the NLB only", net.VpcID)
	if err != nil {
		return nil, err
	}
	// Internal and IPv4: NLB-to-ALB traffic is IPv4 only, even for a dual-stack ALB.
	alb, err := lb.NewLoadBalancer(ctx, "alb", &lb.LoadBalancerArgs{
		LoadBalancerType:         pulumi.String("application"),
		Internal:                 pulumi.Bool(true),
		IpAddressType:            pulumi.String("ipv4"),
		Subnets:                  net.PrivateSubnetIDs, // same AZs as the NLB
		SecurityGroups:           pulumi.StringArray{sg.ID()},
		DropInvalidHeaderFields:  pulumi.Bool(true), // refuse header smuggling tricks
		EnableDeletionProtection: pulumi.Bool(cfg.DeletionProtection),
		Tags:                     nameTag(ctx, "alb"),
	})
	if err != nil {
		return nil, fmt.Errorf("creating internal ALB: %w", err)
	}
	listener, err := lb.NewListener(ctx, "alb-http-listener", &lb.ListenerArgs{
		LoadBalancerArn: alb.Arn,
		Port:            pulumi.Int(cfg.AlbListenerPort),
		Protocol:        pulumi.String("HTTP"),
		DefaultActions:  lb.ListenerDefaultActionArray{fixedOK()},
	})
	if err != nil {
		return nil, fmt.Errorf("creating ALB HTTP listener: %w", err)
	}
	return &internalAlb{LoadBalancer: alb, SecurityGroup: sg, HTTPListener: listener}, nil
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

// newStaticIPNlb builds the internet-facing NLB, placed with one subnet mapping per public
// subnet so each AZ answers on its own Elastic IP, and forwards TCP to the internal ALB.
func newStaticIPNlb(ctx *pulumi.Context, cfg ingressConfig, net *network, alb *internalAlb) (*staticIPNlb, error) {
	sg, err := newNlbSecurityGroup(ctx, cfg, net, alb)
	if err != nil {
		return nil, err
	}
	var mappings lb.LoadBalancerSubnetMappingArray
	var ips pulumi.StringArray
	for i, subnetID := range net.PublicSubnetIDs {
		name := fmt.Sprintf("nlb-eip-%d", i)
		eip, err := ec2.NewEip(ctx, name, &ec2.EipArgs{Domain: pulumi.String("vpc"), Tags: nameTag(ctx, name)})
		if err != nil {
			return nil, fmt.Errorf("creating Elastic IP %s: %w", name, err)
		}
		mappings = append(mappings, lb.LoadBalancerSubnetMappingArgs{SubnetId: subnetID, AllocationId: eip.AllocationId})
		ips = append(ips, eip.PublicIp)
	}
	nlb, err := lb.NewLoadBalancer(ctx, "nlb", &lb.LoadBalancerArgs{
		LoadBalancerType: pulumi.String("network"),
		Internal:         pulumi.Bool(false),
		IpAddressType:    pulumi.String("dualstack"),
		SubnetMappings:   mappings, // never Subnets: only mappings carry the EIPs
		// Security groups can be set on an NLB only at creation; later changes to the
		// rules are then possible, adding groups is not.
		SecurityGroups: pulumi.StringArray{sg.ID()},
		EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: pulumi.String("on"),
		// Each AZ's EIP serves its own AZ's ALB node; cross-zone would add cost for nothing.
		EnableCrossZoneLoadBalancing: pulumi.Bool(false),
		EnableDeletionProtection:     pulumi.Bool(cfg.DeletionProtection),
		Tags:                         nameTag(ctx, "nlb"),
	})
	if err != nil {
		return nil, fmt.Errorf("creating NLB: %w", err)
	}
	tg, err := newAlbTargetGroup(ctx, cfg, net, alb)
	if err != nil {
		return nil, err
	}
	_, err = lb.NewListener(ctx, "nlb-tcp-listener", &lb.ListenerArgs{
		LoadBalancerArn: nlb.Arn,
		Port:            pulumi.Int(cfg.ListenerPort),
		Protocol:        pulumi.String("TCP"), // TLS cannot forward to an ALB-type target group
		DefaultActions: lb.ListenerDefaultActionArray{lb.ListenerDefaultActionArgs{
			Type:           pulumi.String("forward"),
			TargetGroupArn: tg.Arn,
		}},
	})
	if err != nil {
		return nil, fmt.Errorf("creating NLB TCP listener: %w", err)
	}
	return &staticIPNlb{LoadBalancer: nlb, SecurityGroup: sg, StaticIPs: ips.ToStringArrayOutput(), TargetGroup: tg}, nil
}

// newNlbSecurityGroup admits the listener port from the internet and lets the NLB reach
// only the ALB's listener port (traffic and health checks obey the outbound rules). It
// also opens the ALB's group to this group alone.
func newNlbSecurityGroup(ctx *pulumi.Context, cfg ingressConfig, net *network, alb *internalAlb) (*ec2.SecurityGroup, error) {
	sg, err := newSecurityGroup(ctx, "nlb-sg", "Internet-facing NLB: listener port from anywhere", net.VpcID)
	if err != nil {
		return nil, err
	}
	err = addIngress(ctx, sg,
		securityGroupRule{name: "nlb-from-internet-ipv4", description: "Clients over IPv4", port: cfg.ListenerPort, cidrIPv4: "0.0.0.0/0"},
		securityGroupRule{name: "nlb-from-internet-ipv6", description: "Clients over IPv6", port: cfg.ListenerPort, cidrIPv6: "::/0"},
	)
	if err != nil {
		return nil, err
	}
	if err := addEgress(ctx, sg, securityGroupRule{name: "nlb-to-alb", description: "Forward and health-check to the ALB", port: cfg.AlbListenerPort, peer: alb.SecurityGroup.ID()}); err != nil {
		return nil, err
	}
	if err := addIngress(ctx, alb.SecurityGroup, securityGroupRule{name: "alb-from-nlb", description: "HTTP from the NLB", port: cfg.AlbListenerPort, peer: sg.ID()}); err != nil {
		return nil, err
	}
	return sg, nil
}

// newAlbTargetGroup creates the NLB's target group of type "alb" and registers the ALB.
func newAlbTargetGroup(ctx *pulumi.Context, cfg ingressConfig, net *network, alb *internalAlb) (*lb.TargetGroup, error) {
	tg, err := lb.NewTargetGroup(ctx, "nlb-alb-tg", &lb.TargetGroupArgs{
		TargetType: pulumi.String("alb"),
		Protocol:   pulumi.String("TCP"),
		Port:       pulumi.Int(cfg.AlbTargetGroupPort), // must equal the ALB listener port
		VpcId:      net.VpcID,
		// The probe goes through the ALB to a task (the health-check rule forwards it to
		// the first service), so the NLB marks an AZ unhealthy when no task answers there,
		// not merely when the ALB's fixed 200 default answers.
		HealthCheck: &lb.TargetGroupHealthCheckArgs{
			Protocol:           pulumi.String("HTTP"),
			Port:               pulumi.String("traffic-port"),
			Path:               pulumi.String(cfg.NlbHealthCheckPath),
			Matcher:            pulumi.String("200"),
			Interval:           pulumi.Int(10),
			HealthyThreshold:   pulumi.Int(3),
			UnhealthyThreshold: pulumi.Int(3),
		},
		Tags: nameTag(ctx, "nlb-alb-tg"),
	})
	if err != nil {
		return nil, fmt.Errorf("creating the NLB's ALB-type target group: %w", err)
	}
	// AWS refuses to register an ALB with no listener on the target group's port.
	_, err = lb.NewTargetGroupAttachment(ctx, "nlb-alb-attachment", &lb.TargetGroupAttachmentArgs{
		TargetGroupArn: tg.Arn,
		TargetId:       alb.LoadBalancer.Arn,
		Port:           pulumi.Int(cfg.AlbTargetGroupPort),
	}, pulumi.DependsOn([]pulumi.Resource{alb.HTTPListener}))
	if err != nil {
		return nil, fmt.Errorf("registering the ALB in the NLB's target group: %w", err)
	}
	return tg, nil
}

// newNlbHealthCheckRule routes the NLB's health-check path to a service's target group at
// its own priority, so the probe reaches a task whatever paths the services match.
func newNlbHealthCheckRule(ctx *pulumi.Context, cfg ingressConfig, alb *internalAlb, target *lb.TargetGroup) error {
	_, err := lb.NewListenerRule(ctx, "nlb-health-rule", &lb.ListenerRuleArgs{
		ListenerArn: alb.HTTPListener.Arn,
		Priority:    pulumi.Int(cfg.NlbHealthCheckRulePriority),
		Conditions: lb.ListenerRuleConditionArray{lb.ListenerRuleConditionArgs{
			PathPattern: &lb.ListenerRuleConditionPathPatternArgs{Values: pulumi.StringArray{pulumi.String(cfg.NlbHealthCheckPath)}},
		}},
		Actions: lb.ListenerRuleActionArray{lb.ListenerRuleActionArgs{Type: pulumi.String("forward"), TargetGroupArn: target.Arn}},
	})
	if err != nil {
		return fmt.Errorf("creating the NLB health-check rule: %w", err)
	}
	return nil
}
