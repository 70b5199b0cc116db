package main

import (
	"fmt"

	"github.com/example/nlb-alb-fargate/internal/site"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// securityGroupRule is one ingress or egress edge of a security group: exactly one of
// the CIDRs or the referenced group is set.
//
// The security groups are the whole of what is open. Internet → NLB on the listener
// ports, and NLB → ALB on the ALB listener ports (ingress.go: newNlbSecurityGroup); ALB →
// tasks on the container port, tasks → anywhere on 443 (ECR, CloudWatch Logs, AWS APIs)
// and to internal services through the ALB (service.go: newServiceSecurityGroup). Every
// group starts with no rules (newSecurityGroup), and each edge is a rule resource of its
// own.
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
