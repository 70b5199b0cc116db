package site

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/servicequotas"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// quota is one Service Quotas quota preflight reads.
type quota struct {
	name, service, code string
	fix                 string // what to do when it is short, besides raising it
}

var (
	quotaEIPs = quota{"EC2-VPC Elastic IPs", "ec2", "L-0263D0A3",
		"release Elastic IPs you do not use, or need fewer (natGateways: single, eipAllocationIds)"}
	quotaVPCs      = quota{"VPCs per Region", "vpc", "L-F678F1CE", "delete a VPC you do not use"}
	quotaNATsPerAZ = quota{"NAT gateways per Availability Zone", "vpc", "L-FE5A380F",
		"delete a NAT gateway you do not use there, or use natGateways: single or none"}
	quotaALBs        = quota{"Application Load Balancers per Region", "elasticloadbalancing", "L-53DA6B97", "delete a load balancer you do not use"}
	quotaNLBs        = quota{"Network Load Balancers per Region", "elasticloadbalancing", "L-69A177A2", "delete a load balancer you do not use"}
	quotaFargateVCPU = quota{"Fargate On-Demand vCPU resource count", "fargate", "L-3032A538",
		"lower cpu, desiredCount or autoscaling.max, or move tasks to Spot"}
	quotaSGRules = quota{"Inbound or outbound rules per security group", "vpc", config.SecurityGroupRulesQuotaCode,
		"list fewer or wider networks in allowedCidrs"}
	quotaSpotVCPU = quota{"Fargate Spot vCPU resource count", "fargate", "L-36FBB829",
		"lower cpu, desiredCount or autoscaling.max, or move tasks to FARGATE"}
)

// demand is what a config takes of the account.
type demand struct {
	eips       int            // Elastic IPs the stack allocates: the NLB's and the NAT gateways'
	ownEIPs    []string       // the user's own Elastic IPs for the NLB (eipAllocationIds)
	natsPerAZ  map[string]int // NAT gateways, by AZ name
	vpcs       int
	albs, nlbs int
	// Fargate vCPU, On-Demand and Spot, with every service at its desired count and at its
	// autoscaling maximum.
	fargate, spot       float64
	fargateMax, spotMax float64
	// Inbound rules allowedCidrs puts in the NLB's security group, per IP family.
	clientRules map[string]int
}

// demandOf is what cfg needs in zones.
func demandOf(cfg *config.Stack, zones []string) demand {
	d := demand{vpcs: 1, albs: 1, nlbs: 1, natsPerAZ: map[string]int{}, ownEIPs: cfg.Ingress.EipAllocationIDs, clientRules: cfg.ClientRules()}
	if len(cfg.Ingress.EipAllocationIDs) == 0 {
		d.eips = len(zones)
	}
	if cfg.Network.Existing() {
		d.vpcs = 0
	}
	for i, az := range zones {
		if cfg.Network.NatGatewayIn(i) {
			d.natsPerAZ[az]++
			d.eips++
		}
	}
	for _, s := range cfg.Services {
		vcpu := float64(s.Cpu) / 1024
		most := s.DesiredCount
		if s.Autoscaling != nil {
			most = max(most, s.Autoscaling.Max)
		}
		onDemand, spot := splitTasks(s.DesiredCount, s.CapacityStrategy())
		d.fargate += vcpu * float64(onDemand)
		d.spot += vcpu * float64(spot)
		onDemand, spot = splitTasks(most, s.CapacityStrategy())
		d.fargateMax += vcpu * float64(onDemand)
		d.spotMax += vcpu * float64(spot)
	}
	return d
}

// splitTasks is how many of n tasks may run on FARGATE and on FARGATE_SPOT under a
// strategy, at most: each provider's base first, the rest by weight, rounded up.
func splitTasks(n int, strategy []config.CapacityProviderStrategy) (onDemand, spot int) {
	rest, weights := n, 0
	count := map[string]int{}
	for _, s := range strategy {
		base := min(s.Base, rest)
		count[s.CapacityProvider] += base
		rest -= base
		weights += s.Weight
	}
	for _, s := range strategy {
		if weights > 0 {
			count[s.CapacityProvider] += int(math.Ceil(float64(rest*s.Weight) / float64(weights)))
		}
	}
	return min(count["FARGATE"], n), min(count["FARGATE_SPOT"], n)
}

// inventory is what preflight reads of the AWS account: quotas, and what is in use. Counts
// with stackOnly are this stack's own (tagged StackTagKey), which the account's totals
// already include.
type inventory interface {
	quota(q quota) (float64, error)
	addresses() ([]address, error)
	vpcs(stackOnly bool) (int, error)
	loadBalancers(stackOnly bool) (albs, nlbs int, err error)
	natGatewaysPerAZ(stackOnly bool) (map[string]int, error)
}

// preflightReport is what preflight found: shortfalls stop the program, warnings do not.
type preflightReport struct {
	problems config.Problems
	warnings []string
}

// preflight compares the demand with each quota less what is in use in the region.
func preflight(acct inventory, d demand, region string) *preflightReport {
	r := &preflightReport{}
	count := func(q quota, what string, read func(stackOnly bool) (int, error), need int) {
		if need == 0 {
			return
		}
		limit, err := acct.quota(q)
		if err != nil {
			r.warn(q, "its value", err)
			return
		}
		all, err := read(false)
		if err != nil {
			r.warn(q, "what is in use", err)
			return
		}
		mine, err := read(true)
		if err != nil {
			r.warn(q, "what this stack holds", err)
			return
		}
		r.check(q, what, need, mine, all, limit, region)
	}
	r.checkEIPs(acct, d, region)
	count(quotaVPCs, "VPCs", acct.vpcs, d.vpcs)
	count(quotaALBs, "Application Load Balancers", func(s bool) (int, error) { a, _, err := acct.loadBalancers(s); return a, err }, d.albs)
	count(quotaNLBs, "Network Load Balancers", func(s bool) (int, error) { _, n, err := acct.loadBalancers(s); return n, err }, d.nlbs)
	r.checkNATs(acct, d, region)
	r.checkFargate(acct, quotaFargateVCPU, "Fargate On-Demand vCPU", d.fargate, d.fargateMax)
	r.checkFargate(acct, quotaSpotVCPU, "Fargate Spot vCPU", d.spot, d.spotMax)
	r.checkClientRules(acct, d)
	return r
}

// checkClientRules compares the NLB security group's inbound rules with the account's
// quota, which AWS applies to IPv4 and IPv6 rules separately. The group is the stack's
// own, so nothing else counts against it.
func (r *preflightReport) checkClientRules(acct inventory, d demand) {
	if d.clientRules["IPv4"] <= config.SecurityGroupRulesQuotaDefault && d.clientRules["IPv6"] <= config.SecurityGroupRulesQuotaDefault {
		return // within the default, which a quota can only raise
	}
	limit, err := acct.quota(quotaSGRules)
	if err != nil {
		r.warn(quotaSGRules, "its value", err)
		return
	}
	for _, family := range []string{"IPv4", "IPv6"} {
		if n := d.clientRules[family]; n > int(limit) {
			r.problems.Add("allowedCidrs", "too many networks: they make %d %s inbound rules in the NLB's security group (one per network and listener port), and the account allows %g (%q, quota %s); raise the quota in Service Quotas, or %s",
				n, family, limit, quotaSGRules.name, quotaSGRules.code, quotaSGRules.fix)
		}
	}
}

func (r *preflightReport) warn(q quota, what string, err error) {
	r.warnings = append(r.warnings, fmt.Sprintf("preflight: could not read %s of %q (quota %s/%s), so it is not checked: %v",
		what, q.name, q.service, q.code, err))
}

// check records a shortfall: the need beyond what this stack already holds, against what
// the quota leaves free.
func (r *preflightReport) check(q quota, what string, need, mine, all int, limit float64, where string) {
	extra := need - mine
	free := int(limit) - all
	if extra <= 0 || extra <= free {
		return
	}
	r.problems.Add(what, "this config needs %d, this stack holds %d, and %d of the %g allowed in %s (%q, quota %s) are in use: %d short; raise the quota in Service Quotas, or %s",
		need, mine, all, limit, where, q.name, q.code, extra-max(free, 0), q.fix)
}

// address is an Elastic IP of the Region, as the Elastic IP count sees it.
type address struct {
	ID string
	// Held: this stack's NLB or NAT gateways hold it. Retained: this stack allocated it (its
	// tag) and nothing holds it, as retainStaticIps leaves the NLB's after a destroy.
	Held, Retained bool
}

// checkEIPs checks the Elastic IPs the stack allocates. An address is the stack's own only
// while the stack's NLB or NAT gateways hold it, and is not one of the user's
// (eipAllocationIds, which the stack does not allocate). Retained addresses a destroyed
// deploy left count like anyone else's: a new deploy allocates new ones, so the message
// says eipAllocationIds can reuse them.
func (r *preflightReport) checkEIPs(acct inventory, d demand, region string) {
	if d.eips == 0 {
		return
	}
	limit, err := acct.quota(quotaEIPs)
	if err != nil {
		r.warn(quotaEIPs, "its value", err)
		return
	}
	all, err := acct.addresses()
	if err != nil {
		r.warn(quotaEIPs, "what is in use", err)
		return
	}
	mine := 0
	var retained []string
	for _, a := range all {
		switch {
		case slices.Contains(d.ownEIPs, a.ID):
		case a.Held:
			mine++
		case a.Retained:
			retained = append(retained, a.ID)
		}
	}
	q := quotaEIPs
	if len(retained) > 0 {
		q.fix = fmt.Sprintf("reuse %d of this stack's Elastic IPs that an earlier deploy kept (retainStaticIps) and nothing holds: eipAllocationIds %s; or %s",
			len(retained), config.CompactJSON(retained), q.fix)
	}
	r.check(q, "Elastic IPs", d.eips, mine, len(all), limit, region)
}

// checkNATs checks NAT gateways AZ by AZ, the quota's scope.
func (r *preflightReport) checkNATs(acct inventory, d demand, region string) {
	if len(d.natsPerAZ) == 0 {
		return
	}
	limit, err := acct.quota(quotaNATsPerAZ)
	if err != nil {
		r.warn(quotaNATsPerAZ, "its value", err)
		return
	}
	all, err := acct.natGatewaysPerAZ(false)
	if err != nil {
		r.warn(quotaNATsPerAZ, "what is in use", err)
		return
	}
	mine, err := acct.natGatewaysPerAZ(true)
	if err != nil {
		r.warn(quotaNATsPerAZ, "what this stack holds", err)
		return
	}
	azs := make([]string, 0, len(d.natsPerAZ))
	for az := range d.natsPerAZ {
		azs = append(azs, az)
	}
	slices.Sort(azs)
	for _, az := range azs {
		r.check(quotaNATsPerAZ, "NAT gateways in "+az, d.natsPerAZ[az], mine[az], all[az], limit, az)
	}
}

// checkFargate compares the services' vCPU with the quota. Tasks outside the stack count
// against it too, and Service Quotas does not say how many run, so this checks the stack
// alone: short at the desired counts stops, short at the autoscaling maxima warns.
func (r *preflightReport) checkFargate(acct inventory, q quota, what string, need, most float64) {
	if most == 0 {
		return
	}
	limit, err := acct.quota(q)
	if err != nil {
		r.warn(q, "its value", err)
		return
	}
	switch {
	case need > limit:
		r.problems.Add(what, "the services need %g at their desired counts, more than the %g allowed (%q, quota %s); raise the quota in Service Quotas, or %s",
			need, limit, q.name, q.code, q.fix)
	case most > limit:
		r.warnings = append(r.warnings, fmt.Sprintf("preflight: %s: the services need %g at their autoscaling maxima, more than the %g allowed (%q, quota %s): scaling will stop short",
			what, most, limit, q.name, q.code))
	}
}

// runPreflight compares, before any resource exists, in preview and up alike, what the
// config needs with what the account's quotas leave free, so that `pulumi up` does not
// stop half way with AddressLimitExceeded after the VPC and more exist. It logs its
// warnings (a quota or a count that cannot be read is a warning, not a stop) and returns
// every shortfall at once as an error.
func runPreflight(ctx *pulumi.Context, cfg *config.Stack, zones []string, region string) error {
	r := preflight(liveInventory{ctx: ctx, tags: map[string]string{StackTagKey: StackTagValue(ctx)}}, demandOf(cfg, zones), region)
	for _, w := range r.warnings {
		if err := ctx.Log.Warn(w, nil); err != nil {
			return fmt.Errorf("logging a preflight warning: %w", err)
		}
	}
	return r.problems.Err("preflight: the account cannot hold this stack")
}

// liveInventory reads the account with the aws provider's data sources.
type liveInventory struct {
	ctx  *pulumi.Context
	tags map[string]string // this stack's tag
}

func (a liveInventory) only(stackOnly bool) map[string]string {
	if stackOnly {
		return a.tags
	}
	return nil
}

func (a liveInventory) quota(q quota) (float64, error) {
	r, err := servicequotas.LookupServiceQuota(a.ctx, &servicequotas.LookupServiceQuotaArgs{ServiceCode: q.service, QuotaCode: pulumi.StringRef(q.code)})
	if err != nil {
		return 0, err
	}
	return r.Value, nil
}

// addresses lists the Region's Elastic IPs, each looked up for its tags and what holds it.
func (a liveInventory) addresses() ([]address, error) {
	r, err := ec2.GetEips(a.ctx, &ec2.GetEipsArgs{})
	if err != nil {
		return nil, err
	}
	out := make([]address, 0, len(r.AllocationIds))
	for _, id := range r.AllocationIds {
		eip, err := ec2.GetElasticIp(a.ctx, &ec2.GetElasticIpArgs{Id: pulumi.StringRef(id)})
		if err != nil {
			return nil, err
		}
		h := holderOf(a.ctx, eip)
		out = append(out, address{ID: id, Held: h.StackNLB || h.StackNAT,
			Retained: !h.Held && eip.Tags[StackTagKey] == a.tags[StackTagKey]})
	}
	return out, nil
}

func (a liveInventory) vpcs(stackOnly bool) (int, error) {
	r, err := ec2.GetVpcs(a.ctx, &ec2.GetVpcsArgs{Tags: a.only(stackOnly)})
	if err != nil {
		return 0, err
	}
	return len(r.Ids), nil
}

func (a liveInventory) loadBalancers(stackOnly bool) (albs, nlbs int, err error) {
	r, err := lb.GetLbs(a.ctx, &lb.GetLbsArgs{Tags: a.only(stackOnly)})
	if err != nil {
		return 0, 0, err
	}
	for _, arn := range r.Arns {
		switch {
		case strings.Contains(arn, ":loadbalancer/app/"):
			albs++
		case strings.Contains(arn, ":loadbalancer/net/"):
			nlbs++
		}
	}
	return albs, nlbs, nil
}

// natGatewaysPerAZ counts NAT gateways by the AZ of their subnet, in the states the quota
// counts: "NAT gateways only count toward your quota in the pending, active, and deleting
// states" (Amazon VPC quotas; the API calls active "available").
func (a liveInventory) natGatewaysPerAZ(stackOnly bool) (map[string]int, error) {
	r, err := ec2.GetNatGateways(a.ctx, &ec2.GetNatGatewaysArgs{
		Tags:    a.only(stackOnly),
		Filters: []ec2.GetNatGatewaysFilter{{Name: "state", Values: []string{"pending", "available", "deleting"}}},
	})
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, id := range r.Ids {
		nat, err := ec2.LookupNatGateway(a.ctx, &ec2.LookupNatGatewayArgs{Id: pulumi.StringRef(id)})
		if err != nil {
			return nil, err
		}
		subnet, err := ec2.LookupSubnet(a.ctx, &ec2.LookupSubnetArgs{Id: pulumi.StringRef(nat.SubnetId)})
		if err != nil {
			return nil, err
		}
		out[subnet.AvailabilityZone]++
	}
	return out, nil
}
