package funcs

import (
	"bufio"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// kustoSig is one signature from testdata/kusto-signatures.txt, the
// declarations of Microsoft's Kusto.Language (see tools/kqlfacts).
type kustoSig struct {
	agg    bool
	name   string
	params []kustoParam
	// resultName is Kusto's ResultNameKind (first_argument, ...), "" for
	// none.
	resultName string
	prefix     string // the name prefix of prefix_and_first_argument
}

type kustoParam struct {
	name     string
	types    string // a declared type list ("string|dynamic") or a kind ("scalar")
	optional bool
	repeats  bool
}

var sigLine = regexp.MustCompile(`^(fn|agg)\t([A-Za-z0-9_]+)\((.*)\) -> (\S+)(?:.* name=([a-z_]+)(?::(\S+))?)?`)

func readKustoSigs(t *testing.T) map[string][]kustoSig {
	t.Helper()
	f, err := os.Open("testdata/kusto-signatures.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]kustoSig{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := sigLine.FindStringSubmatch(sc.Text())
		if m == nil {
			t.Fatalf("kusto-signatures.txt: bad line %q", sc.Text())
		}
		s := kustoSig{agg: m[1] == "agg", name: m[2], resultName: m[5], prefix: m[6]}
		if m[3] != "" {
			for _, p := range strings.Split(m[3], ", ") {
				p = regexp.MustCompile(`\[.*\]$`).ReplaceAllString(p, "")
				kp := kustoParam{}
				kp.repeats = strings.HasSuffix(p, "*")
				p = strings.TrimSuffix(p, "*")
				kp.optional = strings.HasSuffix(p, "?")
				p = strings.TrimSuffix(p, "?")
				kp.name, kp.types, _ = strings.Cut(p, ":")
				s.params = append(s.params, kp)
			}
		}
		key := m[1] + " " + s.name
		out[key] = append(out[key], s)
	}
	return out
}

// arity returns the least and most arguments of Kusto signatures (most
// is 1<<20 when a parameter repeats).
func kustoArity(sigs []kustoSig) (int, int) {
	lo, hi := 1<<30, 0
	for _, s := range sigs {
		l, h := 0, 0
		for _, p := range s.params {
			if !p.optional {
				l++
			}
			h++
			if p.repeats {
				h = 1 << 30
			}
		}
		lo, hi = min(lo, l), max(hi, min(h, 1<<20))
	}
	return lo, hi
}

// resultNames maps Kusto's ResultNameKind to kqlhunt's NameKind.
var resultNames = map[string]NameKind{
	"":                        NameNone,
	"first_argument":          NameFirstArg,
	"name_and_first_argument": NamePrefix,
	"only_argument":           NameOnlyArg,
	"name_and_only_argument":  NamePrefixOnlyArg,
	// column_ifexists is named by the checker.
	"first_argument_value_if_column": NameNone,
}

// declaredTypes maps Kusto's type names to kqlhunt's.
var declaredTypes = map[string]schema.Type{
	"bool": schema.Bool, "int": schema.Int, "long": schema.Long, "real": schema.Real,
	"decimal": schema.Decimal, "string": schema.String, "datetime": schema.Datetime,
	"timespan": schema.Timespan, "guid": schema.Guid, "dynamic": schema.Dynamic,
}

// signatureExceptions are the functions whose declaration differs from
// Kusto's on purpose, with the reason.
var signatureExceptions = map[string]string{
	"fn extract":            "its optional typeof(T) fourth argument is handled by the checker, which converts the result",
	"fn percentile_tdigest": "its optional typeof(T) third argument is handled by the checker, which converts the result",
	"fn parse_user_agent":   "Kusto's analyzer lets look_for be omitted, but the reference page makes it required and does not say what the one-argument form returns",
}

// TestSignaturesMatchKusto checks every callable function and aggregate
// against Microsoft's declarations: it must exist there, take the same
// numbers of arguments, and accept each declared parameter type, so that
// the checker accepts and rejects the calls Kusto does.
func TestSignaturesMatchKusto(t *testing.T) {
	kusto := readKustoSigs(t)
	check := func(kind, name string, lo, hi int, resultName NameKind, text, aggPrefix string, accepts func(i int, ty schema.Type) bool) {
		if why, ok := signatureExceptions[kind+" "+name]; ok {
			t.Logf("%s %s: not compared: %s", kind, name, why)
			return
		}
		sigs, ok := kusto[kind+" "+name]
		if !ok {
			t.Errorf("%s %s: not a Kusto function", kind, name)
			return
		}
		if kind == "agg" && sigs[0].prefix != aggPrefix {
			t.Errorf("%s %s: Prefix is %q, Kusto's is %q", kind, name, aggPrefix, sigs[0].prefix)
		}
		want := resultNames[sigs[0].resultName]
		if kind == "fn" && text != "" {
			// Kusto's declared prefix is in ResultText.
			want = map[string]NameKind{"prefix_and_first_argument": NamePrefix, "prefix_only": NameFixed}[sigs[0].resultName]
		}
		if kind == "fn" && want != resultName {
			t.Errorf("%s %s: ResultName is %d, Kusto names the column by %q", kind, name, resultName, sigs[0].resultName)
		}
		klo, khi := kustoArity(sigs)
		if lo != klo || hi != khi {
			t.Errorf("%s %s: takes %d..%d arguments, Kusto %d..%d", kind, name, lo, hi, klo, khi)
		}
		for _, s := range sigs {
			for i, p := range s.params {
				for _, tn := range strings.Split(p.types, "|") {
					ty, declared := declaredTypes[tn]
					if declared && !accepts(i, ty) {
						t.Errorf("%s %s: argument %d (%s) does not accept %s", kind, name, i+1, p.name, tn)
					}
				}
			}
		}
	}
	var names []string
	for n, f := range registry {
		if !f.Hidden {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		f := registry[n]
		lo, hi := 1<<30, 0
		for _, s := range f.Sigs {
			l, h := s.arity()
			lo, hi = min(lo, l), max(hi, h)
		}
		check("fn", n, lo, hi, f.ResultName, f.ResultText, "", func(i int, ty schema.Type) bool {
			for _, s := range f.Sigs {
				if i < len(s.Params) || s.Variadic {
					p := s.param(i)
					if p.Types.Has(ty) || convertsToSet(ty, p.Types) {
						return true
					}
				}
			}
			return false
		})
	}
	names = names[:0]
	for n := range aggs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		a := aggs[n]
		lo, hi := 1<<30, 0
		for _, s := range a.Sigs {
			l, h := (&Sig{Params: s.Params, Variadic: s.Variadic}).arity()
			lo, hi = min(lo, l), max(hi, h)
		}
		check("agg", n, lo, hi, NameNone, "", a.Prefix, func(i int, ty schema.Type) bool {
			for _, s := range a.Sigs {
				sig := &Sig{Params: s.Params, Variadic: s.Variadic}
				if i < len(s.Params) || s.Variadic {
					p := sig.param(i)
					if p.Types.Has(ty) || convertsToSet(ty, p.Types) {
						return true
					}
				}
			}
			return false
		})
	}
}
