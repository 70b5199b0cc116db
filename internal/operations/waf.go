package operations

import (
	"fmt"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/site"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// wafManagedRuleGroups are the AWS managed rule groups the web ACL applies, in priority
// order after the rate-based rule: sources with a bad reputation first, then request
// patterns known to exploit software, then the common rule set (OWASP Top 10 style).
var wafManagedRuleGroups = []string{
	"AWSManagedRulesAmazonIpReputationList",
	"AWSManagedRulesKnownBadInputsRuleSet",
	"AWSManagedRulesCommonRuleSet",
}

// wafRateRule is the name (and metric name) of the rate-based rule.
const wafRateRule = "rate-limit-per-client-ip"

// wafVisibility turns on CloudWatch metrics and sampled requests for a rule or the ACL.
func wafVisibility(metric string) wafv2.WebAclRuleVisibilityConfigArgs {
	return wafv2.WebAclRuleVisibilityConfigArgs{
		CloudwatchMetricsEnabled: pulumi.Bool(true),
		MetricName:               pulumi.String(metric),
		SampledRequestsEnabled:   pulumi.Bool(true),
	}
}

// NewWebACL creates, with waf, a WAFv2 web ACL (default: allow) and its rules, and
// associates it with the internal ALB (FSBP ELB.16 asks for one on every ALB); vpcCidrs
// are the VPC's IPv4 blocks. It returns the web ACL's ARN.
//
// Which client address the ALB, and so WAF, sees behind the NLB (Network Load Balancer
// guide, "Use an Application Load Balancer as a target"): an ALB-type target group keeps
// its default attributes, so the NLB preserves an IPv4 client's address and WAF sees the
// client. Traffic between the NLB and the ALB is always IPv4, and a connection translated
// from IPv6 carries the NLB's private IPv4 address as its source: every IPv6 client of
// one AZ looks like one address from the public subnets. The rate-based rule therefore
// counts only sources outside the VPC, lest it block all IPv6 clients of an AZ at once
// (and the stack's own internal callers); IPv6 clients are not rate limited.
func NewWebACL(ctx *pulumi.Context, cfg config.Operations, albArn pulumi.StringOutput, vpcCidrs []string) (pulumi.StringOutput, error) {
	// The VPC's own addresses: the NLB's (for IPv6 clients and health checks) and the
	// services' calls to internal services.
	vpcSources, err := wafv2.NewIpSet(ctx, "waf-vpc-sources", &wafv2.IpSetArgs{
		Scope:            pulumi.String("REGIONAL"),
		IpAddressVersion: pulumi.String("IPV4"),
		Addresses:        pulumi.ToStringArray(vpcCidrs),
		Description:      pulumi.String("IPv4 blocks of the VPC, not rate limited"), // WAF refuses quotes and most punctuation
		Tags:             site.NameTag(ctx, "waf-vpc-sources"),
	})
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("creating the WAF IP set of the VPC: %w", err)
	}
	rules := wafv2.WebAclRuleArray{wafv2.WebAclRuleArgs{
		Name:     pulumi.String(wafRateRule),
		Priority: pulumi.Int(0),
		Action:   &wafv2.WebAclRuleActionArgs{Block: &wafv2.WebAclRuleActionBlockArgs{}},
		Statement: wafv2.WebAclRuleStatementArgs{RateBasedStatement: &wafv2.WebAclRuleStatementRateBasedStatementArgs{
			Limit:               pulumi.Int(cfg.WafRateLimit),
			AggregateKeyType:    pulumi.String("IP"),
			EvaluationWindowSec: pulumi.Int(300),
			ScopeDownStatement: &wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementArgs{
				NotStatement: &wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementNotStatementArgs{
					Statements: wafv2.WebAclRuleStatementArray{wafv2.WebAclRuleStatementArgs{
						IpSetReferenceStatement: &wafv2.WebAclRuleStatementIpSetReferenceStatementArgs{Arn: vpcSources.Arn},
					}},
				},
			},
		}},
		VisibilityConfig: wafVisibility(wafRateRule),
	}}
	for i, group := range wafManagedRuleGroups {
		rules = append(rules, wafv2.WebAclRuleArgs{
			Name:           pulumi.String(group),
			Priority:       pulumi.Int(i + 1),
			OverrideAction: &wafv2.WebAclRuleOverrideActionArgs{None: &wafv2.WebAclRuleOverrideActionNoneArgs{}}, // the group's own actions
			Statement: wafv2.WebAclRuleStatementArgs{ManagedRuleGroupStatement: &wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs{
				Name: pulumi.String(group), VendorName: pulumi.String("AWS"),
			}},
			VisibilityConfig: wafVisibility(group),
		})
	}
	acl, err := wafv2.NewWebAcl(ctx, "waf", &wafv2.WebAclArgs{
		Scope:         pulumi.String("REGIONAL"),
		Description:   pulumi.String("In front of the internal ALB behind the static-IP NLB"),
		DefaultAction: wafv2.WebAclDefaultActionArgs{Allow: &wafv2.WebAclDefaultActionAllowArgs{}},
		Rules:         rules,
		VisibilityConfig: wafv2.WebAclVisibilityConfigArgs{
			CloudwatchMetricsEnabled: pulumi.Bool(true),
			MetricName:               pulumi.String("web-acl"),
			SampledRequestsEnabled:   pulumi.Bool(true),
		},
		Tags: site.NameTag(ctx, "waf"),
	})
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("creating the WAF web ACL: %w", err)
	}
	_, err = wafv2.NewWebAclAssociation(ctx, "waf-association", &wafv2.WebAclAssociationArgs{
		ResourceArn: albArn,
		WebAclArn:   acl.Arn,
	})
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("associating the WAF web ACL with the ALB: %w", err)
	}
	return acl.Arn, nil
}
