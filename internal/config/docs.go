package config

// The documentation generated from the registry: Pulumi.yaml's template and config
// sections and the README's settings tables. `go generate ./...` rewrites them (cmd/gendocs), and
// TestGeneratedDocsAreCurrent fails when either is stale.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// configMarker is the line before Pulumi.yaml's generated template and config sections,
// which run to the end of the file.
const configMarker = "# The template and config sections are generated from internal/config/settings.go by `go generate ./...`;\n# edit the registry, not these sections.\n"

// tableBegin is the README marker before a generated table.
func tableBegin(title string) string {
	return fmt.Sprintf("<!-- BEGIN settings table %q: generated from internal/config/settings.go by `go generate ./...` -->\n", title)
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
	i := bytes.Index(pulumiYAML, []byte(marker))
	if i < 0 {
		return nil, fmt.Errorf("Pulumi.yaml: no line %q before the config section", strings.SplitN(marker, "\n", 2)[0])
	}
	return append(bytes.Clone(pulumiYAML[:i]), marker+g.PulumiConfig()...), nil
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

// readmeTable is a README table of the settings: a group's (without its advanced ones),
// "The settings you will set" (commonTable) or the advanced ones.
type readmeTable struct {
	title string
	rows  string
}

// readmeTables are the README's generated tables, in their order.
func readmeTables() []readmeTable {
	tables := []readmeTable{{"The settings you will set", commonTable()}}
	for _, g := range Groups {
		tables = append(tables, readmeTable{g.Title(), settingsTable(func(s Info) bool { return s.Group == g && s.Level != LevelAdvanced })})
	}
	return append(tables, readmeTable{"Advanced", settingsTable(func(s Info) bool { return s.Level == LevelAdvanced })})
}

// settingsTable is the full table of the settings keep selects.
func settingsTable(keep func(Info) bool) string {
	var b strings.Builder
	b.WriteString("| Key | Type | Default | Allowed | Meaning |\n|---|---|---|---|---|\n")
	for _, s := range Settings() {
		if keep(s) {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", s.Key, s.Schema, cell(readmeValue(s.Default)), cell(allowedText(s)), cell(meaning(s)))
		}
	}
	return b.String()
}

// commonTable is the short table of the settings most stacks set.
func commonTable() string {
	var b strings.Builder
	b.WriteString("| Key | Default | Meaning |\n|---|---|---|\n")
	for _, s := range Settings() {
		if s.Level == LevelCommon {
			fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s |\n", s.Key, anchor(s.Group.Title()), cell(readmeValue(s.Default)), cell(meaning(s)))
		}
	}
	return b.String()
}

// meaning is the doc line, with a link to the section that explains more.
func meaning(s Info) string {
	if s.See == "" {
		return s.Doc
	}
	return s.Doc + fmt.Sprintf(" See [%s](#%s).", s.See, anchor(s.See))
}

// readmeValue is a default as the README shows it: `perAz`, `""`, `80`, `["*"]`.
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

// Generate returns Pulumi.yaml (its template and config sections) and README.md with their generated parts rewritten from
// the registry. It fails when a marker is missing, or when a setting's See names a
// section the README does not have.
func Generate(pulumiYAML, readme []byte) ([]byte, []byte, error) {
	i := bytes.Index(pulumiYAML, []byte(configMarker))
	if i < 0 {
		return nil, nil, fmt.Errorf("Pulumi.yaml: no line %q before the config section", strings.SplitN(configMarker, "\n", 2)[0])
	}
	newYAML := append(bytes.Clone(pulumiYAML[:i]), configMarker+PulumiTemplate()+PulumiConfig()...)

	newReadme := string(readme)
	for _, table := range readmeTables() {
		begin := tableBegin(table.title)
		start := strings.Index(newReadme, begin)
		end := strings.Index(newReadme[max(start, 0):], tableEnd)
		if start < 0 || end < 0 {
			return nil, nil, fmt.Errorf("README.md: no generated table for %q: put %q and %q around it", table.title, begin, tableEnd)
		}
		end += start
		newReadme = newReadme[:start+len(begin)] + table.rows + newReadme[end:]
	}
	for _, s := range Settings() {
		if s.See != "" && !headingPattern(s.See).MatchString(newReadme) {
			return nil, nil, fmt.Errorf("setting %s: See names %q, which is no heading of README.md", s.Key, s.See)
		}
	}
	return newYAML, []byte(newReadme), nil
}

func headingPattern(title string) *regexp.Regexp {
	return regexp.MustCompile(`(?m)^#+ ` + regexp.QuoteMeta(title) + `$`)
}
