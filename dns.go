package main

import (
	"fmt"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/site"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// certificateArn is the ALB's certificate: the configured ARN, or a new ACM certificate
// for the domain, validated through a DNS record in the hosted zone. A created one is
// only returned once validated, so the HTTPS listener never gets a pending certificate.
func certificateArn(ctx *pulumi.Context, cfg config.Ingress, zoneID string) (pulumi.StringInput, error) {
	if !cfg.CreateCertificate {
		return pulumi.String(cfg.CertificateArn), nil
	}
	cert, err := acm.NewCertificate(ctx, "certificate", &acm.CertificateArgs{
		DomainName:       pulumi.String(cfg.Domain),
		ValidationMethod: pulumi.String("DNS"),
		Tags:             site.NameTag(ctx, "certificate"),
	})
	if err != nil {
		return nil, fmt.Errorf("creating ACM certificate for %s: %w", cfg.Domain, err)
	}
	option := cert.DomainValidationOptions.Index(pulumi.Int(0))
	record, err := route53.NewRecord(ctx, "certificate-validation-record", &route53.RecordArgs{
		ZoneId:         pulumi.String(zoneID),
		Name:           option.ResourceRecordName().Elem(),
		Type:           option.ResourceRecordType().Elem(),
		Records:        pulumi.StringArray{option.ResourceRecordValue().Elem()},
		Ttl:            pulumi.Int(60),
		AllowOverwrite: pulumi.Bool(true), // a re-created certificate reuses the same record
	})
	if err != nil {
		return nil, fmt.Errorf("creating the certificate's validation record: %w", err)
	}
	validation, err := acm.NewCertificateValidation(ctx, "certificate-validation", &acm.CertificateValidationArgs{
		CertificateArn:        cert.Arn,
		ValidationRecordFqdns: pulumi.StringArray{record.Fqdn},
	})
	if err != nil {
		return nil, fmt.Errorf("waiting for the certificate's validation: %w", err)
	}
	return validation.CertificateArn, nil
}

// newAliasRecords points the domain at the NLB with alias A and AAAA records, which work
// at the zone apex where a CNAME cannot; an IPv4-only NLB gets the A record alone, as an
// AAAA alias to it would answer with no address.
func newAliasRecords(ctx *pulumi.Context, cfg config.Ingress, zoneID string, nlb *staticIPNlb) error {
	types := []string{"A", "AAAA"}
	if nlb.IPAddressType != "dualstack" {
		types = types[:1]
	}
	for _, typ := range types {
		_, err := route53.NewRecord(ctx, "nlb-alias-"+typ, &route53.RecordArgs{
			ZoneId: pulumi.String(zoneID),
			Name:   pulumi.String(cfg.Domain),
			Type:   pulumi.String(typ),
			Aliases: route53.RecordAliasArray{route53.RecordAliasArgs{
				Name:                 nlb.LoadBalancer.DnsName,
				ZoneId:               nlb.LoadBalancer.ZoneId,
				EvaluateTargetHealth: pulumi.Bool(true),
			}},
		})
		if err != nil {
			return fmt.Errorf("creating the %s alias record for %s: %w", typ, cfg.Domain, err)
		}
	}
	return nil
}
