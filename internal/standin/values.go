package standin

// Helpers for reading, writing and comparing Pulumi property values.

import (
	"encoding/json"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// unwrap looks through a secret to its value.
func unwrap(v resource.PropertyValue) resource.PropertyValue {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v
}

// str returns a known string property, or "".
func str(m resource.PropertyMap, key string) string {
	v := unwrap(m[resource.PropertyKey(key)])
	if !v.IsString() {
		return ""
	}
	return v.StringValue()
}

// strs returns the known strings of an array property.
func strs(m resource.PropertyMap, key string) []string {
	v := unwrap(m[resource.PropertyKey(key)])
	if !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.ArrayValue() {
		if e = unwrap(e); e.IsString() {
			out = append(out, e.StringValue())
		}
	}
	return out
}

func boolean(m resource.PropertyMap, key string) bool {
	v := unwrap(m[resource.PropertyKey(key)])
	return v.IsBool() && v.BoolValue()
}

func number(m resource.PropertyMap, key string) float64 {
	v := unwrap(m[resource.PropertyKey(key)])
	if !v.IsNumber() {
		return 0
	}
	return v.NumberValue()
}

// obj returns an object property (a single nested block), or nil.
func obj(m resource.PropertyMap, key string) resource.PropertyMap {
	v := unwrap(m[resource.PropertyKey(key)])
	if !v.IsObject() {
		return nil
	}
	return v.ObjectValue()
}

// objs returns the objects of an array property (a list or set of blocks).
func objs(m resource.PropertyMap, key string) []resource.PropertyMap {
	v := unwrap(m[resource.PropertyKey(key)])
	if !v.IsArray() {
		return nil
	}
	var out []resource.PropertyMap
	for _, e := range v.ArrayValue() {
		if e = unwrap(e); e.IsObject() {
			out = append(out, e.ObjectValue())
		}
	}
	return out
}

// put sets a property from a plain Go value (string, bool, number, []any, map[string]any).
func put(m resource.PropertyMap, key string, v any) {
	m[resource.PropertyKey(key)] = resource.NewPropertyValue(v)
}

// putObjs sets an array-of-objects property.
func putObjs(m resource.PropertyMap, key string, items []resource.PropertyMap) {
	arr := make([]resource.PropertyValue, len(items))
	for i, it := range items {
		arr[i] = resource.NewObjectProperty(it)
	}
	m[resource.PropertyKey(key)] = resource.NewArrayProperty(arr)
}

// isZero reports whether a value is what SDKv2 treats as unset: null, "", false, 0, or
// an empty list or map.
func isZero(v resource.PropertyValue) bool {
	v = unwrap(v)
	switch {
	case v.IsNull():
		return true
	case v.IsString():
		return v.StringValue() == ""
	case v.IsBool():
		return !v.BoolValue()
	case v.IsNumber():
		return v.NumberValue() == 0
	case v.IsArray():
		return len(v.ArrayValue()) == 0
	case v.IsObject():
		return len(v.ObjectValue()) == 0
	}
	return false
}

// covers reports whether the stored value s satisfies the planned value n the way the
// provider's plan does: scalars equal (a missing value and a zero value are the same in
// SDKv2), lists element by element, and in nested blocks only the attributes the program
// set are compared; an attribute it left out is Optional+Computed or defaulted there, so
// the stored value stands. Top-level attributes are handled by Cloud.Diff.
func covers(s, n resource.PropertyValue) bool {
	s, n = unwrap(s), unwrap(n)
	switch {
	case n.IsNull():
		return true
	case n.IsComputed() || n.IsOutput():
		return false // an unknown planned value is a change
	case n.IsObject():
		if !s.IsObject() {
			return isZero(n) && isZero(s)
		}
		so := s.ObjectValue()
		for k, nv := range n.ObjectValue() {
			if isReserved(k) {
				continue
			}
			sv, ok := so[k]
			if !ok || sv.IsNull() {
				if !isZero(nv) {
					return false
				}
				continue
			}
			if !covers(sv, nv) {
				return false
			}
		}
		return true
	case n.IsArray():
		if !s.IsArray() {
			return isZero(n) && isZero(s)
		}
		sa, na := s.ArrayValue(), n.ArrayValue()
		if len(sa) != len(na) {
			return false
		}
		for i := range na {
			if !covers(sa[i], na[i]) {
				return false
			}
		}
		return true
	case s.IsNull():
		return isZero(n)
	}
	return s.DeepEquals(n)
}

// coversSet is covers for a TypeSet: the same number of elements, each planned element
// matched by a distinct stored one, in any order (the provider compares set hashes).
func coversSet(s, n resource.PropertyValue) bool {
	s, n = unwrap(s), unwrap(n)
	if n.IsComputed() || n.IsOutput() {
		return false
	}
	if !n.IsArray() || !s.IsArray() {
		return covers(s, n)
	}
	sa, na := s.ArrayValue(), n.ArrayValue()
	if len(sa) != len(na) {
		return false
	}
	used := make([]bool, len(sa))
	for _, ne := range na {
		found := false
		for i, se := range sa {
			if !used[i] && covers(se, ne) && covers(ne, se) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// isReserved reports the bridge's bookkeeping keys, which are not attributes.
func isReserved(k resource.PropertyKey) bool {
	return k == "__defaults" || k == "__meta" || k == "__inputs"
}

// withoutReserved returns a copy of m without the bridge's bookkeeping keys.
func withoutReserved(m resource.PropertyMap) resource.PropertyMap {
	out := resource.PropertyMap{}
	for k, v := range m {
		if !isReserved(k) {
			out[k] = v
		}
	}
	return out
}

func unionKeys(maps ...resource.PropertyMap) map[resource.PropertyKey]bool {
	keys := map[resource.PropertyKey]bool{}
	for _, m := range maps {
		for k := range m {
			keys[k] = true
		}
	}
	return keys
}

func sortedPropertyKeys(m map[resource.PropertyKey]bool) []resource.PropertyKey {
	keys := make([]resource.PropertyKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

func tagsOf(m resource.PropertyMap) map[string]any {
	out := map[string]any{}
	for k, v := range obj(m, "tags") {
		if v = unwrap(v); v.IsString() {
			out[string(k)] = v.StringValue()
		}
	}
	return out
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// canonicalJSON is structure.NormalizeJsonString: compact, keys sorted.
func canonicalJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}
