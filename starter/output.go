package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// The --output formats. Every command prints text and JSON; a command whose annotation
// outputsAnnotation lists csv prints that too.
const (
	outputText = "text"
	outputJSON = "json"
	outputCSV  = "csv"

	outputsAnnotation = "outputs"
)

// json reports whether the user asked for JSON output.
func (a *app) json() bool { return a.output == outputJSON }

// writeJSON prints v as indented JSON on w.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// table is a tab-aligned text table.
type table struct {
	tw     *tabwriter.Writer
	indent string
}

// newTable starts a table on w with the given column headers.
func newTable(w io.Writer, headers ...string) *table {
	return newIndentedTable(w, "", headers...)
}

// newIndentedTable starts a table whose lines begin with indent, for a section of a page;
// with no headers it is a list of label and value pairs.
func newIndentedTable(w io.Writer, indent string, headers ...string) *table {
	t := &table{tw: tabwriter.NewWriter(w, 0, 0, 2, ' ', 0), indent: indent}
	if len(headers) > 0 {
		t.row(headers...)
	}
	return t
}

// row adds one row; empty cells print as "-".
func (t *table) row(cells ...string) {
	for i, c := range cells {
		cells[i] = dash(oneLine(c))
	}
	fmt.Fprintln(t.tw, t.indent+strings.Join(cells, "\t"))
}

// flush writes the table out.
func (t *table) flush() { _ = t.tw.Flush() }

// dash shows an empty value as "-".
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// oneLine keeps a table cell on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// when formats a time for people, in the local time zone; the zero time is empty.
func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04 MST")
}

// plural formats a count with its noun: "1 row", "3 rows".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
