package standin

// The data sources: the dispatch of an invoke to the service file that answers it, and the
// shapes of look-up several services share (one object by id, a filtered list, EC2's filter
// semantics). Each service file registers its own data sources.

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

type invokeFunc func(c *Cloud, args resource.PropertyMap) (resource.PropertyMap, error)

// invokes are the data sources the stand-in serves, by token; each service file registers
// its own (registerInvokes).
var invokes = map[string]invokeFunc{}

// registerInvokes adds data sources; a token served twice is a mistake, not an override.
func registerInvokes(fns map[string]invokeFunc) { addOnce(invokes, fns, "data source") }

// Invoke answers a data source; an unknown one fails with its token, so a new invoke in
// the program shows up as a clear test failure rather than a guess.
func (c *Cloud) Invoke(tok string, args resource.PropertyMap) (resource.PropertyMap, error) {
	fn, ok := invokes[tok]
	if !ok {
		return nil, fmt.Errorf("invoke %s is not served by the stand-in; add it to its service's file in internal/standin", tok)
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

// lookupArgs refuses the arguments the stand-in does not model, so a look-up it would
// answer wrongly fails instead.
func lookupArgs(args resource.PropertyMap, modelled ...string) error {
	for k, v := range args {
		if !v.IsNull() && !contains(modelled, string(k)) {
			return fmt.Errorf("argument %q is not modelled by the stand-in", k)
		}
	}
	return nil
}

// byID finds the live object of typ a look-up names by id, or fails as the data source
// does when nothing matches.
func byID(c *Cloud, typ tokens.Type, args resource.PropertyMap, notFound string) (string, resource.PropertyMap, error) {
	if err := lookupArgs(args, "id"); err != nil {
		return "", nil, err
	}
	id := str(args, "id")
	found, ok := c.liveOfType(typ)[id]
	if !ok {
		return "", nil, errors.New(notFound)
	}
	return id, found, nil
}

// lookupByID is a singular data source that finds one object of a type by its id.
func lookupByID(typ tokens.Type, notFound string) invokeFunc {
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
func listOf(typ tokens.Type, attrs func(id string, s resource.PropertyMap) map[string]string,
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
