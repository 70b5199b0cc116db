package standin

// The data sources the program calls, answered from the Cloud's account and objects.

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

type invokeFunc func(c *Cloud, args resource.PropertyMap) (resource.PropertyMap, error)

var invokes = map[string]invokeFunc{
	"aws:index/getAvailabilityZones:getAvailabilityZones": getAvailabilityZones,
	"aws:index/getRegion:getRegion": func(c *Cloud, _ resource.PropertyMap) (resource.PropertyMap, error) {
		r := c.Region()
		return resource.NewPropertyMapFromMap(map[string]any{
			"name": r, "id": r, "description": r, "endpoint": "ec2." + r + ".amazonaws.com",
		}), nil
	},
	"aws:index/getCallerIdentity:getCallerIdentity": func(*Cloud, resource.PropertyMap) (resource.PropertyMap, error) {
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": Account, "id": Account, "userId": "AIDASTANDIN0000000000",
			"arn": fmt.Sprintf("arn:aws:iam::%s:user/engine-test", Account),
		}), nil
	},
	"aws:index/getPartition:getPartition": func(*Cloud, resource.PropertyMap) (resource.PropertyMap, error) {
		return resource.NewPropertyMapFromMap(map[string]any{
			"partition": "aws", "id": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws",
		}), nil
	},
	"aws:route53/getZone:getZone":                     getZone,
	"aws:ec2/getNetworkInterface:getNetworkInterface": getNetworkInterface,
}

// Invoke answers a data source; an unknown one fails with its token, so a new invoke in
// the program shows up as a clear test failure rather than a guess.
func (c *Cloud) Invoke(tok string, args resource.PropertyMap) (resource.PropertyMap, error) {
	fn, ok := invokes[tok]
	if !ok {
		return nil, fmt.Errorf("invoke %s is not served by the stand-in; add it to internal/standin/invokes.go", tok)
	}
	c.mu.Lock()
	c.invoked[tok]++
	c.mu.Unlock()
	return fn(c, args)
}

// Invoked is how many times each data source was called.
func (c *Cloud) Invoked() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for k, v := range c.invoked {
		out[k] = v
	}
	return out
}

// HostedZone is the public hosted zone every stand-in account has (the examples' domain).
const HostedZone = "example.com"

// ZoneID is the id the stand-in's Route 53 gives a public zone, as stable as a real one.
func ZoneID(name string) string {
	return "Z" + strings.ToUpper(hexOf(20, "zone", strings.TrimSuffix(name, ".")))
}

// getZone finds a public hosted zone by name or id: the account holds HostedZone, and
// any other name is not found, as in an account that does not host it.
func getZone(_ *Cloud, args resource.PropertyMap) (resource.PropertyMap, error) {
	name, id := strings.TrimSuffix(str(args, "name"), "."), str(args, "zoneId")
	switch {
	case name == "" && id == "":
		return nil, fmt.Errorf("neither name nor zoneId given")
	case name != "" && name != HostedZone, id != "" && id != ZoneID(HostedZone):
		return nil, fmt.Errorf("no matching Route 53 Hosted Zone found")
	}
	name, id = HostedZone, ZoneID(HostedZone)
	var servers []any
	for i, tld := range []string{"com", "net", "org", "co.uk"} {
		servers = append(servers, fmt.Sprintf("ns-%d.awsdns-%02d.%s", 100*i+7, 10+i, tld))
	}
	return resource.NewPropertyMapFromMap(map[string]any{
		"id": id, "zoneId": id, "name": name, "arn": "arn:aws:route53:::hostedzone/" + id,
		"nameServers": servers, "primaryNameServer": servers[0], "privateZone": boolean(args, "privateZone"),
		"callerReference": hexOf(36, "caller", id), "comment": "", "resourceRecordSetCount": 2,
		"tags": map[string]any{}, "vpcId": "", "linkedServiceDescription": "", "linkedServicePrincipal": "",
	}), nil
}

// zoneNames are the region's regular AZs: six in us-east-1 (a to f), three elsewhere.
func zoneNames(region string) []string {
	count := 3
	if region == "us-east-1" {
		count = 6
	}
	var names []string
	for i := 0; i < count; i++ {
		names = append(names, fmt.Sprintf("%s%c", region, 'a'+i))
	}
	return names
}

type filter struct {
	name   string
	values []string
}

func filtersOf(args resource.PropertyMap) []filter {
	var out []filter
	for _, f := range objs(args, "filters") {
		out = append(out, filter{name: str(f, "name"), values: strs(f, "values")})
	}
	return out
}

// matches applies EC2 filter semantics: every filter matches, each by any of its values;
// a value may end in * as a wildcard.
func matches(filters []filter, attrs map[string]string) (bool, error) {
	for _, f := range filters {
		v, modelled := attrs[f.name]
		if !modelled {
			return false, fmt.Errorf("filter %q is not modelled by the stand-in", f.name)
		}
		ok := false
		for _, want := range f.values {
			if prefix, wild := strings.CutSuffix(want, "*"); wild {
				ok = ok || strings.HasPrefix(v, prefix)
			} else {
				ok = ok || v == want
			}
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

// getAvailabilityZones honours the exclusions and the filters on attributes it models;
// another filter is an error, not silently ignored.
func getAvailabilityZones(c *Cloud, args resource.PropertyMap) (resource.PropertyMap, error) {
	region := c.Region()
	filters := filtersOf(args)
	if state := str(args, "state"); state != "" {
		filters = append(filters, filter{name: "state", values: []string{state}})
	}
	excluded := map[string]bool{}
	for _, n := range append(strs(args, "excludeNames"), strs(args, "excludeZoneIds")...) {
		excluded[n] = true
	}
	var names, ids, groups []any
	for _, name := range zoneNames(region) {
		attrs := map[string]string{
			"zone-name": name, "zone-id": zoneID(region, name), "state": "available",
			"opt-in-status": "opt-in-not-required", "zone-type": "availability-zone", "region-name": region, "group-name": region,
		}
		if excluded[name] || excluded[attrs["zone-id"]] {
			continue
		}
		ok, err := matches(filters, attrs)
		if err != nil {
			return nil, err
		}
		if ok {
			names, ids, groups = append(names, name), append(ids, attrs["zone-id"]), append(groups, region)
		}
	}
	return resource.NewPropertyMapFromMap(map[string]any{
		"id": region, "names": names, "zoneIds": ids, "groupNames": groups, "state": str(args, "state"),
	}), nil
}

// getNetworkInterface is the aws_network_interface data source: exactly one interface
// must match the id and filters.
func getNetworkInterface(c *Cloud, args resource.PropertyMap) (resource.PropertyMap, error) {
	filters := filtersOf(args)
	id := str(args, "id")
	c.mu.Lock()
	var all []*eni
	for _, e := range c.enis {
		all = append(all, e)
	}
	c.mu.Unlock()
	sort.Slice(all, func(i, j int) bool { return all[i].id < all[j].id })
	var found []*eni
	for _, e := range all {
		if id != "" && e.id != id {
			continue
		}
		ok, err := matches(filters, map[string]string{
			"description": e.description, "subnet-id": e.subnetID, "vpc-id": e.vpcID, "availability-zone": e.az,
			"interface-type": e.interfaceType, "requester-id": e.requesterID, "network-interface-id": e.id,
			"private-ip-address": e.privateIP, "association.allocation-id": e.allocationID, "association.public-ip": e.publicIP,
		})
		if err != nil {
			return nil, err
		}
		if ok {
			found = append(found, e)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("no matching EC2 Network Interface found")
	case 1:
		return found[0].outputs(c.Region()), nil
	}
	return nil, fmt.Errorf("multiple EC2 Network Interfaces matched; use additional constraints to reduce matches to a single EC2 Network Interface")
}
