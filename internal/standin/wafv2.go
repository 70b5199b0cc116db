package standin

// WAF (terraform-provider-aws internal/service/wafv2): IP sets, the web ACL and its
// association with the ALB, and what WAF refuses (addresses of the wrong version, a
// description out of pattern, rules without the right action, capacity beyond the limit).

import (
	"fmt"
	"net/netip"
	"regexp"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// The Pulumi type tokens of the WAF models.
const (
	TypeWafv2IpSet             tokens.Type = "aws:wafv2/ipSet:IpSet"
	TypeWafv2WebAcl            tokens.Type = "aws:wafv2/webAcl:WebAcl"
	TypeWafv2WebAclAssociation tokens.Type = "aws:wafv2/webAclAssociation:WebAclAssociation"
)

func init() {
	register(map[tokens.Type]*model{
		TypeWafv2IpSet: {
			tf: "aws_wafv2_ip_set", source: "internal/service/wafv2/ip_set.go",
			forceNew: []string{"name", "namePrefix", "scope", "ipAddressVersion"},
			computed: []string{"name", "namePrefix"},
			sets:     []string{"addresses"},
			autoname: 128,
			tagged:   true,
			create: func(o *op) (string, map[string]any, error) {
				if err := checkIPSetAddresses(str(o.in, "ipAddressVersion"), strs(o.in, "addresses")); err != nil && !o.preview {
					return "", nil, err
				}
				if err := checkWAFDescription(str(o.in, "description")); err != nil {
					return "", nil, err
				}
				id := wafID(o, "ipset")
				return id, map[string]any{"arn": wafArn(o, "ipset", id), "lockToken": wafID(o, "lock"), "namePrefix": ""}, nil
			},
		},
		TypeWafv2WebAcl: {
			tf: "aws_wafv2_web_acl", source: "internal/service/wafv2/web_acl.go",
			forceNew: []string{"name", "namePrefix", "scope"},
			computed: []string{"name", "namePrefix"},
			sets:     []string{"rules"},
			autoname: 128,
			tagged:   true,
			validate: validWebACLRules,
			create: func(o *op) (string, map[string]any, error) {
				if err := checkWAFDescription(str(o.in, "description")); err != nil {
					return "", nil, err
				}
				capacity := webACLCapacity(objs(o.in, "rules"))
				if capacity > maxWebACLCapacity {
					return "", nil, fmt.Errorf("WAFLimitsExceededException: the web ACL needs %d WCUs, more than %d", capacity, maxWebACLCapacity)
				}
				id := wafID(o, "webacl")
				return id, map[string]any{
					"arn": wafArn(o, "webacl", id), "capacity": capacity, "lockToken": wafID(o, "lock"),
					"applicationIntegrationUrl": "", "namePrefix": "",
				}, nil
			},
		},
		TypeWafv2WebAclAssociation: {
			tf: "aws_wafv2_web_acl_association", source: "internal/service/wafv2/web_acl_association.go",
			forceNew: []string{"resourceArn", "webAclArn"}, // no Update
			create: func(o *op) (string, map[string]any, error) {
				acl, target := str(o.in, "webAclArn"), str(o.in, "resourceArn")
				if !o.preview {
					if !o.c.taken(TypeWafv2WebAcl, "arn", acl) {
						return "", nil, fmt.Errorf("WAFNonexistentItemException: web ACL %s does not exist", acl)
					}
					if !o.c.taken(TypeLoadBalancer, "arn", target) {
						return "", nil, fmt.Errorf("WAFNonexistentItemException: resource %s does not exist", target)
					}
				}
				return acl + "," + target, map[string]any{}, nil
			},
		},
	})
}

// wafID is a WAF object's id (a UUID); wafArn its regional ARN.
func wafID(o *op, salt string) string {
	return fmt.Sprintf("%s-%s-%s-%s-%s", o.hex(salt, 8), o.hex(salt+"2", 4), o.hex(salt+"3", 4), o.hex(salt+"4", 4), o.hex(salt+"5", 12))
}

func wafArn(o *op, kind, id string) string {
	return o.arn("wafv2", fmt.Sprintf("regional/%s/%s/%s", kind, str(o.in, "name"), id))
}

// checkIPSetAddresses is CreateIPSet's check: CIDRs of the set's IP version.
func checkIPSetAddresses(version string, addresses []string) error {
	for _, a := range addresses {
		p, err := netip.ParsePrefix(a)
		if err != nil || p.Addr().Is4() != (version == "IPV4") {
			return fmt.Errorf("WAFInvalidParameterException: Error reason: The parameter contains formatting that is not valid., field: IP_ADDRESS, parameter: %s", a)
		}
	}
	return nil
}

// wafDescription is the pattern WAF's API holds a description to (the schema checks only
// its length).
var wafDescription = regexp.MustCompile(`^[\w+=:#@/\-,\.][\w+=:#@/\-,\.\s]+[\w+=:#@/\-,\.]$`)

func checkWAFDescription(d string) error {
	if d != "" && !wafDescription.MatchString(d) {
		return fmt.Errorf("WAFInvalidParameterException: Error reason: The parameter contains formatting that is not valid., field: DESCRIPTION, parameter: %s", d)
	}
	return nil
}

// WCUs of what the program's web ACL uses (the managed groups' published capacities).
var managedGroupCapacity = map[string]int{
	"AWSManagedRulesCommonRuleSet": 700, "AWSManagedRulesKnownBadInputsRuleSet": 200, "AWSManagedRulesAmazonIpReputationList": 25,
}

const maxWebACLCapacity = 5000

// webACLCapacity is the web ACL's WCUs: a rate-based rule costs 2, plus its scope-down.
func webACLCapacity(rules []resource.PropertyMap) int {
	total := 0
	for _, r := range rules {
		st := obj(r, "statement")
		if g := obj(st, "managedRuleGroupStatement"); g != nil {
			total += managedGroupCapacity[str(g, "name")]
		} else if obj(st, "rateBasedStatement") != nil {
			total += 3
		} else {
			total++
		}
	}
	return total
}

// validWebACLRules is what the schema and CreateWebACL require of rules: unique names and
// priorities, an override action for a rule group and an action for any other rule.
func validWebACLRules(in resource.PropertyMap) []string {
	var failures []string
	names, priorities := map[string]bool{}, map[float64]bool{}
	for _, r := range objs(in, "rules") {
		name := str(r, "name")
		if names[name] || priorities[number(r, "priority")] {
			failures = append(failures, fmt.Sprintf("WAFInvalidParameterException: rule %s: duplicate name or priority", name))
		}
		names[name], priorities[number(r, "priority")] = true, true
		group := obj(obj(r, "statement"), "managedRuleGroupStatement") != nil
		if group != (obj(r, "overrideAction") != nil) || group == (obj(r, "action") != nil) {
			failures = append(failures, fmt.Sprintf("WAFInvalidParameterException: rule %s: a rule group takes overrideAction, any other rule action", name))
		}
	}
	return failures
}
