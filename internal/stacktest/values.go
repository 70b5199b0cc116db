package stacktest

import (
	"encoding/json"
	"strings"
	"testing"
)

// Readers of the nested maps and lists of a resource's inputs and state, as the mocks
// record them (map[string]any, []any, float64 numbers). A path is object keys (string)
// and list indexes (int).

// Get is the value at path, failing the test when the path does not exist.
func Get(t *testing.T, v any, path ...any) any {
	t.Helper()
	cur := v
	for _, p := range path {
		switch key := p.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				t.Fatalf("at %v: want an object, got %T (%v)", path, cur, cur)
			}
			cur = m[key]
		case int:
			l, ok := cur.([]any)
			if !ok || key >= len(l) {
				t.Fatalf("at %v: want a list with index %d, got %T (%v)", path, key, cur, cur)
			}
			cur = l[key]
		}
	}
	return cur
}

// Str is the string at path, "" when it is not a string.
func Str(t *testing.T, v any, path ...any) string {
	t.Helper()
	s, _ := Get(t, v, path...).(string)
	return s
}

// Num is the whole number at path.
func Num(t *testing.T, v any, path ...any) int {
	t.Helper()
	switch n := Get(t, v, path...).(type) {
	case float64:
		return int(n)
	case int:
		return n
	}
	t.Fatalf("at %v: not a number: %v", path, Get(t, v, path...))
	return 0
}

// Strs is the list of strings at path.
func Strs(t *testing.T, v any, path ...any) []string {
	t.Helper()
	l, _ := Get(t, v, path...).([]any)
	out := make([]string, len(l))
	for i, x := range l {
		out[i], _ = x.(string)
	}
	return out
}

// Equal fails the test unless got is want; what names the value.
func Equal[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

// EqualSlices fails the test unless got and want hold the same strings in order.
func EqualSlices(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\x00") != strings.Join(want, "\x00") || len(got) != len(want) {
		t.Errorf("%s: got %q, want %q", what, got, want)
	}
}

// JSONInput decodes a JSON document held in a string input of r (a policy, a task
// definition's containerDefinitions) into out.
func JSONInput(t *testing.T, r Registered, key string, out any) {
	t.Helper()
	if err := json.Unmarshal([]byte(Str(t, r.Inputs, key)), out); err != nil {
		t.Fatalf("%s %s: %v", r.Name, key, err)
	}
}
