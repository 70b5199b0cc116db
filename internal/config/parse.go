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

// Parse reads the stack's settings (keys without the project prefix, values as Pulumi
// hands them: strings, JSON text for lists and objects; a key of another namespace keeps
// it, as in other:azCount) into the typed config, and checks
// every setting's own rule and every cross-check, and the files settings name. It returns
// every problem at once (an *Error), and never changes the config after reading it: what
// follows from it (the NLB's probe path, the AZs of an existing VPC) is derived by methods.
func Parse(raw map[string]string, env Env) (*Stack, error) {
	if env.Secret == nil {
		env.Secret = func(string) bool { return false }
	}
	if env.ReadFile == nil {
		env.ReadFile = os.ReadFile
	}
	if env.Now.IsZero() {
		env.Now = time.Now()
	}
	r := &reader{p: &Problems{}, secret: env.Secret}
	r.reportUnknownKeys(raw, env.Project)
	c := &Stack{}
	r.base = Service{Name: DefaultServiceName}
	for _, s := range registry { // services comes last: its entries start from base
		v, set := raw[s.Info().Key]
		s.read(r, v, set, c, &r.base)
	}
	if c.Services == nil { // no services entries: the one service of the top-level settings
		c.Services = []Service{r.base}
	}
	checkAll(c, r.p)
	checkCABundle(c, r.p, env)
	if err := r.p.Err(""); err != nil {
		return nil, err
	}
	return c, nil
}

// checkAll runs every setting's own rule, then every cross-check, on c.
func checkAll(c *Stack, p *Problems) {
	for _, s := range registry {
		s.check(p, c)
	}
	for _, x := range CrossChecks {
		x.check(c, p)
	}
}

// reader decodes raw values, recording a problem for each of the wrong type.
type reader struct {
	p      *Problems
	secret func(key string) bool
	base   Service // the top-level service settings: the defaults of every services entry
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
func (r *reader) reportUnknownKeys(raw map[string]string, project string) {
	known := Keys()
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

// Keys are the top-level keys of the stack config, in the registry's order.
func Keys() []string {
	var keys []string
	for _, s := range registry {
		if i := s.Info(); !i.EntryOnly {
			keys = append(keys, i.Key)
		}
	}
	return keys
}

// ServiceKeys are the keys of a services entry.
func ServiceKeys() []string { return slices.Clone(serviceKeys) }

// Settings describes every setting, in the registry's order.
func Settings() []Info {
	out := make([]Info, len(registry))
	for i, s := range registry {
		out[i] = s.Info()
	}
	return out
}

// byKey is the registry by key; serviceKeys the keys of a services entry. They are
// filled in init: the services setting reads its entries with them, so a variable
// initialised from the registry would depend on itself.
var (
	byKey       = map[string]entry{}
	serviceKeys []string
)

func init() {
	for _, s := range registry {
		i := s.Info()
		if _, dup := byKey[i.Key]; dup {
			panic("config: two registry entries for " + i.Key) // a programming error, caught by any test
		}
		if err := s.wellFormed(); err != nil {
			panic("config: " + i.Key + ": " + err.Error())
		}
		byKey[i.Key] = s
		if i.PerService {
			serviceKeys = append(serviceKeys, i.Key)
		}
	}
}

// lookup is the registry entry of a key.
func lookup(key string) (entry, bool) {
	s, ok := byKey[key]
	return s, ok
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
		s, ok := lookup(key)
		if !ok || !s.Info().PerService {
			r.p.typeError(svc.Path+key, "unknown setting%s", suggestion(key, serviceKeys))
			continue
		}
		if s.plain() && r.secret("services") {
			r.refusePlainSecret(svc.Path + key)
		}
		s.readEntry(r, svc.Path+key, entry[key], &svc)
	}
	return svc, true
}
