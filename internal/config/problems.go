package config

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Problems collects every configuration problem, so one preview shows all mistakes. A
// value of the wrong type is reported once: the rules on it (and on others with it) are
// skipped, as they would only judge the default standing in for it.
type Problems struct {
	list []string
	bad  map[string]bool // paths with a type error
}

// Add records "path: message", the shape users know from Kubernetes and Copilot, unless
// the path already has a type error.
func (p *Problems) Add(path, format string, args ...any) {
	if p.bad[path] {
		return
	}
	p.list = append(p.list, path+": "+fmt.Sprintf(format, args...))
}

// typeError records a value of the wrong type (or an unknown key) at path.
func (p *Problems) typeError(path, format string, args ...any) {
	p.Add(path, format, args...)
	if p.bad == nil {
		p.bad = map[string]bool{}
	}
	p.bad[path] = true
}

// OK reports whether none of the paths has a type error, so a rule may read them.
func (p *Problems) OK(paths ...string) bool {
	for _, path := range paths {
		if p.bad[path] {
			return false
		}
	}
	return true
}

// List is every problem recorded, in the order found.
func (p *Problems) List() []string { return p.list }

// Err is nil without problems, else an *Error listing them under title ("" for the
// config's own: "invalid stack config").
func (p *Problems) Err(title string) error {
	if len(p.list) == 0 {
		return nil
	}
	return &Error{Title: title, Problems: p.list}
}

// Error lists every problem found in the stack config (or, with a Title, by a later check
// such as the look-ups in the account), all of them at once.
type Error struct {
	Title    string // "" is "invalid stack config"
	Problems []string
}

func (e *Error) Error() string {
	title, noun := e.Title, "problem"
	if title == "" {
		title = "invalid stack config"
	}
	if len(e.Problems) > 1 {
		noun = "problems"
	}
	return fmt.Sprintf("%s (%d %s; nothing was deployed):\n  - %s",
		title, len(e.Problems), noun, strings.Join(e.Problems, "\n  - "))
}

// Describe shows a value as the user wrote it: a string quoted, anything else as JSON.
func Describe(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return CompactJSON(v)
}

// CompactJSON is v as one line of JSON.
func CompactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// QuoteAll is the values quoted and joined by commas: "perAz", "single", "none".
func QuoteAll(v []string) string {
	parts := make([]string, len(v))
	for i, s := range v {
		parts[i] = strconv.Quote(s)
	}
	return strings.Join(parts, ", ")
}

// JoinInts is the numbers joined by commas.
func JoinInts(v []int) string {
	parts := make([]string, len(v))
	for i, n := range v {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ", ")
}

// suggestion names the closest valid key, matched case-insensitively or within a small
// edit distance, e.g. `; did you mean "desiredCount"?`.
func suggestion(key string, valid []string) string {
	best, bestDist := "", 4
	for _, v := range valid {
		if strings.EqualFold(v, key) {
			return fmt.Sprintf("; did you mean %q?", v)
		}
		if d := editDistance(strings.ToLower(key), strings.ToLower(v)); d < bestDist {
			best, bestDist = v, d
		}
	}
	if best == "" {
		return fmt.Sprintf("; valid settings: %s", strings.Join(valid, ", "))
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
