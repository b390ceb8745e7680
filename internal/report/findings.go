package report

import (
	"fmt"
	"io"

	"github.com/kqlhunt/kqlhunt/internal/value"
)

// checkFinding checks that f's row fits its columns.
func checkFinding(f *Finding) error {
	if len(f.Row) != len(f.Columns) {
		return fmt.Errorf("report: finding of rule %q has %d values for %d columns", f.RuleID, len(f.Row), len(f.Columns))
	}
	return nil
}

// jsonFindings writes findings as a JSON array (array) or as JSON lines:
//
//	{"rule_id":…,"rule_name":…,"severity":…,"tactics":[…],"techniques":[…],"row":{…},
//	 "entities":[{"type":…,"identifier":…,"value":…,"column":…},…]}
type jsonFindings struct {
	state
	w     io.Writer
	array bool
	n     int
	buf   []byte
}

func (j *jsonFindings) Write(f *Finding) error {
	if err := j.write(false); err != nil {
		return err
	}
	if err := checkFinding(f); err != nil {
		return err
	}
	b := j.buf[:0]
	if j.array {
		if j.n == 0 {
			b = append(b, "[\n"...)
		} else {
			b = append(b, ",\n"...)
		}
	}
	b = append(b, `{"rule_id":`...)
	b = value.AppendQuoted(b, f.RuleID)
	b = append(b, `,"rule_name":`...)
	b = value.AppendQuoted(b, f.RuleName)
	b = append(b, `,"severity":`...)
	b = value.AppendQuoted(b, f.Severity)
	b = append(b, `,"tactics":`...)
	b = appendStrings(b, f.Tactics)
	b = append(b, `,"techniques":`...)
	b = appendStrings(b, f.Techniques)
	b = append(b, `,"row":{`...)
	for i, c := range f.Columns {
		if i > 0 {
			b = append(b, ',')
		}
		b = value.AppendQuoted(b, c.Name)
		b = append(b, ':')
		b = AppendJSONValue(b, c.Type, f.Row[i])
	}
	b = append(b, `},"entities":`...)
	b = appendEntities(b, f.Entities)
	b = append(b, '}')
	if !j.array {
		b = append(b, '\n')
	}
	j.n++
	j.buf = b
	return j.output(j.w, b)
}

// appendStrings appends ss as a JSON array; nil gives [].
func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = value.AppendQuoted(b, s)
	}
	return append(b, ']')
}

// appendEntities appends es as a JSON array; nil gives [].
func appendEntities(b []byte, es []Entity) []byte {
	b = append(b, '[')
	for i, e := range es {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"type":`...)
		b = value.AppendQuoted(b, e.Type)
		b = append(b, `,"identifier":`...)
		b = value.AppendQuoted(b, e.Identifier)
		b = append(b, `,"value":`...)
		b = value.AppendQuoted(b, e.Value)
		b = append(b, `,"column":`...)
		b = value.AppendQuoted(b, e.Column)
		b = append(b, '}')
	}
	return append(b, ']')
}

func (j *jsonFindings) End() error {
	if err := j.end(); err != nil {
		return err
	}
	switch {
	case !j.array:
		return nil
	case j.n == 0:
		return j.output(j.w, []byte("[]\n"))
	}
	return j.output(j.w, []byte("\n]\n"))
}
