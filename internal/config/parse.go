package config

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"
)

// Env is what Parse needs beyond the raw values; its zero value is this process's.
type Env struct {
	// Secret reports whether a key was set as a Pulumi secret.
	Secret func(key string) bool
	// ReadFile reads a file a setting names (mtls.caBundle), relative to the project
	// directory; nil is os.ReadFile (Pulumi runs the program there).
	ReadFile func(name string) ([]byte, error)
	// Now is when certificates must be valid; zero is time.Now().
	Now time.Time
	// Project is the project's name in Pulumi.yaml, the namespace of its settings; it is
	// named in the message about a setting under another namespace.
	Project string
}

// Registry is one program's settings: an entry per key of its config C, in the order of its
// Pulumi.yaml, and the rules that span them. The main program's is the package's own
// (Parse, Keys, Settings); the bootstrap declares its own with NewRegistry. Both read raw
// values with the same reader, check them with the same rules and report every problem
// at once in the same shape.
type Registry[C any] struct {
	opts        Options[C]
	entries     []Entry[C]
	byKey       map[string]Entry[C]
	services    map[string]serviceEntry // the service settings, by key
	serviceKeys []string
}

// Options are what a Registry has beyond its entries.
type Options[C any] struct {
	// Source is the file that declares the entries, which the generated sections name.
	Source string
	// CrossChecks are the rules that span several settings, run after every setting's own.
	CrossChecks []CrossCheck[C]
	// Services is where a config with service settings keeps its services (the main
	// program's Stack.Services); nil for one without (then no entry may set Service).
	Services func(*C) *[]Service
	// Finish runs last, with the Env: checks of what settings name outside the config (the
	// files of mtls.caBundle).
	Finish func(c *C, p *Problems, env Env)
	// GroupTitle names a Group in Pulumi.yaml's comments; nil writes none.
	GroupTitle func(Group) string
}

// NewRegistry checks the entries (a key once, each well formed) and indexes them. An
// entry that is not is a programming error, which panics and so fails any test.
func NewRegistry[C any](opts Options[C], entries ...Entry[C]) *Registry[C] {
	g := &Registry[C]{opts: opts, entries: entries, byKey: map[string]Entry[C]{}, services: map[string]serviceEntry{}}
	for _, s := range entries {
		i := s.Info()
		if _, dup := g.byKey[i.Key]; dup {
			panic("config: two registry entries for " + i.Key)
		}
		if err := s.wellFormed(); err != nil {
			panic("config: " + i.Key + ": " + err.Error())
		}
		if i.PerService && opts.Services == nil {
			panic("config: " + i.Key + ": a service setting in a registry without Options.Services")
		}
		g.byKey[i.Key] = s
		if i.PerService {
			g.services[i.Key] = s
			g.serviceKeys = append(g.serviceKeys, i.Key)
		}
	}
	return g
}

// Parse reads the config's settings (keys without the project prefix, values as Pulumi
// hands them: strings, JSON text for lists and objects; a key of another namespace keeps
// it, as in other:azCount or aws:region) into a C, and checks every setting's own rule and
// every cross-check, then Options.Finish. It returns every problem at once (an *Error),
// and never changes the config after reading it.
func (g *Registry[C]) Parse(raw map[string]string, env Env) (*C, error) {
	if env.Secret == nil {
		env.Secret = func(string) bool { return false }
	}
	if env.ReadFile == nil {
		env.ReadFile = os.ReadFile
	}
	if env.Now.IsZero() {
		env.Now = time.Now()
	}
	r := &reader{p: &Problems{}, secret: env.Secret, services: g.services, serviceKeys: g.serviceKeys}
	r.reportUnknownKeys(raw, env.Project, g.Keys())
	r.refusePlaceholders(raw)
	c := new(C)
	r.base = Service{Name: DefaultServiceName}
	for _, s := range g.entries { // services comes last: its entries start from base
		v, set := raw[s.Info().Key]
		s.read(r, v, set, c, &r.base)
	}
	if g.opts.Services != nil {
		if svcs := g.opts.Services(c); *svcs == nil { // no services entries: the one service of the top-level settings
			*svcs = []Service{r.base}
		}
	}
	g.check(c, r.p)
	if g.opts.Finish != nil {
		g.opts.Finish(c, r.p, env)
	}
	if err := r.p.Err(""); err != nil {
		return nil, err
	}
	return c, nil
}

// check runs every setting's own rule, then every cross-check, on c.
func (g *Registry[C]) check(c *C, p *Problems) {
	var services []Service
	if g.opts.Services != nil {
		services = *g.opts.Services(c)
	}
	for _, s := range g.entries {
		s.check(p, c, services)
	}
	for _, x := range g.opts.CrossChecks {
		x.Check(c, p)
	}
}

// Keys are the top-level keys of the project's config, in the registry's order: not the
// entries only `services` entries take, nor another namespace's (aws:region), which
// Pulumi.yaml cannot declare.
func (g *Registry[C]) Keys() []string {
	var keys []string
	for _, s := range g.entries {
		if i := s.Info(); !i.EntryOnly && !i.Qualified() {
			keys = append(keys, i.Key)
		}
	}
	return keys
}

// ServiceKeys are the keys of a services entry.
func (g *Registry[C]) ServiceKeys() []string { return slices.Clone(g.serviceKeys) }

// Settings describes every setting, in the registry's order.
func (g *Registry[C]) Settings() []Info {
	out := make([]Info, len(g.entries))
	for i, s := range g.entries {
		out[i] = s.Info()
	}
	return out
}

// Notes is what the cross-checks add to a setting's "Allowed" column, in their order.
func (g *Registry[C]) Notes(key string) []string {
	var out []string
	for _, x := range g.opts.CrossChecks {
		if n := x.Notes[key]; n != "" {
			out = append(out, n)
		}
	}
	return out
}

// lookup is the registry entry of a key.
func (g *Registry[C]) lookup(key string) (Entry[C], bool) {
	s, ok := g.byKey[key]
	return s, ok
}

// Default is a setting's default, from the registry; a key it has not, or of another
// type, is a programming error.
func Default[T, C any](g *Registry[C], key string) T {
	s, ok := g.lookup(key)
	if !ok {
		panic("config: no setting " + key)
	}
	return s.(*Setting[C, T]).Default
}

// stack is the main program's registry: settings.go's entries and checks.go's
// cross-checks. It is made in init, for the cross-checks read defaults from it.
var stackSettings *Registry[Stack]

func init() {
	stackSettings = NewRegistry(Options[Stack]{
		Source:      "internal/config/settings.go",
		CrossChecks: CrossChecks,
		Services:    func(c *Stack) *[]Service { return &c.Services },
		Finish:      checkCABundle,
		GroupTitle:  Group.Title,
	}, registry...)
}

// Parse reads and checks the main program's stack config (Registry.Parse): the typed
// config, or every problem at once. What follows from it (the NLB's probe path, the AZs
// of an existing VPC) is derived by methods.
func Parse(raw map[string]string, env Env) (*Stack, error) { return stackSettings.Parse(raw, env) }

// Keys are the top-level keys of the main program's stack config, in the registry's order.
func Keys() []string { return stackSettings.Keys() }

// ServiceKeys are the keys of a services entry.
func ServiceKeys() []string { return stackSettings.ServiceKeys() }

// Settings describes every setting of the main program, in the registry's order.
func Settings() []Info { return stackSettings.Settings() }

// Notes is what the main program's cross-checks add to a setting's "Allowed" column.
func Notes(key string) []string { return stackSettings.Notes(key) }

// reader decodes raw values, recording a problem for each of the wrong type.
type reader struct {
	p           *Problems
	secret      func(key string) bool
	base        Service                 // the top-level service settings: the defaults of every services entry
	services    map[string]serviceEntry // the service settings a services entry may set
	serviceKeys []string
}

// refusePlainSecret reports a plain-text setting set as a Pulumi secret: its values would
// still be plain text in the task definition, the console and the API, where Pulumi's
// encryption does not reach.
func (r *reader) refusePlainSecret(path string) {
	r.p.Add(path, "is a Pulumi secret (set with --secret), but environment values are plain text in the task definition; put the value in SSM Parameter Store or Secrets Manager and name its ARN under secrets")
}

// reportUnknownKeys flags keys that no setting reads: a typo such as `desiredcount` must
// not be silently ignored. A key of another namespace is another program's (aws:region),
// unless its name is one of this project's settings: then it was meant for this project
// under an old or another name (`pulumi new` renames the project, not the stack files'
// keys), and is refused with the project's real name.
func (r *reader) reportUnknownKeys(raw map[string]string, project string, known []string) {
	for _, key := range slices.Sorted(maps.Keys(raw)) {
		_, name, qualified := strings.Cut(key, ":")
		switch {
		case qualified && slices.Contains(known, name):
			r.p.typeError(key, "this project is named %q in Pulumi.yaml; did you mean %s:%s?", project, project, name)
		case qualified: // another program's setting
		case !slices.Contains(known, key):
			r.p.typeError(key, "unknown setting%s", suggestion(key, known))
		}
	}
}

// refusePlaceholders reports every value of the form <…> left in the stack file, at top
// level or inside a list or object: a template's stack file (examples/production.yaml)
// marks what each stack must fill in that way, and a placeholder must never deploy, not
// even where it would pass for a valid value.
func (r *reader) refusePlaceholders(raw map[string]string) {
	for _, key := range slices.Sorted(maps.Keys(raw)) {
		v := strings.TrimSpace(raw[key])
		if isPlaceholder(v) {
			r.refusePlaceholder(key, v)
			continue
		}
		if strings.HasPrefix(v, "[") || strings.HasPrefix(v, "{") {
			var parsed any
			if json.Unmarshal([]byte(v), &parsed) == nil {
				r.refuseNestedPlaceholders(key, parsed)
			}
		}
	}
}

func (r *reader) refuseNestedPlaceholders(path string, v any) {
	switch v := v.(type) {
	case string:
		if isPlaceholder(strings.TrimSpace(v)) {
			r.refusePlaceholder(path, v)
		}
	case []any:
		for i, item := range v {
			r.refuseNestedPlaceholders(fmt.Sprintf("%s[%d]", path, i), item)
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			r.refuseNestedPlaceholders(path+"."+k, v[k])
		}
	}
}

func (r *reader) refusePlaceholder(path, v string) {
	r.p.typeError(path, "placeholder %q left in the stack file: replace it with this stack's value (what goes there is written between < and >)", v)
}

// isPlaceholder reports whether a value is a template's placeholder, <what to put here>.
func isPlaceholder(v string) bool {
	return len(v) > 2 && strings.HasPrefix(v, "<") && strings.HasSuffix(v, ">")
}

// serviceList is the Kind of `services`: each entry starts from the top-level service
// settings and sets its own; without entries the stack has the one service "web".
var serviceList = &Kind[[]Service]{
	Schema: "array", Items: "object",
	decode: func(r *reader, path string, v any) ([]Service, bool) {
		text, _ := v.(string)
		if t := strings.TrimSpace(text); t == "" || t == "[]" {
			return []Service{r.base}, true
		}
		var entries []any
		if err := json.Unmarshal([]byte(text), &entries); err != nil {
			r.p.typeError(path, "invalid value %q: must be a list of service objects", text)
			return []Service{r.base}, false
		}
		out := make([]Service, 0, len(entries))
		for i, e := range entries {
			if svc, ok := r.serviceEntry(fmt.Sprintf("%s[%d]", path, i), e); ok {
				out = append(out, svc)
			}
		}
		return out, true
	},
	value: func(s []Service) any { return []any{} },
}

// serviceEntry reads one services entry over the top-level service settings.
func (r *reader) serviceEntry(path string, e any) (Service, bool) {
	entry, ok := e.(map[string]any)
	if !ok {
		r.p.typeError(path, "invalid value %s: must be an object with at least a name", CompactJSON(e))
		return Service{}, false
	}
	svc := r.base
	svc.Name, svc.Path = "", path+"."
	for _, key := range slices.Sorted(maps.Keys(entry)) {
		s, ok := r.services[key]
		if !ok {
			r.p.typeError(svc.Path+key, "unknown setting%s", suggestion(key, r.serviceKeys))
			continue
		}
		if s.plain() && r.secret("services") {
			r.refusePlainSecret(svc.Path + key)
		}
		s.readEntry(r, svc.Path+key, entry[key], &svc)
	}
	return svc, true
}
