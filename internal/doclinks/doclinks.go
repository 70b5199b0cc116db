// Package doclinks checks the project's Markdown: every relative link names a file or
// directory that exists, and every #anchor a heading of the file it points into, with the
// anchors GitHub gives headings. A heading renamed or moved to another file, or a file
// moved, fails the test over README.md, CHANGELOG.md, docs/ and every other Markdown file
// of the repository, instead of leaving a reader at a dead link.
package doclinks

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Link is one link of a Markdown file: where it is and what it points to.
type Link struct {
	File   string // the file it is in, by path from the root
	Line   int
	Target string // as written: path, path#anchor or #anchor
}

var (
	// inlineLink is [text](target) or ![alt](target), with an optional "title".
	inlineLink = regexp.MustCompile(`!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(([^()\s]+)(?:\s+"[^"]*")?\)`)
	// refDefinition is a reference-style link's definition: [label]: target.
	refDefinition = regexp.MustCompile(`^\s{0,3}\[[^\]]+\]:\s+(\S+)`)
	codeSpan      = regexp.MustCompile("`+[^`]*`+")
	headingLine   = regexp.MustCompile(`^#{1,6}\s+(.+?)\s*#*\s*$`)
	htmlAnchor    = regexp.MustCompile(`<a\s+(?:name|id)="([^"]+)"`)
	scheme        = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
)

// lines are the file's lines outside fenced code blocks, with their numbers.
func lines(md string) (out []struct {
	n    int
	text string
}) {
	fence := ""
	for i, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimSpace(line)
		if fence == "" && (strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")) {
			fence = trimmed[:3]
			continue
		}
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			continue
		}
		out = append(out, struct {
			n    int
			text string
		}{i + 1, line})
	}
	return out
}

// Links are the links of a Markdown file, outside code blocks and code spans; a link's
// text may run over several lines.
func Links(file, md string) []Link {
	masked := strings.Split(md, "\n")
	kept := map[int]bool{}
	for _, l := range lines(md) {
		kept[l.n-1] = true
	}
	for i := range masked {
		if !kept[i] {
			masked[i] = ""
		}
	}
	text := codeSpan.ReplaceAllStringFunc(strings.Join(masked, "\n"), func(span string) string {
		// keeps the lines and the link text's brackets balanced, and drops links inside code
		return strings.Map(func(r rune) rune {
			if r == '\n' {
				return r
			}
			return 'x'
		}, span)
	})
	var out []Link
	for _, m := range inlineLink.FindAllStringSubmatchIndex(text, -1) {
		out = append(out, Link{File: file, Line: 1 + strings.Count(text[:m[0]], "\n"), Target: strings.Trim(text[m[2]:m[3]], "<>")})
	}
	for i, line := range strings.Split(text, "\n") {
		if m := refDefinition.FindStringSubmatch(line); m != nil {
			out = append(out, Link{File: file, Line: i + 1, Target: strings.Trim(m[1], "<>")})
		}
	}
	slices.SortStableFunc(out, func(a, b Link) int { return a.Line - b.Line })
	return out
}

// Anchors are the anchors of a Markdown file's headings, as GitHub makes them: lower
// case, punctuation dropped, spaces as hyphens, a repeated one numbered -1, -2, …; and
// those of HTML anchors (<a id="…">).
func Anchors(md string) []string {
	var out []string
	seen := map[string]int{}
	for _, l := range lines(md) {
		for _, m := range htmlAnchor.FindAllStringSubmatch(l.text, -1) {
			out = append(out, m[1])
		}
		m := headingLine.FindStringSubmatch(l.text)
		if m == nil {
			continue
		}
		a := Slug(m[1])
		if n := seen[a]; n > 0 {
			seen[a]++
			a = fmt.Sprintf("%s-%d", a, n)
		} else {
			seen[a] = 1
		}
		out = append(out, a)
	}
	return out
}

// headingLink is a link in a heading, whose text alone GitHub keeps for the anchor.
var headingLink = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)

// Slug is GitHub's anchor of a heading's text.
func Slug(heading string) string {
	heading = headingLink.ReplaceAllString(heading, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Files are the Markdown files under root, by path from root (slashes), outside hidden
// directories.
func Files(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".md") {
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	slices.Sort(out)
	return out, err
}

// Broken are the links of the Markdown files under root that lead nowhere: to a path that
// does not exist, or to an anchor its Markdown file does not have. Links with a scheme
// (https:, mailto:) are not followed.
func Broken(root string) ([]string, error) {
	files, err := Files(root)
	if err != nil {
		return nil, err
	}
	anchors := map[string][]string{}
	anchorsOf := func(file string) ([]string, error) {
		if a, ok := anchors[file]; ok {
			return a, nil
		}
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(file)))
		if err != nil {
			return nil, err
		}
		anchors[file] = Anchors(string(b))
		return anchors[file], nil
	}
	var broken []string
	for _, file := range files {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(file)))
		if err != nil {
			return nil, err
		}
		for _, l := range Links(file, string(b)) {
			if scheme.MatchString(l.Target) {
				continue
			}
			if problem := check(root, l, anchorsOf); problem != "" {
				broken = append(broken, fmt.Sprintf("%s:%d: %s: %s", l.File, l.Line, l.Target, problem))
			}
		}
	}
	return broken, nil
}

// check says what is wrong with a relative link, or "".
func check(root string, l Link, anchorsOf func(file string) ([]string, error)) string {
	path, frag, _ := strings.Cut(l.Target, "#")
	target := l.File
	if path != "" {
		if strings.HasPrefix(path, "/") {
			return "an absolute path; link relative to the file"
		}
		target = filepath.ToSlash(filepath.Join(filepath.Dir(filepath.FromSlash(l.File)), filepath.FromSlash(path)))
		if target == ".." || strings.HasPrefix(target, "../") {
			return "outside the repository"
		}
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(target))); err != nil {
			return "no such file or directory"
		}
	}
	if frag == "" {
		return ""
	}
	if !strings.HasSuffix(target, ".md") {
		return "an anchor into a file that is not Markdown"
	}
	a, err := anchorsOf(target)
	if err != nil {
		return err.Error()
	}
	if !slices.Contains(a, frag) {
		return fmt.Sprintf("no heading of %s has the anchor #%s", target, frag)
	}
	return ""
}
