package config

// The documentation generated from the registry: Pulumi.yaml's template and config
// sections and the settings tables of the Markdown docs (README.md, docs/*.md). `go
// generate ./...` rewrites them (gendocs), and TestGeneratedDocsAreCurrent fails when one
// is stale.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// configMarker is the line before Pulumi.yaml's generated template and config sections,
// which run to the end of the file.
const configMarker = "# The template and config sections are generated from internal/config/settings.go by `go generate ./...`;\n# edit the registry, not these sections.\n"

// tableBegin is the Markdown marker before a generated table of the main program's.
func tableBegin(title string) string { return stackSettings.tableBegin(title) }

// tableBegin is the Markdown marker before a generated table of g's settings.
func (g *Registry[C]) tableBegin(title string) string {
	return fmt.Sprintf("<!-- BEGIN settings table %q: generated from %s by `go generate ./...` -->\n", title, g.opts.Source)
}

const tableEnd = "<!-- END settings table -->\n"

// TemplateRegion is the Region `pulumi new` offers, the dev stack's (Pulumi.dev.yaml's
// aws:region; TestTemplateRegionIsTheDevStacks holds them together).
const TemplateRegion = "us-east-1"

// templateDescription is what `pulumi new` shows of this repository as a template.
const templateDescription = "A container on AWS Fargate behind an NLB with one static Elastic IP per Availability Zone, forwarding to an internal ALB."

// TemplateKeys are the settings `pulumi new` asks a newcomer to choose, besides the Region:
// the ones that decide the stack's shape and most of its cost.
var TemplateKeys = []string{"azCount", "natGateways"}

// PulumiTemplate is Pulumi.yaml's template section, read by `pulumi new <repository URL>`:
// a prompt for aws:region (the provider's key, namespaced) and for each of TemplateKeys
// (project keys, written bare: `pulumi new` prefixes the project's name), each with the
// registry's description and default. Template defaults are strings (apitype's
// ProjectTemplateConfigValue.Default); Pulumi accepts "2" for an integer-typed key.
func PulumiTemplate() string {
	var b strings.Builder
	fmt.Fprintf(&b, "template:\n  description: %s\n  config:\n", yamlValue(templateDescription))
	fmt.Fprintf(&b, "    aws:region:\n      description: %s\n      default: %s\n",
		yamlValue("The AWS Region to deploy into."), yamlValue(TemplateRegion))
	for _, key := range TemplateKeys {
		s, ok := settingInfo(key)
		if !ok {
			panic("config: TemplateKeys names no setting: " + key) // a programming error, caught by every test
		}
		fmt.Fprintf(&b, "    %s:\n      description: %s\n      default: %s\n",
			s.Key, yamlValue(description(s)), yamlValue(fmt.Sprint(s.Default)))
	}
	return b.String()
}

// settingInfo is the registry's entry for a top-level key.
func settingInfo(key string) (Info, bool) {
	for _, s := range Settings() {
		if s.Key == key && !s.EntryOnly {
			return s, true
		}
	}
	return Info{}, false
}

// PulumiConfig is the main program's Pulumi.yaml config section (Registry.PulumiConfig).
func PulumiConfig() string { return stackSettings.PulumiConfig() }

// PulumiConfig is Pulumi.yaml's config section: every top-level key with its type,
// default and description, which ends with what the key allows.
func (g *Registry[C]) PulumiConfig() string {
	var b strings.Builder
	b.WriteString("config:\n")
	group := Group(-1)
	for _, s := range g.Settings() {
		if s.EntryOnly || s.Qualified() {
			continue
		}
		if s.Group != group && g.opts.GroupTitle != nil {
			fmt.Fprintf(&b, "  # --- %s ---\n", strings.ToLower(g.opts.GroupTitle(s.Group)))
		}
		group = s.Group
		fmt.Fprintf(&b, "  %s:\n    type: %s\n", s.Key, s.Schema)
		if s.Items != "" {
			fmt.Fprintf(&b, "    items:\n      type: %s\n", s.Items)
		}
		fmt.Fprintf(&b, "    default: %s\n", yamlValue(s.Default))
		fmt.Fprintf(&b, "    description: %s\n", yamlValue(g.description(s)))
	}
	return b.String()
}

// GeneratePulumiYAML is pulumiYAML with its config section, which runs from the marker
// line to the end of the file, rewritten from the registry: for a program without a
// template section (the bootstrap). It fails when the marker is missing.
func (g *Registry[C]) GeneratePulumiYAML(pulumiYAML []byte) ([]byte, error) {
	marker := g.configMarker()
	i, err := generatedStart(pulumiYAML, marker)
	if err != nil {
		return nil, err
	}
	return append(bytes.Clone(pulumiYAML[:i]), marker+g.PulumiConfig()...), nil
}

// generatedStart is where Pulumi.yaml's generated sections begin, to be rewritten to the
// end of the file: at the marker line, or, in a Pulumi.yaml that `pulumi new` rewrote
// (it drops comments and the template section, and writes the config section anew), at
// its first top-level template: or config: key, so that `go generate ./...` restores the
// sections of a project made from this repository as a template.
func generatedStart(pulumiYAML []byte, marker string) (int, error) {
	if i := bytes.Index(pulumiYAML, []byte(marker)); i >= 0 {
		return i, nil
	}
	for i := 0; i < len(pulumiYAML); {
		line := pulumiYAML[i:]
		if n := bytes.IndexByte(line, '\n'); n >= 0 {
			line = line[:n+1]
		}
		if bytes.HasPrefix(line, []byte("template:")) || bytes.HasPrefix(line, []byte("config:")) {
			return i, nil
		}
		i += len(line)
	}
	return 0, fmt.Errorf("Pulumi.yaml: no line %q, nor a template: or config: section, where the generated sections begin", strings.SplitN(marker, "\n", 2)[0])
}

// configMarker is the line before a Pulumi.yaml's generated config section, which runs to
// the end of the file.
func (g *Registry[C]) configMarker() string {
	return fmt.Sprintf("# The config section is generated from %s by `go generate ./...`;\n# edit the registry, not this section.\n", g.opts.Source)
}

// description is the doc line and what the setting allows.
func (g *Registry[C]) description(s Info) string {
	allowed := g.allowedText(s)
	if allowed == "" {
		return s.Doc
	}
	return s.Doc + " Allowed: " + allowed + "."
}

// allowedText is the rule's words and the cross-checks' notes.
func (g *Registry[C]) allowedText(s Info) string {
	return joinNonEmpty("; ", append([]string{s.Allows}, g.Notes(s.Key)...)...)
}

// description and allowedText of a main program setting.
func description(s Info) string { return stackSettings.description(s) }
func allowedText(s Info) string { return stackSettings.allowedText(s) }

// yamlValue is a value as one line of YAML: lists and maps in flow style.
func yamlValue(v any) string {
	switch v.(type) {
	case string, int, bool:
		out, err := yaml.Marshal(v)
		if err != nil {
			panic(err) // scalars always marshal
		}
		return strings.TrimSuffix(string(out), "\n")
	}
	out, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(out)
}

// docTable is a generated table of the settings: a group's (without its advanced ones),
// "The settings you will set" (commonTable) or the advanced ones. rows are written for the
// file the table is in, whose links they are relative to.
type docTable struct {
	title string
	rows  func(l *linker) string
}

// docTables are the generated tables, in their order.
func docTables() []docTable {
	tables := []docTable{{"The settings you will set", commonTable}}
	for _, g := range Groups {
		tables = append(tables, docTable{g.Title(), func(l *linker) string {
			return settingsTable(l, func(s Info) bool { return s.Group == g && s.Level != LevelAdvanced })
		}})
	}
	return append(tables, docTable{"Advanced", func(l *linker) string {
		return settingsTable(l, func(s Info) bool { return s.Level == LevelAdvanced })
	}})
}

// settingsTable is the full table of the main program's settings keep selects.
func settingsTable(l *linker, keep func(Info) bool) string {
	return stackSettings.settingsTable(l, keep)
}

// settingsTable is the full table of the settings of g that keep selects.
func (g *Registry[C]) settingsTable(l *linker, keep func(Info) bool) string {
	var b strings.Builder
	b.WriteString("| Key | Type | Default | Allowed | Meaning |\n|---|---|---|---|---|\n")
	for _, s := range g.Settings() {
		if keep(s) {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", s.Key, s.Schema, cell(readmeValue(s.Default)), cell(g.allowedText(s)), cell(meaning(l, s)))
		}
	}
	return b.String()
}

// GenerateTable is the Markdown text md with the table of every setting of g (the
// provider's it reads too, such as aws:region) rewritten between its markers: the line
// "<!-- BEGIN settings table "<title>": generated from <Source> …" and tableEnd. It is
// for a registry whose settings link no section (See); the main program's tables are
// Generate's.
func (g *Registry[C]) GenerateTable(md []byte, title string) ([]byte, error) {
	for _, s := range g.Settings() {
		if s.See != "" {
			return nil, fmt.Errorf("setting %s: See links a section, which GenerateTable does not", s.Key)
		}
	}
	begin := g.tableBegin(title)
	doc := string(md)
	start := strings.Index(doc, begin)
	if start < 0 {
		return nil, fmt.Errorf("no generated table %q: put %q and %q around it", title, begin, tableEnd)
	}
	end := strings.Index(doc[start:], tableEnd)
	if end < 0 {
		return nil, fmt.Errorf("no %q after %q", tableEnd, begin)
	}
	end += start
	return []byte(doc[:start+len(begin)] + g.settingsTable(nil, func(Info) bool { return true }) + doc[end:]), nil
}

// commonTable is the short table of the settings most stacks set, each linked to its
// group's table.
func commonTable(l *linker) string {
	var b strings.Builder
	b.WriteString("| Key | Default | Meaning |\n|---|---|---|\n")
	for _, s := range Settings() {
		if s.Level == LevelCommon {
			fmt.Fprintf(&b, "| [`%s`](%s) | %s | %s |\n", s.Key, l.link(s.Group.Title()), cell(readmeValue(s.Default)), cell(meaning(l, s)))
		}
	}
	return b.String()
}

// meaning is the doc line, with a link to the section that explains more.
func meaning(l *linker, s Info) string {
	if s.See == "" {
		return s.Doc
	}
	return s.Doc + fmt.Sprintf(" See [%s](%s).", s.See, l.link(s.See))
}

// readmeValue is a default as the docs show it: `perAz`, `""`, `80`, `["*"]`.
func readmeValue(v any) string {
	if s, ok := v.(string); ok && s != "" {
		return "`" + s + "`"
	}
	return "`" + CompactJSON(v) + "`"
}

// cell escapes what would end a table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// anchor is GitHub's anchor of a heading: lowercase, punctuation dropped, spaces as hyphens.
func anchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || ('a' <= r && r <= 'z') || ('0' <= r && r <= '9'):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// linker writes links from one Markdown file to the sections of all of them.
type linker struct {
	from     string              // the file the links are in, by path from the project directory
	sections map[string][]string // heading → the files that have it
	missing  []string            // headings linked to that no file has, or more than one
}

// link is the relative link to the section titled heading: #anchor in the same file,
// else the other file's path from this one's directory and the anchor.
func (l *linker) link(heading string) string {
	files := l.sections[heading]
	if len(files) != 1 {
		l.missing = append(l.missing, heading)
		return "#" + anchor(heading)
	}
	if files[0] == l.from {
		return "#" + anchor(heading)
	}
	rel, err := filepath.Rel(filepath.Dir(filepath.FromSlash(l.from)), filepath.FromSlash(files[0]))
	if err != nil {
		panic(err) // both are relative paths under the project directory
	}
	return filepath.ToSlash(rel) + "#" + anchor(heading)
}

var headingLine = regexp.MustCompile(`^#+ (.+?)\s*$`)

// headings are the section titles of a Markdown file, outside fenced code blocks.
func headings(md string) []string {
	var out []string
	fenced := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if m := headingLine.FindStringSubmatch(line); m != nil && !fenced {
			out = append(out, m[1])
		}
	}
	return out
}

// DocFiles are the Markdown files the generated tables may live in and link to: every
// Markdown file under the project directory root (README.md, docs/*.md, app/README.md, …)
// outside hidden directories, by path from root ("README.md", "docs/configuration.md").
func DocFiles(root string) (map[string][]byte, error) {
	docs := map[string][]byte{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".md") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		docs[filepath.ToSlash(rel)] = b
		return nil
	})
	return docs, err
}

// Generate returns Pulumi.yaml (its template and config sections) and the Markdown files
// (DocFiles) with their generated tables rewritten from the registry. Each table is in one
// of the files, between its markers, and links the sections that explain more wherever
// they are. It fails when a marker is missing, or a setting's See, or a group, names a
// section no file or more than one has.
func Generate(pulumiYAML []byte, docs map[string][]byte) ([]byte, map[string][]byte, error) {
	i, err := generatedStart(pulumiYAML, configMarker)
	if err != nil {
		return nil, nil, err
	}
	newYAML := append(bytes.Clone(pulumiYAML[:i]), configMarker+PulumiTemplate()+PulumiConfig()...)

	names := slices.Sorted(maps.Keys(docs))
	sections := map[string][]string{}
	out := map[string][]byte{}
	for _, name := range names {
		for _, h := range headings(string(docs[name])) {
			if !slices.Contains(sections[h], name) {
				sections[h] = append(sections[h], name)
			}
		}
		out[name] = bytes.Clone(docs[name])
	}
	var missing []string
	for _, table := range docTables() {
		begin := tableBegin(table.title)
		var in []string
		for _, name := range names {
			if strings.Contains(string(out[name]), begin) {
				in = append(in, name)
			}
		}
		if len(in) != 1 {
			return nil, nil, fmt.Errorf("the generated table %q is in %d of %s: put %q and %q around it in one of them", table.title, len(in), strings.Join(names, ", "), begin, tableEnd)
		}
		doc := string(out[in[0]])
		start := strings.Index(doc, begin)
		end := strings.Index(doc[start:], tableEnd)
		if end < 0 {
			return nil, nil, fmt.Errorf("%s: no %q after %q", in[0], tableEnd, begin)
		}
		end += start
		l := &linker{from: in[0], sections: sections}
		doc = doc[:start+len(begin)] + table.rows(l) + doc[end:]
		out[in[0]] = []byte(doc)
		missing = append(missing, l.missing...)
	}
	for _, s := range Settings() {
		if s.See != "" && len(sections[s.See]) == 0 {
			return nil, nil, fmt.Errorf("setting %s: See names %q, which is no heading of %s", s.Key, s.See, strings.Join(names, ", "))
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		missing = slices.Compact(missing)
		return nil, nil, fmt.Errorf("the generated tables link the sections %q, each of which must be a heading of exactly one of %s", missing, strings.Join(names, ", "))
	}
	return newYAML, out, nil
}
