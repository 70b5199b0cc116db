package config

// The registry's machinery: a typed entry per setting, how its raw value is read, and the
// rules that say what it allows, in words (for the docs) and as a check (for the parser),
// made from the same values.

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Group is the table of docs/configuration.md that documents a setting.
type Group int

const (
	GroupNetwork Group = iota
	GroupIngress
	GroupStaticIPs
	GroupOperations
	GroupRelease
	GroupService
)

// Groups are docs/configuration.md's settings tables, in their order.
var Groups = []Group{GroupNetwork, GroupIngress, GroupStaticIPs, GroupOperations, GroupRelease, GroupService}

// Title is the heading of the group's section in docs/configuration.md.
func (g Group) Title() string {
	return [...]string{"Network", "Ingress", "Static IPs and the account check", "Operations and security baseline", "Releases", "Service"}[g]
}

// Level sorts a setting for a newcomer.
type Level int

const (
	LevelRegular Level = iota
	// LevelCommon: one of the few settings most stacks set, listed again in the README's
	// "The settings you will set".
	LevelCommon
	// LevelAdvanced: fixed by AWS's rules or for experts; documented in the "Advanced"
	// table of docs/configuration.md instead of its group's.
	LevelAdvanced
)

// Setting is one key of a program's config C (the main program's Stack, the bootstrap's
// settings). T is its Go type: the field it fills is a *T, so a setting whose declared
// type differs from its field does not compile.
type Setting[C, T any] struct {
	Key     string
	Group   Group
	Level   Level
	Default T
	// Doc is one line, Pulumi.yaml's description and the docs' "Meaning".
	Doc string
	// See names the section of the docs (README.md, docs/, …) that explains more, e.g.
	// "An existing VPC"; the tables link it wherever it is.
	See     string
	Allowed Rule[T]
	// Exactly one of Stack and Service says where the value goes: a stack-wide setting, or
	// a service setting, which each `services` entry may set too (the top-level value is
	// their default; only a registry with Options.Services has them).
	Stack   func(*C) *T
	Service func(*Service) *T
	// EntryOnly: a service setting only `services` entries take (name).
	EntryOnly bool
	// Plain: the value is plain text in AWS, so a Pulumi secret is refused rather than
	// silently exposed.
	Plain bool
	// Kind says how the value is read and declared; unset, it follows T (string, int,
	// bool, []string, map[string]string).
	Kind *Kind[T]
}

// Rule is what a setting allows: Allows in words, for the docs, and the check of the
// value alone, which records a problem at path.
type Rule[T any] struct {
	Allows string
	check  func(p *Problems, path string, v T)
	// bounds are a range's ends (between), which a test checks against the docs' words.
	bounds *[2]int
}

// Check runs the rule on v.
func (r Rule[T]) Check(p *Problems, path string, v T) {
	if r.check != nil {
		r.check(p, path, v)
	}
}

// Kind is how values of a type are read and declared.
type Kind[T any] struct {
	Schema string // Pulumi.yaml's type: string, integer, boolean, array, object
	Items  string // an array's item type
	// decode reads a raw value: a string from the stack config, or a JSON value inside a
	// structured setting. It records a wrong type at path and returns false.
	decode func(r *reader, path string, v any) (T, bool)
	// merge is how a `services` entry's value meets the inherited one; nil: it replaces it.
	merge func(base, over T) T
	// check checks the parts of a structured value, each under its own path; fields says
	// in words what they allow.
	check  func(p *Problems, path string, v T)
	fields string
	// value is a value as Pulumi.yaml and the docs write it.
	value func(v T) any
}

// Entry is a Setting of any type of the config C, as the parser and the documentation
// use it.
type Entry[C any] interface {
	serviceEntry
	// read sets the setting in c (a stack setting) or in base (a service setting, the
	// default of every `services` entry) from its raw value, or its default.
	read(r *reader, raw string, set bool, c *C, base *Service)
	// check runs the setting's own rules on c, or on each of services for a service
	// setting.
	check(p *Problems, c *C, services []Service)
	// rangeOf is the range the setting's rule allows, for a whole number between two ends.
	rangeOf() (lo, hi int, ok bool)
	// wellFormed says what is wrong with the entry itself, if anything.
	wellFormed() error
}

// serviceEntry is what reading a `services` entry needs of a setting, whatever the config.
type serviceEntry interface {
	Info() Info
	// readEntry sets a service setting from a `services` entry's value.
	readEntry(r *reader, path string, v any, s *Service)
	plain() bool
}

// Info is what the documentation says of a setting.
type Info struct {
	Key        string
	Group      Group
	Schema     string // Pulumi.yaml's type
	Items      string // an array's item type
	Default    any    // as Pulumi.yaml writes it
	Doc, See   string
	Allows     string // the rule's words, structured values' fields first
	PerService bool
	EntryOnly  bool
	Level      Level
}

func (s *Setting[C, T]) kind() *Kind[T] {
	if s.Kind != nil {
		return s.Kind
	}
	return basicKind[T]()
}

// Qualified reports whether the key is of another namespace (aws:region): a provider's
// setting the program reads and checks, which its Pulumi.yaml cannot declare.
func (i Info) Qualified() bool { return strings.Contains(i.Key, ":") }

func (s *Setting[C, T]) Info() Info {
	k := s.kind()
	allows := s.Allowed.Allows
	if k.fields != "" {
		allows = joinNonEmpty("; ", k.fields, allows)
	}
	return Info{Key: s.Key, Group: s.Group, Schema: k.Schema, Items: k.Items, Default: k.value(s.Default),
		Doc: s.Doc, See: s.See, Allows: allows, PerService: s.Service != nil, EntryOnly: s.EntryOnly, Level: s.Level}
}

func (s *Setting[C, T]) plain() bool { return s.Plain }

func (s *Setting[C, T]) wellFormed() error {
	switch {
	case (s.Stack == nil) == (s.Service == nil):
		return fmt.Errorf("give exactly one of Stack and Service")
	case s.EntryOnly && s.Service == nil:
		return fmt.Errorf("EntryOnly is for service settings")
	case strings.Contains(s.Key, ":") && s.Service != nil:
		return fmt.Errorf("a setting of another namespace is no service setting")
	case s.Doc == "":
		return fmt.Errorf("no Doc")
	}
	return nil
}

func (s *Setting[C, T]) rangeOf() (lo, hi int, ok bool) {
	if b := s.Allowed.bounds; b != nil {
		return b[0], b[1], true
	}
	return 0, 0, false
}

func (s *Setting[C, T]) read(r *reader, raw string, set bool, c *C, base *Service) {
	if set && s.Plain && r.secret(s.Key) {
		r.refusePlainSecret(s.Key)
	}
	v := s.Default
	if set {
		if typed, ok := s.kind().decode(r, s.Key, raw); ok {
			v = typed
		}
	}
	if s.Stack != nil {
		*s.Stack(c) = v
	} else {
		*s.Service(base) = v
	}
}

func (s *Setting[C, T]) readEntry(r *reader, path string, v any, svc *Service) {
	k := s.kind()
	typed, ok := k.decode(r, path, v)
	if !ok {
		return // the inherited value stands in
	}
	at := s.Service(svc)
	if k.merge != nil {
		typed = k.merge(*at, typed)
	}
	*at = typed
}

func (s *Setting[C, T]) check(p *Problems, c *C, services []Service) {
	run := func(path string, v T) {
		if !p.OK(path) {
			return
		}
		if k := s.kind(); k.check != nil {
			k.check(p, path, v)
		}
		s.Allowed.Check(p, path, v)
	}
	if s.Stack != nil {
		run(s.Key, *s.Stack(c))
		return
	}
	for i := range services {
		svc := &services[i]
		if s.EntryOnly && svc.Path == "" {
			continue // the single service is named by the stack
		}
		run(svc.Path+s.Key, *s.Service(svc))
	}
}

// basicKind is the Kind of a plain Go type.
func basicKind[T any]() *Kind[T] {
	var k any
	switch any(*new(T)).(type) {
	case string:
		k = &Kind[string]{Schema: "string", decode: scalar(func(v any) (string, bool) { s, ok := v.(string); return s, ok }, "must be a string")}
	case int:
		k = &Kind[int]{Schema: "integer", decode: scalar(toInt, "must be a whole number")}
	case bool:
		k = &Kind[bool]{Schema: "boolean", decode: scalar(toBool, "must be true or false")}
	case []string:
		k = &Kind[[]string]{Schema: "array", Items: "string", decode: scalar(toStrings, "must be a list of strings")}
	case map[string]string:
		k = &Kind[map[string]string]{Schema: "object", decode: decodeStringMap, merge: mergeMaps}
	default:
		panic(fmt.Sprintf("config: a setting of type %s needs a Kind", reflect.TypeFor[T]()))
	}
	kind := k.(*Kind[T])
	kind.value = func(v T) any { return plainValue(v) }
	return kind
}

// plainValue is a value as YAML writes it: an unset list [] and an unset map {}.
func plainValue(v any) any {
	switch x := v.(type) {
	case []string:
		if x == nil {
			return []string{}
		}
	case map[string]string:
		if x == nil {
			return map[string]string{}
		}
	}
	return v
}

// scalar is a decode that converts with to, or reports "invalid value …: <want>".
func scalar[T any](to func(v any) (T, bool), want string) func(r *reader, path string, v any) (T, bool) {
	return func(r *reader, path string, v any) (T, bool) {
		t, ok := to(v)
		if !ok {
			r.p.typeError(path, "invalid value %s: %s", Describe(v), want)
		}
		return t, ok
	}
}

func toInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case float64:
		return int(x), x == float64(int(x))
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(x))
		return n, err == nil
	}
	return 0, false
}

func toBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		b, err := strconv.ParseBool(x)
		return b, err == nil
	}
	return false, false
}

// toStrings reads a list of strings; top-level lists arrive as JSON text.
func toStrings(v any) ([]string, bool) {
	if s, ok := v.([]string); ok {
		return s, true
	}
	if s, ok := v.(string); ok {
		if json.Unmarshal([]byte(s), &v) != nil {
			return nil, false
		}
	}
	items, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		s, ok := it.(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// decodeStringMap reads a map of names to strings. A scalar value is taken as its text
// (YAML writes WORKERS: 4 as a number; ECS holds every value as a string); a list, an
// object or null is refused.
func decodeStringMap(r *reader, path string, v any) (map[string]string, bool) {
	const want = "must be a map of names to strings, e.g. {LOG_LEVEL: info}"
	raw := v
	if s, ok := v.(string); ok { // top-level maps arrive as JSON text
		if json.Unmarshal([]byte(s), &v) != nil {
			r.p.typeError(path, "invalid value %s: %s", Describe(raw), want)
			return nil, false
		}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		r.p.typeError(path, "invalid value %s: %s", Describe(raw), want)
		return nil, false
	}
	out := make(map[string]string, len(obj))
	for _, name := range slices.Sorted(maps.Keys(obj)) {
		switch x := obj[name].(type) {
		case string:
			out[name] = x
		case float64:
			out[name] = strconv.FormatFloat(x, 'f', -1, 64)
		case bool:
			out[name] = strconv.FormatBool(x)
		default:
			r.p.typeError(path, "invalid value %s: %s; the value of %s is %s", Describe(raw), want, name, CompactJSON(x))
			return nil, false
		}
	}
	return out, true
}

// mergeMaps is base with over's entries added, over winning on a name in both. It never
// changes base, which the top-level settings share with every service entry.
func mergeMaps(base, over map[string]string) map[string]string {
	out := maps.Clone(base)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, over)
	return out
}

// JSON is the Kind of a value read as JSON text into T (a list or a map of lists), for
// Pulumi.yaml's type schema (items: an array's item type); want says, after "invalid value
// <v>: ", what a value that does not read must be.
func JSON[T any](schema, items, want string) *Kind[T] {
	return &Kind[T]{
		Schema: schema, Items: items,
		decode: func(r *reader, path string, v any) (T, bool) {
			var t T
			text, ok := v.(string)
			if !ok {
				b, err := json.Marshal(v)
				if err != nil {
					r.p.typeError(path, "invalid value %s: %s", Describe(v), want)
					return t, false
				}
				text = string(b)
			}
			if err := json.Unmarshal([]byte(text), &t); err != nil {
				r.p.typeError(path, "invalid value %s: %s", describeText(text), want)
				return t, false
			}
			return t, true
		},
		value: func(v T) any {
			rv := reflect.ValueOf(v)
			if rv.Kind() == reflect.Map && rv.IsNil() {
				return map[string]any{}
			}
			if rv.Kind() == reflect.Slice && rv.IsNil() {
				return []any{}
			}
			return v
		},
	}
}

// describeText shows raw config text: as one line of JSON when it is JSON, else quoted.
func describeText(text string) string {
	var v any
	if json.Unmarshal([]byte(text), &v) == nil {
		return CompactJSON(v)
	}
	return strconv.Quote(text)
}

// Structured settings: an object of known fields, or a list of them.

// Field is one key of a structured setting's object O.
type Field[O any] interface {
	key() string
	allows() string
	decodeInto(r *reader, path string, v any, o *O)
	check(p *Problems, path string, o *O)
}

// F is a field of type T in the object O.
type F[O, T any] struct {
	Key     string
	Allowed Rule[T]
	At      func(*O) *T
}

func (f F[O, T]) key() string { return f.Key }

func (f F[O, T]) allows() string {
	if f.Allowed.Allows != "" {
		return f.Key + ": " + f.Allowed.Allows
	}
	return f.Key + ": " + basicKind[T]().Schema
}

func (f F[O, T]) decodeInto(r *reader, path string, v any, o *O) {
	if t, ok := basicKind[T]().decode(r, path, v); ok {
		*f.At(o) = t
	}
}

func (f F[O, T]) check(p *Problems, path string, o *O) {
	if p.OK(path) {
		f.Allowed.Check(p, path, *f.At(o))
	}
}

// object is the Kind of an object setting: nil when unset ({}), else the fields set over
// start's values.
func object[O any](start func() O, fields ...Field[O]) *Kind[*O] {
	return &Kind[*O]{
		Schema: "object",
		decode: func(r *reader, path string, v any) (*O, bool) {
			v, ok := r.structured(path, v)
			if !ok {
				return nil, false
			}
			return decodeObject(r, path, v, start, fields)
		},
		check: func(p *Problems, path string, o *O) {
			if o != nil {
				checkFields(p, path, o, fields)
			}
		},
		fields: describeFields(fields),
		value: func(o *O) any {
			if o == nil {
				return map[string]any{}
			}
			return o
		},
	}
}

// objectList is the Kind of a list of objects.
func objectList[O any](fields ...Field[O]) *Kind[[]O] {
	return &Kind[[]O]{
		Schema: "array", Items: "object",
		decode: func(r *reader, path string, v any) ([]O, bool) {
			v, ok := r.structured(path, v)
			if !ok {
				return nil, false
			}
			items, ok := v.([]any)
			if !ok {
				r.p.typeError(path, "invalid value %s: must be a list of objects", CompactJSON(v))
				return nil, false
			}
			var out []O
			for i, it := range items {
				if o, _ := decodeObject(r, fmt.Sprintf("%s[%d]", path, i), it, func() O { return *new(O) }, fields); o != nil {
					out = append(out, *o)
				}
			}
			return out, true
		},
		check: func(p *Problems, path string, list []O) {
			for i := range list {
				checkFields(p, fmt.Sprintf("%s[%d]", path, i), &list[i], fields)
			}
		},
		fields: "items " + describeFields(fields),
		value: func(list []O) any {
			if list == nil {
				return []any{}
			}
			return list
		},
	}
}

// structured is a structured value: top-level ones arrive as JSON text.
func (r *reader) structured(path string, v any) (any, bool) {
	text, ok := v.(string)
	if !ok {
		return v, true
	}
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		r.p.typeError(path, "invalid value %s: must be JSON/YAML structured config", strconv.Quote(text))
		return nil, false
	}
	return v, true
}

// decodeObject reads one object field by field, reporting unknown fields with a
// suggestion and wrong types with the field's path; an empty object is nil (unset).
func decodeObject[O any](r *reader, path string, v any, start func() O, fields []Field[O]) (*O, bool) {
	obj, ok := v.(map[string]any)
	if !ok {
		r.p.typeError(path, "invalid value %s: must be an object", CompactJSON(v))
		return nil, false
	}
	if len(obj) == 0 {
		return nil, true
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.key()
	}
	o := start()
	for _, key := range slices.Sorted(maps.Keys(obj)) {
		i := slices.Index(names, key)
		if i < 0 {
			r.p.typeError(path+"."+key, "unknown setting%s", suggestion(key, names))
			continue
		}
		fields[i].decodeInto(r, path+"."+key, obj[key], &o)
	}
	return &o, true
}

func checkFields[O any](p *Problems, path string, o *O, fields []Field[O]) {
	for _, f := range fields {
		f.check(p, path+"."+f.key(), o)
	}
}

func describeFields[O any](fields []Field[O]) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = f.allows()
	}
	return "{" + strings.Join(parts, "; ") + "}"
}

// Rules. Each says in Allows what its check accepts, from the same values.

// NewRule is a rule of your own: allows in words, and the check that accepts the same.
func NewRule[T any](allows string, check func(p *Problems, path string, v T)) Rule[T] {
	return Rule[T]{Allows: allows, check: check}
}

// Between allows lo to hi.
func Between(lo, hi int) Rule[int] {
	r := NewRule(fmt.Sprintf("%d to %d", lo, hi), func(p *Problems, path string, v int) {
		if v < lo || v > hi {
			p.Add(path, "invalid value %d: must be between %d and %d", v, lo, hi)
		}
	})
	r.bounds = &[2]int{lo, hi}
	return r
}

// port is a TCP port.
var port = Between(1, 65535)

// UnsetOr allows the zero value, which means unset ("for none", "to follow …"), or what r
// allows.
func UnsetOr[T comparable](zeroMeans string, r Rule[T]) Rule[T] {
	var zero T
	return NewRule(fmt.Sprintf("%s, or %s %s", r.Allows, docList([]T{zero}), zeroMeans), func(p *Problems, path string, v T) {
		if v != zero {
			r.Check(p, path, v)
		}
	})
}

// OneOf allows the values; say is the message after "unsupported value <v>: ", with %s
// for the list.
func OneOf[T comparable](values []T, say string) Rule[T] {
	return NewRule(docList(values), func(p *Problems, path string, v T) {
		if !slices.Contains(values, v) {
			p.Add(path, "unsupported value %s: "+say, Describe(v), msgList(values))
		}
	})
}

// Matching allows "" (unset) or a value re matches; must ends "invalid value %q: must be …".
func Matching(re *regexp.Regexp, allows, must string) Rule[string] {
	return NewRule(allows, func(p *Problems, path string, v string) {
		if v != "" && !re.MatchString(v) {
			p.Add(path, "invalid value %q: must be %s", v, must)
		}
	})
}

// Each applies r to every item, at path[i].
func Each(r Rule[string]) Rule[[]string] {
	return NewRule("each "+r.Allows, func(p *Problems, path string, v []string) {
		for i, item := range v {
			r.Check(p, fmt.Sprintf("%s[%d]", path, i), item)
		}
	})
}

// All is every rule at once.
func All[T any](rules ...Rule[T]) Rule[T] {
	var words []string
	for _, r := range rules {
		words = append(words, r.Allows)
	}
	return NewRule(joinNonEmpty("; ", words...), func(p *Problems, path string, v T) {
		for _, r := range rules {
			r.Check(p, path, v)
		}
	})
}

// docList is values as the docs write them: `a`, `b` or 1, 2.
func docList[T any](values []T) string {
	parts := make([]string, len(values))
	for i, v := range values {
		if s, ok := any(v).(string); ok {
			parts[i] = "`" + cmp.Or(s, `""`) + "`"
		} else {
			parts[i] = fmt.Sprint(v)
		}
	}
	return strings.Join(parts, ", ")
}

// msgList is values as messages write them: "a", "b" or 1, 2.
func msgList[T any](values []T) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = Describe(v)
	}
	return strings.Join(parts, ", ")
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
