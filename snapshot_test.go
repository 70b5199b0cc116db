package main

// Snapshots of what the program registers, as CDK users snapshot synthesized templates:
// the mocked graph of the dev stack and of every example (type, name, inputs, options,
// dependencies) is committed under testdata/snapshots and compared on every run, so a
// reviewer sees any change to what a user deploys in the diff. After a deliberate change:
//
//	go test -run TestSnapshots -update .

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/stacktest"
)

// node is one stacktest.Registered resource in a snapshot.
type node struct {
	Type      string         `json:"type"`
	Name      string         `json:"name"`
	Inputs    map[string]any `json:"inputs,omitempty"`
	DependsOn []string       `json:"dependsOn,omitempty"`
	Options   map[string]any `json:"options,omitempty"`
}

func TestSnapshots(t *testing.T) {
	for _, sc := range stackConfigFiles(t) {
		t.Run(sc.stack, func(t *testing.T) {
			m, _, err := runIn(t, sc.account(t), testStack, loadStackFiles(t, sc.path), false)
			if err != nil {
				t.Fatalf("%s: %v", sc.path, err)
			}
			got, err := json.MarshalIndent(snapshot(m), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = withoutProjectName(got)
			got = append(got, '\n')
			path := filepath.Join("testdata", "snapshots", sc.stack+".json")
			want, err := os.ReadFile(path)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if string(got) != string(want) {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					t.Logf("%s rewritten", path)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v; create it with: go test -run TestSnapshots -update .", err)
			}
			if string(got) != string(want) {
				t.Errorf("%s: what %s registers changed; if that is meant, rewrite the snapshot with go test -run TestSnapshots -update .\n%s",
					path, sc.path, firstDifference(string(want), string(got)))
			}
		})
	}
}

// snapshot is the stacktest.Registered graph in a stable form: sorted by type and name, and every
// id and computed value of another resource written as a reference to it
// (${web-tg.arn}), so only a change to the program changes it.
func snapshot(m *mocks) []node {
	var refs []reference
	for _, ref := range references(m.Resources()) {
		// <project>-<stack> is the program's own name for the stack (the dashboard takes
		// it as name and id, a bucket's name starts with it), not a value AWS computed.
		if ref.value != testProject+"-"+testStack {
			refs = append(refs, ref)
		}
	}
	var out []node
	for _, r := range m.Resources() {
		var others []reference // a resource's inputs are its own, not references to itself
		for _, ref := range refs {
			if ref.owner != r.Name {
				others = append(others, ref)
			}
		}
		n := node{Type: r.Type, Name: r.Name, Inputs: refer(r.Inputs, others).(map[string]any), Options: map[string]any{}}
		for _, dep := range r.Dependencies {
			n.DependsOn = append(n.DependsOn, shortURN(dep))
		}
		sort.Strings(n.DependsOn)
		if r.Remote {
			n.Options["remote"] = true
		}
		if r.DeleteBeforeReplace {
			n.Options["deleteBeforeReplace"] = true
		}
		if r.RetainOnDelete {
			n.Options["retainOnDelete"] = true
		}
		if len(r.IgnoreChanges) > 0 {
			n.Options["ignoreChanges"] = r.IgnoreChanges
		}
		if len(r.ReplaceOnChanges) > 0 {
			n.Options["replaceOnChanges"] = r.ReplaceOnChanges
		}
		if r.ReplacementTrigger != nil {
			n.Options["replacementTrigger"] = refer(r.ReplacementTrigger, others)
		}
		if len(n.Options) == 0 {
			n.Options = nil
		}
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// reference is a value a resource computed, and how to write it.
type reference struct{ value, ref, owner string }

// references lists every resource's id and computed string outputs (what its state has
// beyond its inputs), one reference per value (an id before a copy of it, as the ALB's
// vpcId is the VPC's), longest first, so a value inside a longer one is not replaced first.
func references(rs []stacktest.Registered) []reference {
	best := map[string]reference{}
	offer := func(r reference, isID bool) {
		old, seen := best[r.value]
		if !seen || (isID && !strings.HasSuffix(old.ref, ".id}")) || (isID == strings.HasSuffix(old.ref, ".id}") && r.ref < old.ref) {
			best[r.value] = r
		}
	}
	for _, r := range rs {
		if r.ID != "" {
			offer(reference{r.ID, "${" + r.Name + ".id}", r.Name}, true)
		}
		for k, v := range r.State {
			s, ok := v.(string)
			if _, input := r.Inputs[k]; ok && !input && len(s) >= 12 {
				offer(reference{s, "${" + r.Name + "." + k + "}", r.Name}, false)
			}
		}
	}
	refs := make([]reference, 0, len(best))
	for _, r := range best {
		refs = append(refs, r)
	}
	sort.Slice(refs, func(i, j int) bool {
		if len(refs[i].value) != len(refs[j].value) {
			return len(refs[i].value) > len(refs[j].value)
		}
		return refs[i].ref < refs[j].ref
	})
	return refs
}

// refer replaces computed values in v, also inside longer strings, with their
// references. A string that holds a JSON document (a policy, container definitions, a
// dashboard body) is written decoded, as {"$json": …}, so a diff shows the statement or
// field that changed rather than one long line.
func refer(v any, refs []reference) any {
	switch x := v.(type) {
	case string:
		if doc, ok := jsonDocument(x); ok {
			return map[string]any{"$json": refer(doc, refs)}
		}
		for _, r := range refs {
			x = strings.ReplaceAll(x, r.value, r.ref)
		}
		return x
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = refer(e, refs)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = refer(e, refs)
		}
		return out
	}
	return v
}

// jsonDocument decodes a string that is a JSON object or array.
func jsonDocument(s string) (any, bool) {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "{") && !strings.HasPrefix(t, "[") {
		return nil, false
	}
	var doc any
	if err := json.Unmarshal([]byte(t), &doc); err != nil {
		return nil, false
	}
	return doc, true
}

// shortURN is type::name of a URN.
func shortURN(urn string) string {
	parts := strings.Split(urn, "::")
	if len(parts) < 4 {
		return urn
	}
	return parts[len(parts)-2] + "::" + parts[len(parts)-1]
}

// firstDifference shows the first lines where two texts part.
func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  snapshot: %s\n  now:      %s", i+1, wl, gl)
		}
	}
	return ""
}

// withoutProjectName writes the project's name as {project} where the program's names
// carry it (<project>/<stack> tags, /<project>/<stack>/ paths, <project>-<stack>- names),
// so a project made from the template under another name compares with the same
// snapshots.
func withoutProjectName(snapshot []byte) []byte {
	s := string(snapshot)
	for _, sep := range []string{"/", "-"} {
		s = strings.ReplaceAll(s, testProject+sep+testStack, "{project}"+sep+testStack)
	}
	return []byte(s)
}
