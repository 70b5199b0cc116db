package standin

// The account around the stack: Service Quotas, objects that exist outside the stack
// (another team's Elastic IPs, VPCs, load balancers), and the look-ups that list them.

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

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

// Seed makes an object that exists in the account but not in any stack the test runs:
// it is found by look-ups and counts against quotas, and no stack deletes it.
func (c *Cloud) Seed(typ tokens.Type, name string, in map[string]any) (string, error) {
	urn := resource.NewURN("elsewhere", "account", "", typ, name)
	checked, failures, err := c.Check(urn, nil, resource.NewPropertyMapFromMap(in))
	if err != nil || len(failures) > 0 {
		return "", fmt.Errorf("seeding %s: %v %v", urn, err, failures)
	}
	id, _, err := c.Create(urn, checked, false)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	c.live[urn]-- // not the test stack's: Live does not list it
	c.mu.Unlock()
	return id, nil
}

// AssociateEIP associates an Elastic IP with an instance outside the stack.
func (c *Cloud) AssociateEIP(allocationID, instanceID string) error {
	if err := c.holdEIPs(instanceID, "Resource.AlreadyAssociated: %s", allocationID); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if eip, ok := c.objects[allocationID]; ok {
		put(eip.state, "instance", instanceID)
	}
	return nil
}

func init() {
	invokes["aws:servicequotas/getServiceQuota:getServiceQuota"] = getServiceQuota
	invokes["aws:ec2/getElasticIp:getElasticIp"] = getElasticIP
	invokes["aws:ec2/getEips:getEips"] = listOf("aws:ec2/eip:Eip", func(id string, s resource.PropertyMap) map[string]string {
		return map[string]string{"allocation-id": id, "public-ip": str(s, "publicIp"), "domain": "vpc"}
	}, func(ids []string, states []resource.PropertyMap) map[string]any {
		var pub []any
		for _, s := range states {
			pub = append(pub, str(s, "publicIp"))
		}
		return map[string]any{"allocationIds": anys(ids), "publicIps": pub}
	})
	invokes["aws:ec2/getVpcs:getVpcs"] = listOf("aws:ec2/vpc:Vpc", func(id string, s resource.PropertyMap) map[string]string {
		return map[string]string{"vpc-id": id, "cidr": str(s, "cidrBlock"), "state": "available"}
	}, idsResult)
	invokes["aws:ec2/getNatGateways:getNatGateways"] = listOf("aws:ec2/natGateway:NatGateway", func(id string, s resource.PropertyMap) map[string]string {
		return map[string]string{"nat-gateway-id": id, "subnet-id": str(s, "subnetId"), "state": "available"}
	}, idsResult)
	invokes["aws:lb/getLbs:getLbs"] = listOf(tLoadBalancer, func(id string, s resource.PropertyMap) map[string]string {
		return map[string]string{"name": str(s, "name")}
	}, func(ids []string, _ []resource.PropertyMap) map[string]any { return map[string]any{"arns": anys(ids)} })
	invokes["aws:ec2/getNatGateway:getNatGateway"] = lookupByID("aws:ec2/natGateway:NatGateway", "no matching EC2 NAT Gateway found")
	invokes["aws:ec2/getSubnet:getSubnet"] = lookupByID("aws:ec2/subnet:Subnet", "no matching EC2 Subnet found")
	invokes["aws:lb/getLoadBalancer:getLoadBalancer"] = getLoadBalancer
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

// getElasticIP is the aws_eip data source by allocation id.
func getElasticIP(c *Cloud, args resource.PropertyMap) (resource.PropertyMap, error) {
	id := str(args, "id")
	s := c.objectState(id)
	if s == nil || !strings.HasPrefix(id, "eipalloc-") {
		return nil, fmt.Errorf("no matching EC2 EIP found")
	}
	return resource.NewPropertyMapFromMap(map[string]any{
		"id": id, "publicIp": str(s, "publicIp"), "publicDns": str(s, "publicDns"), "domain": str(s, "domain"),
		"associationId": str(s, "associationId"), "networkInterfaceId": str(s, "networkInterface"),
		"networkInterfaceOwnerId": Account, "instanceId": str(s, "instance"), "privateIp": "",
		"publicIpv4Pool": "amazon", "arn": str(s, "arn"), "tags": obj(s, "tags").Mappable(),
	}), nil
}

// getLoadBalancer is the aws_lb data source by name or ARN.
func getLoadBalancer(c *Cloud, args resource.PropertyMap) (resource.PropertyMap, error) {
	for id, s := range c.liveOfType(tLoadBalancer) {
		if (str(args, "arn") != "" && id == str(args, "arn")) || (str(args, "name") != "" && str(s, "name") == str(args, "name")) {
			out := s.Copy()
			put(out, "id", id)
			return out, nil
		}
	}
	return nil, fmt.Errorf("no matching LB found")
}

// lookupByID is a singular data source that finds one object of a type by its id.
func lookupByID(typ, notFound string) invokeFunc {
	return func(c *Cloud, args resource.PropertyMap) (resource.PropertyMap, error) {
		id := str(args, "id")
		for oid, s := range c.liveOfType(typ) {
			if oid == id {
				out := s.Copy()
				put(out, "id", id)
				return out, nil
			}
		}
		return nil, fmt.Errorf("%s", notFound)
	}
}

// listOf is a plural data source: the objects of a type that match its filters and tags,
// sorted by id.
func listOf(typ string, attrs func(id string, s resource.PropertyMap) map[string]string,
	result func(ids []string, states []resource.PropertyMap) map[string]any) invokeFunc {
	return func(c *Cloud, args resource.PropertyMap) (resource.PropertyMap, error) {
		wantTags := map[string]string{}
		for k, v := range obj(args, "tags") {
			wantTags[string(k)] = unwrap(v).StringValue()
		}
		var filters []filter
		for _, f := range filtersOf(args) {
			if key, ok := strings.CutPrefix(f.name, "tag:"); ok {
				if len(f.values) != 1 {
					return nil, fmt.Errorf("filter %q: the stand-in matches one tag value", f.name)
				}
				wantTags[key] = f.values[0]
				continue
			}
			filters = append(filters, f)
		}
		if vpc := str(args, "vpcId"); vpc != "" {
			filters = append(filters, filter{name: "vpc-id", values: []string{vpc}})
		}
		all := c.liveOfType(typ)
		ids := make([]string, 0, len(all))
		for id := range all {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		var found []string
		var states []resource.PropertyMap
		for _, id := range ids {
			s := all[id]
			a := attrs(id, s)
			a["vpc-id"] = str(s, "vpcId")
			ok, err := matches(filters, a)
			if err != nil {
				return nil, err
			}
			tags := obj(s, "tags")
			for k, v := range wantTags {
				ok = ok && str(tags, k) == v
			}
			if ok {
				found, states = append(found, id), append(states, s)
			}
		}
		out := result(found, states)
		out["id"] = c.Region()
		return resource.NewPropertyMapFromMap(out), nil
	}
}

func idsResult(ids []string, _ []resource.PropertyMap) map[string]any {
	return map[string]any{"ids": anys(ids)}
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
