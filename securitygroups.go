package main

// The security groups: the whole of what is open. Internet → NLB on the listener ports;
// NLB → ALB on the ALB listener ports; ALB → tasks on the container port; tasks → anywhere
// on 443 (ECR, CloudWatch Logs, AWS APIs) and to internal services through the ALB. Every
// group starts with no rules, and each edge is a rule resource of its own.

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/site"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

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

// newServiceSecurityGroup admits the container port from the ALB only, and lets tasks
// open HTTPS connections out (ECR image pulls, CloudWatch Logs, AWS APIs) and nothing else.
func newServiceSecurityGroup(ctx *pulumi.Context, cfg config.Service, deps serviceDeps) (*ec2.SecurityGroup, error) {
	n := cfg.Name
	sg, err := newSecurityGroup(ctx, n+"-sg", fmt.Sprintf("Fargate service %s: container port from the ALB only", n), deps.Network.VpcID)
	if err != nil {
		return nil, err
	}
	if err := addIngress(ctx, sg, securityGroupRule{name: n + "-from-alb", description: "Container port from the ALB", port: cfg.ContainerPort, peer: deps.Alb.SecurityGroup.ID()}); err != nil {
		return nil, err
	}
	err = addEgress(ctx, sg,
		securityGroupRule{name: n + "-https-out-ipv4", description: "HTTPS to AWS APIs over IPv4", port: 443, cidrIPv4: "0.0.0.0/0"},
		securityGroupRule{name: n + "-https-out-ipv6", description: "HTTPS to AWS APIs over IPv6", port: 443, cidrIPv6: "::/0"},
	)
	if err != nil {
		return nil, err
	}
	// Tasks may call the internal services through the ALB by its DNS name.
	for _, other := range slices.Sorted(maps.Keys(deps.InternalPorts)) {
		if other == n {
			continue
		}
		err := addEgress(ctx, sg, securityGroupRule{name: n + "-to-" + other, description: "Internal service " + other + " through the ALB", port: deps.InternalPorts[other], peer: deps.Alb.SecurityGroup.ID()})
		if err != nil {
			return nil, err
		}
	}
	if err := addEgress(ctx, deps.Alb.SecurityGroup, securityGroupRule{name: "alb-to-" + n, description: "Forward and health-check to " + n, port: cfg.ContainerPort, peer: sg.ID()}); err != nil {
		return nil, err
	}
	return sg, nil
}

// securityGroupRule is one ingress or egress edge of a security group: exactly one of
// the CIDRs or the referenced group is set.
type securityGroupRule struct {
	name        string
	formerName  string // the rule's name before, kept as an alias; "" when it has had no other
	description string
	port        int
	cidrIPv4    string
	cidrIPv6    string
	peer        pulumi.IDOutput // referenced security group
}

// args are the rule's properties: one TCP port from (or to) exactly one source.
func (r securityGroupRule) args(sg *ec2.SecurityGroup) *vpc.SecurityGroupIngressRuleArgs {
	a := &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId: sg.ID(),
		Description:     pulumi.String(r.description),
		IpProtocol:      pulumi.String("tcp"),
		FromPort:        pulumi.Int(r.port),
		ToPort:          pulumi.Int(r.port),
	}
	switch {
	case r.cidrIPv4 != "":
		a.CidrIpv4 = pulumi.String(r.cidrIPv4)
	case r.cidrIPv6 != "":
		a.CidrIpv6 = pulumi.String(r.cidrIPv6)
	default:
		a.ReferencedSecurityGroupId = r.peer.ToStringOutput()
	}
	return a
}

// newSecurityGroup creates a group whose only rules are the given ones. The provider
// removes AWS's default allow-all egress rule, so nothing is open that is not listed.
func newSecurityGroup(ctx *pulumi.Context, name, description string, vpcID pulumi.StringOutput) (*ec2.SecurityGroup, error) {
	sg, err := ec2.NewSecurityGroup(ctx, name, &ec2.SecurityGroupArgs{
		VpcId:       vpcID,
		Description: pulumi.String(description),
		Tags:        site.NameTag(ctx, name),
	})
	if err != nil {
		return nil, fmt.Errorf("creating security group %s: %w", name, err)
	}
	return sg, nil
}

func addIngress(ctx *pulumi.Context, sg *ec2.SecurityGroup, rules ...securityGroupRule) error {
	for _, r := range rules {
		if _, err := vpc.NewSecurityGroupIngressRule(ctx, r.name, r.args(sg), r.options()...); err != nil {
			return fmt.Errorf("creating ingress rule %s: %w", r.name, err)
		}
	}
	return nil
}

// options alias the rule's former name, so the engine takes it for the same resource.
func (r securityGroupRule) options() []pulumi.ResourceOption {
	if r.formerName == "" {
		return nil
	}
	return []pulumi.ResourceOption{pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String(r.formerName)}})}
}

func addEgress(ctx *pulumi.Context, sg *ec2.SecurityGroup, rules ...securityGroupRule) error {
	for _, r := range rules {
		// Egress rules take the same properties as ingress rules.
		if _, err := vpc.NewSecurityGroupEgressRule(ctx, r.name, (*vpc.SecurityGroupEgressRuleArgs)(r.args(sg))); err != nil {
			return fmt.Errorf("creating egress rule %s: %w", r.name, err)
		}
	}
	return nil
}
