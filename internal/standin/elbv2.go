package standin

// Elastic Load Balancing v2 (terraform-provider-aws internal/service/elbv2): load
// balancers, target groups, listeners and rules; what ELB checks and does on create and
// update (subnets, Elastic IPs and the NLB's network interfaces, access logs, listener ports,
// rule priorities); and the aws_lb and aws_lbs data sources.

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// The Pulumi type tokens of the Elastic Load Balancing v2 models.
const (
	TypeLoadBalancer          tokens.Type = "aws:lb/loadBalancer:LoadBalancer"
	TypeTargetGroup           tokens.Type = "aws:lb/targetGroup:TargetGroup"
	TypeListener              tokens.Type = "aws:lb/listener:Listener"
	TypeListenerRule          tokens.Type = "aws:lb/listenerRule:ListenerRule"
	TypeTargetGroupAttachment tokens.Type = "aws:lb/targetGroupAttachment:TargetGroupAttachment"
	TypeLbTrustStore          tokens.Type = "aws:lb/trustStore:TrustStore"
)

func init() {
	register(map[tokens.Type]*model{
		TypeLoadBalancer: {
			tf: "aws_lb", source: "internal/service/elbv2/load_balancer.go",
			forceNew: []string{"loadBalancerType", "name", "namePrefix", "internal", "customerOwnedIpv4Pool"},
			computed: []string{"name", "namePrefix", "internal", "ipAddressType", "securityGroups", "subnets", "subnetMappings",
				"enforceSecurityGroupInboundRulesOnPrivateLinkTraffic"},
			sets: []string{"securityGroups", "subnets", "subnetMappings"},
			// Defaults that are false are planned as unset by SDKv2 and left out.
			defaults: map[string]any{
				"loadBalancerType": "application", "enableHttp2": true, "idleTimeout": 60, "desyncMitigationMode": "defensive",
				"xffHeaderProcessingMode": "append", "dnsRecordClientRoutingPolicy": "any_availability_zone", "clientKeepAlive": 3600,
			},
			autoname: 32,
			tagged:   true,
			create:   createLoadBalancer,
			rules: []rule{
				{
					name: "flattenSubnetMappingsFromAvailabilityZones",
					why:  "Read keeps only the first of each AZ's addresses: with an EIP that is the IPv4 entry, so a pinned ipv6Address reads back empty",
					read: readSubnetMappings,
				},
				{
					name: "flattenSubnetsFromAvailabilityZones",
					why:  "Read derives subnets from the load balancer's AZs, whatever placed it",
					read: func(_ *Cloud, state resource.PropertyMap) {
						var ids []any
						for _, m := range objs(state, "subnetMappings") {
							ids = append(ids, str(m, "subnetId"))
						}
						if len(ids) > 0 {
							put(state, "subnets", ids)
						}
					},
				},
				{
					name: "loadBalancerAttributes.flatten",
					why:  "Read stores what AWS reports: an ALB's cross-zone load balancing is always on",
					read: func(_ *Cloud, state resource.PropertyMap) {
						if str(state, "loadBalancerType") == "application" {
							put(state, "enableCrossZoneLoadBalancing", true)
						}
					},
				},
				{
					name: "suppressIfLBType(application)", attr: "enableCrossZoneLoadBalancing",
					why: "an ALB's cross-zone setting never plans a change",
					same: func(_, _ resource.PropertyValue, news resource.PropertyMap) bool {
						return str(news, "loadBalancerType") == "application"
					},
				},
				{
					name: "flattenLoadBalancerAccessLogsAttributes",
					why:  "Read always stores one access_logs block, disabled when none is configured",
					read: func(_ *Cloud, state resource.PropertyMap) {
						if obj(state, "accessLogs") == nil {
							put(state, "accessLogs", map[string]any{"bucket": "", "enabled": false, "prefix": ""})
						}
					},
				},
				{
					name: "verify.SuppressMissingOptionalConfigurationBlock", attr: "accessLogs",
					why:  "an access_logs block AWS reports but the program leaves out plans no change",
					same: func(_, n resource.PropertyValue, _ resource.PropertyMap) bool { return n.IsNull() },
				},
				{
					name:      "customizeDiffLoadBalancerNLB",
					why:       "an NLB whose subnet mappings change or shrink is replaced (adding mappings updates in place), as is one whose security groups go from none to some or back",
					customize: customizeDiffLoadBalancerNLB,
				},
			},
		},
		TypeTargetGroup: {
			tf: "aws_lb_target_group", source: "internal/service/elbv2/target_group.go",
			forceNew: []string{"name", "namePrefix", "port", "protocol", "protocolVersion", "vpcId", "targetType", "ipAddressType"},
			computed: []string{"name", "namePrefix", "healthCheck", "protocolVersion", "ipAddressType", "stickiness", "targetFailovers",
				"targetGroupHealth", "targetHealthStates", "loadBalancingAlgorithmType", "loadBalancingAnomalyMitigation",
				"loadBalancingCrossZoneEnabled", "connectionTermination", "preserveClientIp"},
			defaults: map[string]any{
				"targetType": "instance", "deregistrationDelay": 300,
				"healthCheck.enabled": true, "healthCheck.healthyThreshold": 3, "healthCheck.interval": 30,
				"healthCheck.port": "traffic-port", "healthCheck.protocol": "HTTP", "healthCheck.unhealthyThreshold": 3,
			},
			autoname: 32,
			tagged:   true,
			create:   createTargetGroup,
			rules: []rule{{
				name: "flattenTargetGroupHealthCheck",
				why:  "Read stores the health check AWS reports, its defaults filled in where the program set none",
				read: readTargetGroupHealthCheck,
			}},
		},
		TypeListener: {
			tf: "aws_lb_listener", source: "internal/service/elbv2/listener.go",
			forceNew: []string{"loadBalancerArn"}, // port, protocol, certificate and actions change in place (ModifyListener)
			computed: []string{"protocol", "sslPolicy", "mutualAuthentication", "tcpIdleTimeoutSeconds"},
			tagged:   true,
			create:   createListener,
			rules: []rule{
				{
					name: "flattenListenerActions",
					why:  "Read stores each action's order and a redirect's defaulted parts",
					read: func(_ *Cloud, state resource.PropertyMap) { readActions(state, "defaultActions") },
				},
				{
					name: "flattenMutualAuthenticationAttributes",
					why:  "Read stores mode \"off\" alone (whatever else was sent), and for verify AWS's defaults (advertiseTrustStoreCaNames \"off\", ignoreClientCertificateExpiry false)",
					read: readMutualAuthentication,
				},
			},
		},
		TypeListenerRule: {
			tf: "aws_lb_listener_rule", source: "internal/service/elbv2/listener_rule.go",
			forceNew: []string{"listenerArn"}, // priority changes in place (SetRulePriorities)
			computed: []string{"priority"},
			sets:     []string{"conditions"},
			tagged:   true,
			create:   createListenerRule,
			rules: []rule{{
				name: "flattenListenerActions",
				why:  "Read stores each action's order",
				read: func(_ *Cloud, state resource.PropertyMap) { readActions(state, "actions") },
			}},
		},
		TypeLbTrustStore: {
			tf: "aws_lb_trust_store", source: "internal/service/elbv2/trust_store.go",
			// The bundle's bucket, key and object version are neither ForceNew nor Computed:
			// resourceTrustStoreUpdate sends them to ModifyTrustStore, in place.
			forceNew: []string{"name", "namePrefix"},
			computed: []string{"name", "namePrefix"},
			autoname: 32,
			tagged:   true,
			validate: validTrustStore,
			create:   createTrustStore,
		},
		TypeTargetGroupAttachment: {
			tf: "aws_lb_target_group_attachment", source: "internal/service/elbv2/target_group_attachment.go",
			forceNew: []string{"targetGroupArn", "targetId", "port", "availabilityZone"}, // no Update
			create:   createTargetGroupAttachment,
		},
	})
	registerInvokes(map[string]invokeFunc{
		"aws:lb/getLbs:getLbs": listOf(TypeLoadBalancer, func(id string, s resource.PropertyMap) map[string]string {
			return map[string]string{"name": str(s, "name")}
		}, func(ids []string, _ []resource.PropertyMap) map[string]any { return map[string]any{"arns": anys(ids)} }),
		"aws:lb/getLoadBalancer:getLoadBalancer": getLoadBalancer,
	})
	hooks[TypeLoadBalancer] = objectHook{
		created: func(c *Cloud, id string, state resource.PropertyMap) error {
			if err := accessLogsChecked(c, state); err != nil {
				return err
			}
			return nlbCreated(c, id, state)
		},
		updated: func(c *Cloud, id string, old, new resource.PropertyMap) error {
			if !obj(old, "accessLogs").DeepEquals(obj(new, "accessLogs")) {
				if err := accessLogsChecked(c, new); err != nil {
					return err
				}
			}
			return lbUpdated(c, id, old, new)
		},
		deleted: nlbDeleted,
	}
	hooks[TypeListener] = objectHook{updated: listenerUpdated}
	hooks[TypeLbTrustStore] = objectHook{updated: trustStoreUpdated, deleting: trustStoreDeleting}
	hooks[TypeListenerRule] = objectHook{updated: ruleUpdated}
}

func createLoadBalancer(o *op) (string, map[string]any, error) {
	name := str(o.in, "name")
	lbType := str(o.in, "loadBalancerType")
	suffix := o.hex("lb", 16)
	var kind, dns, zone string
	switch lbType {
	case "network":
		kind, zone = "net", map[string]string{"us-east-1": "Z26RNL4JYFTOTI"}[o.region()]
		dns = fmt.Sprintf("%s-%s.elb.%s.amazonaws.com", name, suffix, o.region())
	default:
		kind, zone = "app", map[string]string{"us-east-1": "Z35SXDOTRQ7X7K"}[o.region()]
		dns = fmt.Sprintf("%s-%s.%s.elb.amazonaws.com", name, o.digits("dns", 10), o.region())
		if boolean(o.in, "internal") {
			dns = "internal-" + dns
		}
	}
	if zone == "" {
		zone = "Z" + strings.ToUpper(o.hex("zone", 13))
	}
	arnSuffix := fmt.Sprintf("%s/%s/%s", kind, name, suffix)
	arn := o.arn("elasticloadbalancing", "loadbalancer/"+arnSuffix)
	outs := map[string]any{
		"arn": arn, "arnSuffix": arnSuffix, "dnsName": strings.ToLower(dns), "zoneId": zone,
		"internal": false, "ipAddressType": "ipv4", "vpcId": "", "securityGroups": []any{}, "namePrefix": "",
		"customerOwnedIpv4Pool": "", "enforceSecurityGroupInboundRulesOnPrivateLinkTraffic": "",
	}
	subnets := strs(o.in, "subnets")
	for _, m := range objs(o.in, "subnetMappings") {
		subnets = append(subnets, str(m, "subnetId"))
	}
	var mappings []any
	for _, id := range subnets {
		if subnet := o.lookup(id); subnet != nil {
			outs["vpcId"] = str(subnet, "vpcId")
		}
		mappings = append(mappings, map[string]any{"subnetId": id})
	}
	outs["subnetMappings"] = mappings
	if !o.preview {
		if err := o.c.checkLoadBalancerSubnets(o.in, subnets); err != nil {
			return "", nil, err
		}
	}
	if lbType == "network" && len(strs(o.in, "securityGroups")) > 0 {
		outs["enforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] = "on"
	}
	if !o.preview && o.c.taken(TypeLoadBalancer, "name", name) {
		return "", nil, fmt.Errorf("DuplicateLoadBalancerName: A load balancer with the name '%s' already exists", name)
	}
	return arn, outs, nil
}

// checkLoadBalancerSubnets is what CreateLoadBalancer refuses about the subnets: an
// internet-facing load balancer in a VPC with no internet gateway attached, and a dual-stack
// one in a subnet without an IPv6 block. Only subnets the Cloud holds are judged.
func (c *Cloud) checkLoadBalancerSubnets(in resource.PropertyMap, subnets []string) error {
	vpcs := map[string]bool{}
	for _, id := range subnets {
		subnet := c.objectState(id)
		if subnet == nil {
			continue // a made-up id of a rule scenario, which is about something else
		}
		vpcs[str(subnet, "vpcId")] = true
		if str(in, "ipAddressType") == "dualstack" && str(subnet, "ipv6CidrBlock") == "" {
			return fmt.Errorf("InvalidConfigurationRequest: subnet '%s' has no IPv6 CIDR block; a dualstack load balancer needs one in every subnet", id)
		}
	}
	if boolean(in, "internal") {
		return nil
	}
	for vpc := range vpcs {
		attached := false
		for _, igw := range c.liveOfType(TypeInternetGateway) {
			attached = attached || str(igw, "vpcId") == vpc
		}
		if !attached {
			return fmt.Errorf("InvalidSubnet: VPC %s has no internet gateway", vpc)
		}
	}
	return nil
}

// readSubnetMappings models flattenSubnetMappingsFromAvailabilityZones: one mapping per
// AZ from LoadBalancerAddresses[0]. AWS lists an AZ's IPv4 entry (the EIP, or the pinned
// private address) before its IPv6 entry, so for a dual-stack NLB with EIPs the IPv6
// address is lost (hashicorp/terraform-provider-aws#49531).
func readSubnetMappings(c *Cloud, state resource.PropertyMap) {
	owner := str(state, "arn")
	dual := strings.HasPrefix(str(state, "ipAddressType"), "dualstack")
	var out []resource.PropertyMap
	for _, m := range objs(state, "subnetMappings") {
		type address struct{ allocationID, privateIPv4, ipv6 string }
		var addrs []address
		if a, p := str(m, "allocationId"), str(m, "privateIpv4Address"); a != "" || p != "" {
			addrs = append(addrs, address{allocationID: a, privateIPv4: p})
		}
		if dual && str(state, "loadBalancerType") == "network" {
			if e := c.eniOf(owner, str(m, "subnetId")); e != nil && e.ipv6 != "" {
				addrs = append(addrs, address{ipv6: e.ipv6})
			}
		}
		read := resource.PropertyMap{}
		put(read, "subnetId", str(m, "subnetId"))
		put(read, "outpostId", "")
		put(read, "allocationId", "")
		put(read, "ipv6Address", "")
		put(read, "privateIpv4Address", "")
		if len(addrs) > 0 {
			put(read, "allocationId", addrs[0].allocationID)
			put(read, "ipv6Address", addrs[0].ipv6)
			put(read, "privateIpv4Address", addrs[0].privateIPv4)
		}
		out = append(out, read)
	}
	putObjs(state, "subnetMappings", out)
}

// customizeDiffLoadBalancerNLB: for a network load balancer, a subnet mapping set that
// changes with the same or a smaller count forces a new load balancer; a larger one
// updates in place only if every stored mapping is still there. Security groups going
// from none to some, or some to none, force a new one too.
func customizeDiffLoadBalancerNLB(_ *Cloud, state, news resource.PropertyMap, changed []string) []string {
	if str(state, "loadBalancerType") != "network" {
		return nil
	}
	var replaces []string
	if contains(changed, "subnetMappings") && !news["subnetMappings"].ContainsUnknowns() {
		olds, nws := objs(state, "subnetMappings"), objs(news, "subnetMappings")
		switch {
		case len(nws) <= len(olds):
			replaces = append(replaces, "subnetMappings")
		default:
			for _, o := range olds {
				kept := false
				for _, n := range nws {
					if covers(resource.NewObjectProperty(o), resource.NewObjectProperty(n)) && covers(resource.NewObjectProperty(n), resource.NewObjectProperty(o)) {
						kept = true
					}
				}
				if !kept {
					replaces = append(replaces, "subnetMappings")
					break
				}
			}
		}
	}
	if contains(changed, "securityGroups") && !news["securityGroups"].ContainsUnknowns() {
		o, n := len(strs(state, "securityGroups")), len(strs(news, "securityGroups"))
		if (o == 0) != (n == 0) {
			replaces = append(replaces, "securityGroups")
		}
	}
	return replaces
}

// nlbCreated gives a network load balancer its network interfaces, one per subnet
// mapping, and takes the mappings' Elastic IPs, which AWS refuses while another object
// holds one ("allocation IDs are not available for use", issue 15031).
func nlbCreated(c *Cloud, id string, state resource.PropertyMap) error {
	if str(state, "loadBalancerType") != "network" {
		return nil
	}
	return c.addNlbInterfaces(id, state, objs(state, "subnetMappings"))
}

// lbUpdated checks what ELB checks on SetSubnets: a load balancer stays in its VPC.
func lbUpdated(c *Cloud, id string, old, new resource.PropertyMap) error {
	if o, n := strs(old, "subnets"), strs(new, "subnets"); len(n) > 0 && strings.Join(o, ",") != strings.Join(n, ",") {
		// SetSubnets with subnets: the load balancer's AZs are now those subnets, which Read
		// reports as its mappings too.
		var mappings []resource.PropertyMap
		for _, s := range n {
			m := resource.PropertyMap{}
			put(m, "subnetId", s)
			mappings = append(mappings, m)
		}
		putObjs(new, "subnetMappings", mappings)
	}
	subnets := strs(new, "subnets")
	for _, m := range objs(new, "subnetMappings") {
		subnets = append(subnets, str(m, "subnetId"))
	}
	for _, sid := range subnets {
		if subnet := c.objectState(sid); subnet != nil && str(old, "vpcId") != "" && str(subnet, "vpcId") != str(old, "vpcId") {
			return fmt.Errorf("InvalidConfigurationRequest: subnet %s is not in the load balancer's VPC %s", sid, str(old, "vpcId"))
		}
	}
	return nlbUpdated(c, id, old, new)
}

func nlbUpdated(c *Cloud, id string, old, new resource.PropertyMap) error {
	if str(new, "loadBalancerType") != "network" {
		return nil
	}
	before := map[string]bool{}
	for _, m := range objs(old, "subnetMappings") {
		before[str(m, "subnetId")] = true
	}
	after := map[string]bool{}
	var added []resource.PropertyMap
	for _, m := range objs(new, "subnetMappings") {
		after[str(m, "subnetId")] = true
		if !before[str(m, "subnetId")] {
			added = append(added, m)
		}
	}
	for _, m := range objs(old, "subnetMappings") {
		if !after[str(m, "subnetId")] {
			c.removeNlbInterface(id, m)
		}
	}
	return c.addNlbInterfaces(id, new, added)
}

func nlbDeleted(c *Cloud, id string, state resource.PropertyMap) {
	for _, m := range objs(state, "subnetMappings") {
		c.removeNlbInterface(id, m)
	}
	// The stored mappings may have lost what was sent; release by holder too.
	c.mu.Lock()
	for a, h := range c.eipHolder {
		if h == id {
			c.releaseEIPLocked(id, a)
		}
	}
	for eid, e := range c.enis {
		if e.owner == id {
			delete(c.enis, eid)
		}
	}
	c.mu.Unlock()
}

func (c *Cloud) addNlbInterfaces(lbID string, lb resource.PropertyMap, mappings []resource.PropertyMap) error {
	var allocations []string
	for _, m := range mappings {
		allocations = append(allocations, str(m, "allocationId"))
	}
	if err := c.holdEIPs(lbID, "InvalidConfigurationRequest: The allocation IDs are not available for use (%s is associated elsewhere)", allocations...); err != nil {
		return err
	}
	dual := strings.HasPrefix(str(lb, "ipAddressType"), "dualstack")
	for _, m := range mappings {
		subnetID := str(m, "subnetId")
		subnet := c.objectState(subnetID)
		if subnet == nil {
			return fmt.Errorf("InvalidSubnet: The subnet ID '%s' is not valid", subnetID)
		}
		e := &eni{
			id: "eni-0" + hexOf(16, lbID, subnetID), owner: lbID, description: "ELB " + str(lb, "arnSuffix"),
			subnetID: subnetID, vpcID: str(subnet, "vpcId"), az: str(subnet, "availabilityZone"),
			privateIP:     hostIn(str(subnet, "cidrBlock"), hexOf(8, lbID, subnetID, "ipv4")),
			interfaceType: "network_load_balancer", requesterID: "amazon-elb",
		}
		if v := str(m, "privateIpv4Address"); v != "" {
			e.privateIP = v
		}
		if dual {
			e.ipv6 = str(m, "ipv6Address")
			if e.ipv6 == "" {
				e.ipv6 = hostIn(str(subnet, "ipv6CidrBlock"), hexOf(8, lbID, subnetID, "ipv6"))
			}
		}
		c.mu.Lock()
		if a := str(m, "allocationId"); a != "" {
			e.allocationID = a
			if eip, ok := c.objects[a]; ok {
				e.publicIP = str(eip.state, "publicIp")
				put(eip.state, "networkInterface", e.id)
			}
		}
		c.enis[e.id] = e
		c.mu.Unlock()
	}
	return nil
}

func (c *Cloud) removeNlbInterface(lbID string, m resource.PropertyMap) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, e := range c.enis {
		if e.owner == lbID && e.subnetID == str(m, "subnetId") {
			c.releaseEIPLocked(lbID, e.allocationID)
			delete(c.enis, id)
		}
	}
}

func (c *Cloud) eniOf(owner, subnetID string) *eni {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.enis {
		if e.owner == owner && e.subnetID == subnetID {
			return e
		}
	}
	return nil
}

// elbLogAccounts are the ELB accounts that write ALB access logs under the legacy policy,
// in the Regions opened before August 2022 (Elastic Load Balancing User Guide).
var elbLogAccounts = map[string]string{
	"us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980", "us-west-2": "797873946194",
	"af-south-1": "098369216593", "ap-east-1": "754344448648", "ap-southeast-3": "589379963580", "ap-south-1": "718504428378",
	"ap-northeast-3": "383597477331", "ap-northeast-2": "600734575887", "ap-southeast-1": "114774131450",
	"ap-southeast-2": "783225319266", "ap-northeast-1": "582318560864", "ca-central-1": "985666609251",
	"eu-central-1": "054676820928", "eu-west-1": "156460612806", "eu-west-2": "652711504416", "eu-south-1": "635631232127",
	"eu-west-3": "009996457667", "eu-north-1": "897822967062", "me-south-1": "076674570225", "sa-east-1": "507241528517",
}

// accessLogsChecked is what ModifyLoadBalancerAttributes checks when access logs are on:
// the bucket exists, ELB's log writer may put the test object under the prefix (for an ALB
// the Region's ELB account or logdelivery.elasticloadbalancing.amazonaws.com; for an NLB
// delivery.logs.amazonaws.com), and an ALB's bucket is not encrypted with KMS. Then ELB
// writes ELBAccessLogTestFile into it.
func accessLogsChecked(c *Cloud, state resource.PropertyMap) error {
	logs := obj(state, "accessLogs")
	if logs == nil || !boolean(logs, "enabled") {
		return nil
	}
	bucket := str(logs, "bucket")
	denied := fmt.Errorf("InvalidConfigurationRequest: Access Denied for bucket: %s. Please check S3bucket permission", bucket)
	if !c.taken(TypeS3BucketV2, "bucket", bucket) {
		return fmt.Errorf("InvalidConfigurationRequest: The specified bucket does not exist: %s", bucket)
	}
	object := fmt.Sprintf("arn:aws:s3:::%s/%s/AWSLogs/%s/ELBAccessLogTestFile", bucket, str(logs, "prefix"), Account)
	var policy string
	for _, p := range c.liveOfType(TypeS3BucketPolicy) {
		if str(p, "bucket") == bucket {
			policy = str(p, "policy")
		}
	}
	allowed := false
	if str(state, "loadBalancerType") == "network" {
		allowed = policyAllows(policy, "Service", "delivery.logs.amazonaws.com", "s3:PutObject", object)
	} else {
		allowed = policyAllows(policy, "Service", "logdelivery.elasticloadbalancing.amazonaws.com", "s3:PutObject", object) ||
			policyAllows(policy, "AWS", fmt.Sprintf("arn:aws:iam::%s:root", elbLogAccounts[c.Region()]), "s3:PutObject", object)
		for _, sse := range c.liveOfType(TypeS3BucketServerSideEncryptionConfigurationV2) {
			if str(sse, "bucket") == bucket && strings.Contains(canonicalJSON(sse.Mappable()["rules"]), "aws:kms") {
				allowed = false // ALB log delivery writes SSE-S3 only
			}
		}
	}
	if !allowed {
		return denied
	}
	c.mu.Lock()
	c.bucketObjects[bucket]++
	c.mu.Unlock()
	return nil
}

func createTargetGroup(o *op) (string, map[string]any, error) {
	name := str(o.in, "name")
	arnSuffix := fmt.Sprintf("targetgroup/%s/%s", name, o.hex("tg", 16))
	arn := o.arn("elasticloadbalancing", arnSuffix)
	protocol := str(o.in, "protocol")
	outs := map[string]any{
		"arn": arn, "arnSuffix": arnSuffix, "loadBalancerArns": []any{}, "ipAddressType": "ipv4", "namePrefix": "",
		"protocolVersion": "", "connectionTermination": false, "loadBalancingAlgorithmType": "round_robin",
		"loadBalancingAnomalyMitigation": "off", "loadBalancingCrossZoneEnabled": "use_load_balancer_configuration",
		"targetFailovers": []any{map[string]any{}}, "targetHealthStates": []any{},
	}
	if protocol == "HTTP" || protocol == "HTTPS" {
		outs["protocolVersion"] = "HTTP1"
		outs["stickiness"] = map[string]any{"enabled": false, "type": "lb_cookie", "cookieDuration": 86400}
	} else {
		outs["stickiness"] = map[string]any{"enabled": false, "type": "source_ip"}
	}
	if !o.preview && o.c.taken(TypeTargetGroup, "name", name) {
		return "", nil, fmt.Errorf("DuplicateTargetGroupName: A target group with the same name '%s' exists", name)
	}
	return arn, outs, nil
}

// readTargetGroupHealthCheck fills in what AWS reports for health-check settings the
// program left out: the timeout, the success codes and the path of its protocol.
func readTargetGroupHealthCheck(_ *Cloud, state resource.PropertyMap) {
	hc := obj(state, "healthCheck")
	if hc == nil {
		hc = resource.PropertyMap{}
		state["healthCheck"] = resource.NewObjectProperty(hc)
	}
	tcpGroup := str(state, "protocol") == "TCP" || str(state, "protocol") == "TLS"
	hcProtocol := strings.ToUpper(str(hc, "protocol"))
	if hcProtocol == "" {
		hcProtocol = "HTTP"
	}
	defaults := map[string]any{"enabled": true, "healthyThreshold": 5, "unhealthyThreshold": 2, "interval": 30, "port": "traffic-port", "protocol": hcProtocol}
	switch {
	case tcpGroup && hcProtocol == "HTTP":
		defaults["timeout"], defaults["matcher"], defaults["path"] = 6, "200-399", "/"
	case tcpGroup && hcProtocol == "HTTPS":
		defaults["timeout"], defaults["matcher"], defaults["path"] = 10, "200-399", "/"
	case tcpGroup:
		defaults["timeout"] = 10
	default:
		defaults["timeout"], defaults["matcher"], defaults["path"] = 5, "200", "/"
	}
	for k, v := range defaults {
		if !hc.HasValue(resource.PropertyKey(k)) {
			put(hc, k, v)
		}
	}
}

func createListener(o *op) (string, map[string]any, error) {
	// listener/<net|app>/<lb name>/<lb id>/<listener id>
	lbArn := str(o.in, "loadBalancerArn")
	arn := strings.Replace(lbArn, ":loadbalancer/", ":listener/", 1) + "/" + o.hex("listener", 16)
	protocol := str(o.in, "protocol")
	if protocol == "" {
		protocol = "HTTP"
		if strings.Contains(lbArn, "loadbalancer/net/") {
			protocol = "TCP"
		}
	}
	outs := map[string]any{"arn": arn, "protocol": protocol, "sslPolicy": "", "alpnPolicy": "", "certificateArn": ""}
	switch protocol {
	case "TCP":
		outs["tcpIdleTimeoutSeconds"] = 350
	case "HTTPS":
		outs["sslPolicy"] = "ELBSecurityPolicy-2016-08"
		outs["mutualAuthentication"] = map[string]any{"mode": "off"}
	}
	if !o.preview {
		if err := o.c.checkListenerPort("", o.in); err != nil {
			return "", nil, err
		}
		if err := o.c.checkMutualAuthentication(protocol, obj(o.in, "mutualAuthentication")); err != nil {
			return "", nil, fmt.Errorf("creating ELBv2 Listener (%s): %w", lbArn, err)
		}
	}
	return arn, outs, nil
}

// checkListenerPort refuses a second listener on a load balancer's port, as ELB does.
func (c *Cloud) checkListenerPort(self string, in resource.PropertyMap) error {
	for id, other := range c.liveOfType(TypeListener) {
		if id != self && str(other, "loadBalancerArn") == str(in, "loadBalancerArn") && number(other, "port") == number(in, "port") {
			return fmt.Errorf("DuplicateListener: A listener already exists on port %v of this load balancer", number(in, "port"))
		}
	}
	return nil
}

func listenerUpdated(c *Cloud, id string, old, new resource.PropertyMap) error {
	if err := c.checkListenerPort(id, new); err != nil {
		return err
	}
	// ModifyListener carries mutual_authentication only when it changed (HasChange).
	if ma := obj(new, "mutualAuthentication"); ma != nil && !ma.DeepEquals(obj(old, "mutualAuthentication")) {
		if err := c.checkMutualAuthentication(str(new, "protocol"), ma); err != nil {
			return fmt.Errorf("modifying ELBv2 Listener (%s): %w", id, err)
		}
	}
	return nil
}

// checkMutualAuthentication is what CreateListener and ModifyListener refuse about mutual
// TLS: verify or passthrough on a listener that is not HTTPS (only ALB HTTPS listeners do
// mTLS), verify without a trust store, and a trust store that does not exist. The codes
// are ELB's; the messages are the stand-in's words.
func (c *Cloud) checkMutualAuthentication(protocol string, ma resource.PropertyMap) error {
	mode := strings.ToLower(str(ma, "mode"))
	if ma == nil || mode == "" || mode == "off" {
		return nil
	}
	if protocol != "HTTPS" {
		return fmt.Errorf("InvalidConfigurationRequest: mutual authentication mode '%s' is supported only on HTTPS listeners, not %s", mode, protocol)
	}
	arn := str(ma, "trustStoreArn")
	if mode == "verify" && arn == "" {
		return fmt.Errorf("ValidationError: a trust store ARN is required for mutual authentication mode 'verify'")
	}
	if arn != "" {
		ts := c.objectState(arn)
		if ts == nil || !strings.Contains(arn, ":truststore/") {
			return fmt.Errorf("TrustStoreNotFound: The specified trust store does not exist: %s", arn)
		}
	}
	return nil
}

// readMutualAuthentication is flattenMutualAuthenticationAttributes over what
// DescribeListeners returns: for mode off only the mode (trust store, expiry and CA names
// the program sent are not stored: a plan that sends them again shows a change every
// time); otherwise the mode, trust store, ignoreClientCertificateExpiry (false unless sent)
// and advertiseTrustStoreCaNames ("off" unless sent, for verify).
func readMutualAuthentication(_ *Cloud, state resource.PropertyMap) {
	ma := obj(state, "mutualAuthentication")
	if ma == nil {
		return
	}
	mode := strings.ToLower(str(ma, "mode"))
	out := resource.PropertyMap{}
	put(out, "mode", mode)
	if mode != "off" {
		put(out, "trustStoreArn", str(ma, "trustStoreArn"))
		put(out, "ignoreClientCertificateExpiry", boolean(ma, "ignoreClientCertificateExpiry"))
		advertise := str(ma, "advertiseTrustStoreCaNames")
		if advertise == "" && mode == "verify" {
			advertise = "off"
		}
		put(out, "advertiseTrustStoreCaNames", advertise)
	}
	state["mutualAuthentication"] = resource.NewObjectProperty(out)
}

// validTrustStoreName is the trust store's validName: up to 32 letters, digits and
// hyphens, not beginning or ending with a hyphen.
var validTrustStoreName = regexp.MustCompile(`^[0-9A-Za-z]([0-9A-Za-z-]{0,30}[0-9A-Za-z])?$`)

// validTrustStore is the schema's ValidateFuncs: validName, and NoZeroValues on the
// bundle's bucket, key and (when set) object version.
func validTrustStore(in resource.PropertyMap) []string {
	var failures []string
	if name := str(in, "name"); !validTrustStoreName.MatchString(name) {
		failures = append(failures, fmt.Sprintf("name: %q must be 1 to 32 letters, digits and hyphens, not beginning or ending with a hyphen", name))
	}
	for _, k := range []string{"caCertificatesBundleS3Bucket", "caCertificatesBundleS3Key"} {
		if str(in, k) == "" {
			failures = append(failures, k+": must not be empty")
		}
	}
	if v := in["caCertificatesBundleS3ObjectVersion"]; v.IsString() && v.StringValue() == "" {
		failures = append(failures, "caCertificatesBundleS3ObjectVersion: must not be empty when set")
	}
	return failures
}

// createTrustStore is CreateTrustStore: ELB reads the CA bundle from S3 (the given object
// version, else the current one) and refuses a missing one and one that is not PEM
// certificates. resourceTrustStoreRead stores only arn, name and namePrefix: arn_suffix
// is Computed but never set, so it reads back empty.
func createTrustStore(o *op) (string, map[string]any, error) {
	name := str(o.in, "name")
	arn := o.arn("elasticloadbalancing", fmt.Sprintf("truststore/%s/%s", name, o.hex("truststore", 16)))
	outs := map[string]any{"arn": arn, "arnSuffix": "", "namePrefix": ""}
	if o.preview {
		return arn, outs, nil
	}
	if o.c.taken(TypeLbTrustStore, "name", name) {
		return "", nil, fmt.Errorf("creating ELBv2 Trust Store (%s): DuplicateTrustStoreName: A trust store with the name '%s' already exists", name, name)
	}
	if err := o.c.checkCaBundle(o.in); err != nil {
		return "", nil, fmt.Errorf("creating ELBv2 Trust Store (%s): %w", name, err)
	}
	return arn, outs, nil
}

// checkCaBundle is ELB reading a trust store's CA bundle from S3.
func (c *Cloud) checkCaBundle(in resource.PropertyMap) error {
	bucket, key, version := str(in, "caCertificatesBundleS3Bucket"), str(in, "caCertificatesBundleS3Key"), str(in, "caCertificatesBundleS3ObjectVersion")
	body, err := c.GetObject(bucket, key, version)
	if err != nil {
		return fmt.Errorf("CaCertificatesBundleNotFound: The specified ca certificate bundle does not exist (s3://%s/%s version %q: %v)", bucket, key, version, err)
	}
	if !pemCertificates(body) {
		return fmt.Errorf("InvalidCaCertificatesBundle: The specified ca certificate bundle is in an invalid format, or corrupt (s3://%s/%s)", bucket, key)
	}
	return nil
}

// pemCertificates reports whether b is one or more PEM CERTIFICATE blocks that parse as
// X.509 certificates, and nothing else.
func pemCertificates(b []byte) bool {
	n := 0
	for {
		block, rest := pem.Decode(b)
		if block == nil {
			return n > 0 && strings.TrimSpace(string(rest)) == ""
		}
		if block.Type != "CERTIFICATE" {
			return false
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return false
		}
		n++
		b = rest
	}
}

// trustStoreUpdated is resourceTrustStoreUpdate: any change but tags is ModifyTrustStore
// with the bundle's bucket, key and version, which ELB reads again.
func trustStoreUpdated(c *Cloud, id string, old, new resource.PropertyMap) error {
	for _, k := range []string{"caCertificatesBundleS3Bucket", "caCertificatesBundleS3Key", "caCertificatesBundleS3ObjectVersion"} {
		if str(old, k) != str(new, k) {
			if err := c.checkCaBundle(new); err != nil {
				return fmt.Errorf("modifying ELBv2 Trust Store (%s): %w", id, err)
			}
			return nil
		}
	}
	return nil
}

// trustStoreDeleting is resourceTrustStoreDelete: the provider waits (2 minutes, its
// delete timeout) for the trust store to have no listener associations, then fails;
// DeleteTrustStore itself refuses one in use (TrustStoreInUse).
func trustStoreDeleting(c *Cloud, id string, _ resource.PropertyMap) error {
	for lid, l := range c.liveOfType(TypeListener) {
		if ma := obj(l, "mutualAuthentication"); ma != nil && str(ma, "trustStoreArn") == id && str(ma, "mode") != "off" {
			return fmt.Errorf("waiting for ELBV2 Trust Store (%s) associations delete: timeout while waiting for state to become '0' (last state: '1', timeout: 2m0s) (listener %s still uses it; TrustStoreInUse)", id, lid)
		}
	}
	return nil
}

// readActions stores each action's order (its place, counting from 1) and fills a
// redirect's unset parts with ELB's placeholders.
func readActions(state resource.PropertyMap, key string) {
	actions := objs(state, key)
	for i, a := range actions {
		if !a.HasValue("order") {
			put(a, "order", i+1)
		}
		if r := obj(a, "redirect"); r != nil {
			for k, v := range map[string]string{"host": "#{host}", "path": "/#{path}", "port": "#{port}", "protocol": "#{protocol}", "query": "#{query}"} {
				if !r.HasValue(resource.PropertyKey(k)) {
					put(r, k, v)
				}
			}
		}
	}
	if actions != nil {
		putObjs(state, key, actions)
	}
}

func createListenerRule(o *op) (string, map[string]any, error) {
	arn := strings.Replace(str(o.in, "listenerArn"), ":listener/", ":listener-rule/", 1) + "/" + o.hex("rule", 16)
	if !o.preview {
		if err := o.c.checkRulePriority("", o.in); err != nil {
			return "", nil, err
		}
	}
	return arn, map[string]any{"arn": arn}, nil
}

// checkRulePriority refuses a second rule at a listener's priority (PriorityInUse).
func (c *Cloud) checkRulePriority(self string, in resource.PropertyMap) error {
	for id, other := range c.liveOfType(TypeListenerRule) {
		if id != self && str(other, "listenerArn") == str(in, "listenerArn") && number(other, "priority") == number(in, "priority") {
			return fmt.Errorf("PriorityInUse: Priority '%v' is currently in use", number(in, "priority"))
		}
	}
	return nil
}

func ruleUpdated(c *Cloud, id string, _, new resource.PropertyMap) error {
	return c.checkRulePriority(id, new)
}

// createTargetGroupAttachment registers a target. ELB refuses an Application Load
// Balancer that has no listener on the target group's port yet.
func createTargetGroupAttachment(o *op) (string, map[string]any, error) {
	tg, target := str(o.in, "targetGroupArn"), str(o.in, "targetId")
	if !o.preview && strings.Contains(target, ":loadbalancer/app/") {
		found := false
		for _, l := range o.c.liveOfType(TypeListener) {
			if str(l, "loadBalancerArn") == target && number(l, "port") == number(o.in, "port") {
				found = true
			}
		}
		if !found {
			return "", nil, fmt.Errorf("InvalidTarget: The Application Load Balancer %s has no listener on port %v", target, number(o.in, "port"))
		}
	}
	return tg + "-" + o.digits("id", 26), map[string]any{}, nil
}

// getLoadBalancer is the aws_lb data source by name or ARN.
func getLoadBalancer(c *Cloud, args resource.PropertyMap) (resource.PropertyMap, error) {
	for id, s := range c.liveOfType(TypeLoadBalancer) {
		if (str(args, "arn") != "" && id == str(args, "arn")) || (str(args, "name") != "" && str(s, "name") == str(args, "name")) {
			out := s.Copy()
			put(out, "id", id)
			return out, nil
		}
	}
	return nil, fmt.Errorf("no matching LB found")
}

// DeliversAccessLogs reports whether ELB writes request logs for a load balancer (by ARN):
// an ALB's whenever logging is on; a Network Load Balancer's only when it also has a TLS
// listener, since "access logs are created only if the load balancer has a TLS listener,
// and the logs contain information about TLS requests only" (NLB user guide, access logs).
func (c *Cloud) DeliversAccessLogs(lbArn string) bool {
	lb := c.objectState(lbArn)
	if lb == nil || !boolean(obj(lb, "accessLogs"), "enabled") {
		return false
	}
	if str(lb, "loadBalancerType") != "network" {
		return true
	}
	for _, l := range c.liveOfType(TypeListener) {
		if str(l, "loadBalancerArn") == lbArn && str(l, "protocol") == "TLS" {
			return true
		}
	}
	return false
}

// SourceSeenByALB is the source address of a client's connection as an ALB sees it when
// the client connects to an NLB's address in subnetID and the NLB forwards to the ALB
// through an ALB-type target group. Such a target group's attributes "always use their
// default values" (NLB user guide, "Use an Application Load Balancer as a target"), with
// client IP preservation on, and NLB-to-ALB traffic is IPv4: an IPv4 client arrives as
// itself, an IPv6 client as the NLB's private IPv4 address in that subnet (the client IP
// preservation table of the NLB guide's target group attributes: IPv6 client requests to
// IPv4 targets come from the load balancer's IPv4 address).
func (c *Cloud) SourceSeenByALB(nlbArn, subnetID, client string) (string, error) {
	addr, err := netip.ParseAddr(client)
	if err != nil {
		return "", err
	}
	if addr.Is4() {
		return client, nil
	}
	e := c.eniOf(nlbArn, subnetID)
	if e == nil {
		return "", fmt.Errorf("the NLB %s has no interface in %s", nlbArn, subnetID)
	}
	return e.privateIP, nil
}
