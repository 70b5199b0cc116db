package standin

// Service Quotas (terraform-provider-aws internal/service/servicequotas): the account's
// quotas the program reads: AWS's defaults, or the account's applied value where a test
// set one (SetQuota). Cloud.Deny takes away the permission to read them.

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
	"vpc/L-0EA8095F":                  60, // Inbound or outbound rules per security group
	"elasticloadbalancing/L-53DA6B97": 50, // Application Load Balancers per Region
	"elasticloadbalancing/L-69A177A2": 50, // Network Load Balancers per Region
	"fargate/L-3032A538":              6,  // Fargate On-Demand vCPU resource count (a new account's)
	"fargate/L-36FBB829":              6,  // Fargate Spot vCPU resource count
}

// SetQuota gives the account an applied value of a quota, as a raised one.
func (c *Cloud) SetQuota(service, code string, value float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.quotas[service+"/"+code] = value
}

// getServiceQuota is the aws_servicequotas_service_quota data source by quota code, as
// dataSourceServiceQuotaRead calls Service Quotas: GetAWSDefaultServiceQuota first, whose
// every error (AccessDenied too) fails the look-up, then GetServiceQuota for the
// account's applied value. An account that never changed the quota has none: that call
// answers NoSuchResourceException, and the data source keeps the default as the value.
// Any other error of the second call fails the look-up too. So the caller needs both
// servicequotas:GetAWSDefaultServiceQuota and servicequotas:GetServiceQuota.
func getServiceQuota(c *Cloud, args resource.PropertyMap) (resource.PropertyMap, error) {
	service, code := str(args, "serviceCode"), str(args, "quotaCode")
	key := service + "/" + code
	def, known := defaultQuotas[key]
	if err := c.authorize("servicequotas:GetAWSDefaultServiceQuota"); err != nil {
		return nil, fmt.Errorf("getting Default Service Quota for (%s): %w", key, err)
	}
	if !known {
		return nil, fmt.Errorf("getting Default Service Quota for (%s): operation error Service Quotas: GetAWSDefaultServiceQuota, api error NoSuchResourceException: the quota is not in the stand-in", key)
	}
	value := def
	if err := c.authorize("servicequotas:GetServiceQuota"); err != nil {
		return nil, fmt.Errorf("getting Service Quota for (%s): %w", key, err)
	}
	c.mu.Lock()
	if applied, ok := c.quotas[key]; ok { // else NoSuchResourceException: the default stands
		value = applied
	}
	c.mu.Unlock()
	return resource.NewPropertyMapFromMap(map[string]any{
		"id": key, "serviceCode": service, "quotaCode": code,
		"value": value, "defaultValue": def, "adjustable": true, "globalQuota": false,
	}), nil
}
