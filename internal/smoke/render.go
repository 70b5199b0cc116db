package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// row is a result as the table shows it.
type row struct {
	Address, Port, Protocol, Result, Ms, AZ, Detail string
}

var header = row{"ADDRESS", "PORT", "PROTOCOL", "RESULT", "MS", "AZ", "DETAIL"}

func rowOf(r result) row {
	ms := "-"
	if r.Elapsed > 0 {
		ms = strconv.FormatInt(r.Elapsed.Milliseconds(), 10)
	}
	az := r.AZ
	if az == "" {
		az = "-"
	}
	return row{
		Address:  r.Probe.Addr.String(),
		Port:     strconv.Itoa(r.Probe.Port),
		Protocol: r.Probe.Label,
		Result:   string(r.Status),
		Ms:       ms,
		AZ:       az,
		Detail:   r.Detail,
	}
}

// summary counts the results.
type summary struct {
	Pass, Fail, Skipped int
	HostnameSkipped     int // https rows that passed without their certificate's name checked
}

func summarize(results []result) summary {
	var s summary
	for _, r := range results {
		switch r.Status {
		case statusPass:
			s.Pass++
		case statusFail:
			s.Fail++
		case statusSkipped:
			s.Skipped++
		}
		if r.HostnameSkipped {
			s.HostnameSkipped++
		}
	}
	return s
}

// lines is the summary in sentences, the same in both formats.
func (s summary) lines() []string {
	out := []string{fmt.Sprintf("%d probes: %d pass, %d FAIL, %d skipped.", s.Pass+s.Fail+s.Skipped, s.Pass, s.Fail, s.Skipped)}
	if s.HostnameSkipped > 0 {
		out = append(out, fmt.Sprintf("Certificate hostname check skipped on %d https probes: the outputs have no domain and no -server-name was given.", s.HostnameSkipped))
	}
	return out
}

// renderText writes the table in aligned columns, then the summary.
func renderText(w io.Writer, results []result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range append([]row{header}, rowsOf(results)...) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Address, r.Port, r.Protocol, r.Result, r.Ms, r.AZ, oneLine(r.Detail))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, strings.Join(summarize(results).lines(), "\n"))
	return err
}

// renderMarkdown writes a heading, the table and the summary, as a GitHub job summary
// shows them.
func renderMarkdown(w io.Writer, results []result) error {
	var b strings.Builder
	b.WriteString("### Smoke check of the static entrances\n\n")
	b.WriteString("| Address | Port | Protocol | Result | ms | AZ | Detail |\n")
	b.WriteString("|---|---:|---|---|---:|---|---|\n")
	for _, r := range rowsOf(results) {
		result := r.Result
		if result == string(statusFail) {
			result = "**FAIL**"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n",
			cell(r.Address), r.Port, cell(r.Protocol), result, r.Ms, cell(r.AZ), cell(r.Detail))
	}
	b.WriteString("\n")
	for _, line := range summarize(results).lines() {
		b.WriteString(line + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// reportFailures names each failed address:port and why, one line each.
func reportFailures(w io.Writer, results []result) {
	for _, r := range results {
		if r.Status == statusFail {
			fmt.Fprintf(w, "FAIL %s %s: %s\n", r.Probe.Target(), r.Probe.Label, oneLine(r.Detail))
		}
	}
}

func rowsOf(results []result) []row {
	rows := make([]row, len(results))
	for i, r := range results {
		rows[i] = rowOf(r)
	}
	return rows
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// cell escapes a markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(oneLine(s), "|", `\|`)
}
