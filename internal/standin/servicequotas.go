package standin

// Service Quotas (terraform-provider-aws internal/service/servicequotas): the account's
// quotas the program reads, AWS's defaults unless a test raises one (SetQuota) or makes it
// unreadable (FailQuota).

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func init() {
	registerInvokes(map[string]invokeFunc{
		"aws:servicequotas/getServiceQuota:getServiceQuota": getServiceQuota,
	})
}

// defaultQuotas are AWS's default values of the quotas the program reads (Service Quotas,
// "serviceCode/quotaCode"); accounts may have others (SetQuota).
var defaultQuotas = map[string]float64{
	"ec2/L-0263D0A3":                  5,  // EC2-VPC Elastic IPs
	"vpc/L-F678F1CE":                  5,  // VPCs per Region
	"vpc/L-FE5A380F":                  5,  // NAT gateways per Availability Zone
	"elasticloadbalancing/L-53DA6B97": 50, // Application Load Balancers per Region
	"elasticloadbalancing/L-69A177A2": 50, // Network Load Balancers per Region
	"fargate/L-3032A538":              6,  // Fargate On-Demand vCPU resource count (a new account's)
	"fargate/L-36FBB829":              6,  // Fargate Spot vCPU resource count
}

// SetQuota gives the account another value of a quota, as a raised one.
func (c *Cloud) SetQuota(service, code string, value float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.quotas[service+"/"+code] = value
}

// FailQuota makes a quota unreadable, with the error Service Quotas would give.
func (c *Cloud) FailQuota(service, code, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.quotaErrors[service+"/"+code] = reason
}

// getServiceQuota is the aws_servicequotas_service_quota data source by quota code.
func getServiceQuota(c *Cloud, args resource.PropertyMap) (resource.PropertyMap, error) {
	key := str(args, "serviceCode") + "/" + str(args, "quotaCode")
	c.mu.Lock()
	value, ok := c.quotas[key]
	reason := c.quotaErrors[key]
	c.mu.Unlock()
	if !ok {
		value, ok = defaultQuotas[key]
	}
	switch {
	case reason != "":
		return nil, fmt.Errorf("getting Service Quotas Service Quota (%s): %s", key, reason)
	case !ok:
		return nil, fmt.Errorf("getting Service Quotas Service Quota (%s): NoSuchResourceException: the quota is not in the stand-in", key)
	}
	return resource.NewPropertyMapFromMap(map[string]any{
		"id": key, "serviceCode": str(args, "serviceCode"), "quotaCode": str(args, "quotaCode"),
		"value": value, "defaultValue": defaultQuotas[key], "adjustable": true, "globalQuota": false,
	}), nil
}
