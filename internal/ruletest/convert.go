package ruletest

import (
	"github.com/kqlhunt/kqlhunt/internal/diag/yamlpos"

	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// convert returns the value that YAML node n gives a column of type t,
// boxed as package value describes, or why it does not convert. It follows
// the telemetry readers (package source) where YAML and JSON agree:
//
//   - null (~, null or nothing) is null; for a string column, "";
//   - a string column takes any scalar as written, and a mapping or list
//     as its JSON text;
//   - bool takes true and false (any case) and 0 and 1;
//   - int and long take integers, and reals without a fraction;
//   - real and decimal take numbers, including .inf and .nan;
//   - datetime takes ISO 8601 (as YAML timestamps are) and the other
//     forms of datetime() literals;
//   - timespan takes 5m, 1.5h, 01:30:00, 2.00:00:00 or a bare number of
//     days;
//   - guid takes the 8-4-4-4-12 and 32-digit forms;
//   - dynamic takes mappings (property bags, keys in order), lists, numbers,
//     booleans and strings; a string that holds a JSON object or array is
//     that object or array, as in AdditionalFields exports.
//
// budget bounds the YAML nodes that mappings and lists may expand to,
// aliases followed, across the calls that share it; each node spends one.
func convert(n *yaml.Node, t schema.Type, budget *int) (any, string) {
	n = yamlpos.Resolve(n)
	if isNull(n) {
		if t == schema.String {
			return "", ""
		}
		return nil, ""
	}
	if n.Kind != yaml.ScalarNode {
		switch t {
		case schema.Dynamic:
			return dynamic(n, true, budget)
		case schema.String:
			v, why := dynamic(n, false, budget)
			if why != "" {
				return nil, why
			}
			return string(value.AppendJSON(nil, v)), ""
		}
		return nil, fmt.Sprintf("expected a %s, got %s", t, describe(n))
	}
	s := n.Value
	switch t {
	case schema.String:
		return s, ""
	case schema.Bool:
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true", "1":
			return true, ""
		case "false", "0":
			return false, ""
		}
	case schema.Int, schema.Long:
		if n.Tag == "!!int" || n.Tag == "!!float" || n.Tag == "!!str" {
			v, why := integer(n, t)
			if why == "" {
				return v, ""
			}
			return nil, fmt.Sprintf("cannot convert %s to %s: %s", describe(n), t, why)
		}
	case schema.Decimal:
		if n.Tag == "!!int" || n.Tag == "!!float" || n.Tag == "!!str" {
			// The scalar's own digits, exactly.
			if d, ok := value.ParseDecimal(s); ok {
				return d, ""
			}
		}
	case schema.Real:
		if n.Tag == "!!int" || n.Tag == "!!float" || n.Tag == "!!str" {
			var f float64
			if n.Decode(&f) == nil {
				return f, ""
			}
			if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil || isRangeErr(err) {
				return f, ""
			}
		}
	case schema.Datetime:
		if n.Tag == "!!timestamp" || n.Tag == "!!str" {
			if d, ok := parseDatetime(s); ok {
				return d, ""
			}
			return nil, fmt.Sprintf("cannot convert %s to datetime: expected ISO 8601, such as 2025-03-04T10:00:00Z", describe(n))
		}
	case schema.Timespan:
		if n.Tag == "!!str" || n.Tag == "!!int" || n.Tag == "!!float" {
			if ts, ok := value.ParseTimespan(s); ok {
				return ts, ""
			}
			return nil, fmt.Sprintf("cannot convert %s to timespan: expected a literal such as 5m or 1.5h, or [d.]hh:mm:ss", describe(n))
		}
	case schema.Guid:
		if g, ok := value.ParseGUID(s); ok {
			return g, ""
		}
	case schema.Dynamic:
		return dynamic(n, true, budget)
	default:
		return nil, fmt.Sprintf("cannot give values to a column of type %s", t)
	}
	return nil, fmt.Sprintf("cannot convert %s to %s", describe(n), t)
}

// parseDatetime parses the datetime forms of KQL, and RFC 3339 with any
// number of fractional digits.
func parseDatetime(s string) (value.Datetime, bool) {
	if d, ok := value.ParseDatetime(s); ok {
		return d, true
	}
	if tm, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s)); err == nil {
		return value.DatetimeOf(tm), true
	}
	return 0, false
}

// integer converts a scalar to an int or long: YAML integers (decimal,
// 0x, 0o), and reals and strings that hold a whole number, with the checks
// of the telemetry readers.
func integer(n *yaml.Node, t schema.Type) (int64, string) {
	s := strings.TrimSpace(n.Value)
	var v int64
	var f float64
	switch {
	case n.Tag == "!!int" && n.Decode(&v) == nil:
		s = strconv.FormatInt(v, 10)
	case n.Tag != "!!str" && n.Decode(&f) == nil: // .inf, 1e3 and the like
		s = strconv.FormatFloat(f, 'g', -1, 64)
	}
	return source.ParseInteger([]byte(s), t)
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// maxNodes is the budget of YAML nodes that the values of one test file,
// or the expectations of one test, may expand to through aliases: enough
// for any real test, and a bound on "billion laughs" files.
const maxNodes = 1 << 20

// errTooLarge is the message of a value that exceeds its budget.
var errTooLarge = fmt.Sprintf("the value is too large: with its aliases it has more than %d parts", maxNodes)

// dynamic converts n to a dynamic value. top tells that n is a column's
// value itself, where a string holding a JSON object or array is parsed;
// strings inside mappings and lists stay strings, as in JSON telemetry.
func dynamic(n *yaml.Node, top bool, budget *int) (any, string) {
	n = yamlpos.Resolve(n)
	if *budget--; *budget < 0 {
		return nil, errTooLarge
	}
	switch n.Kind {
	case yaml.MappingNode:
		b := &value.Bag{Keys: make([]string, 0, len(n.Content)/2), Vals: make([]any, 0, len(n.Content)/2)}
		seen := make(map[string]bool, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := yamlpos.Resolve(n.Content[i])
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Sprintf("expected a key, got %s", describe(k))
			}
			if seen[k.Value] {
				return nil, fmt.Sprintf("duplicate key %q", k.Value)
			}
			seen[k.Value] = true
			v, why := dynamic(n.Content[i+1], false, budget)
			if why != "" {
				return nil, why
			}
			b.Keys = append(b.Keys, k.Value)
			b.Vals = append(b.Vals, v)
		}
		return b, ""
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, item := range n.Content {
			v, why := dynamic(item, false, budget)
			if why != "" {
				return nil, why
			}
			out = append(out, v)
		}
		return out, ""
	case yaml.ScalarNode:
	default:
		return nil, fmt.Sprintf("expected a value, got %s", describe(n))
	}
	switch n.Tag {
	case "!!null":
		return nil, ""
	case "!!bool":
		var b bool
		if n.Decode(&b) == nil {
			return b, ""
		}
	case "!!int":
		var v int64
		if n.Decode(&v) == nil {
			return v, ""
		}
		var f float64
		if n.Decode(&f) == nil {
			return f, ""
		}
	case "!!float":
		var f float64
		if n.Decode(&f) == nil {
			return f, ""
		}
	case "!!str":
		if top {
			return source.ParseEmbedded(n.Value), ""
		}
	}
	return n.Value, ""
}

// isNull reports whether n is a YAML null.
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// describe names a node for messages as rules.Describe does, but a string
// only quoted: "a mapping", "integer 5", "\"x\"".
func describe(n *yaml.Node) string {
	d := yamlpos.Describe(n)
	if n = yamlpos.Resolve(n); n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		return strings.TrimPrefix(d, "string ")
	}
	return d
}
