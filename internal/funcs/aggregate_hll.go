package funcs

import (
	"encoding/binary"
	"hash/fnv"
	"strconv"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// hll() returns an intermediate result that dcount_hll() turns into a
// distinct count and hll_merge() combines. Kusto's is a HyperLogLog
// sketch, printed for small sets as [[1024, 14], ["<hash>", ...], []]:
// the list of the 64-bit hashes of the distinct values. kqlhunt always
// keeps that exact list, so its distinct counts are exact (and within
// Kusto's documented error); the first element records the accuracy's
// register bits (12, 14, 16, 17 or 18 for accuracy 0 to 4). Kusto's
// hashes differ from kqlhunt's, so sketches do not mix between the two.

// hllBits maps hll()'s accuracy argument to the sketch's register bits.
var hllBits = [...]int64{12, 14, 16, 17, 18}

// hllHash returns the hash of a value of type t under which hll() counts
// it.
func hllHash(t schema.Type, v any) uint64 {
	h := fnv.New64a()
	var b []byte
	switch k := setKey(t, v).(type) {
	case float64:
		b = binary.LittleEndian.AppendUint64(append(b, 'n'), uint64(int64(k)))
		if float64(int64(k)) != k {
			b = strconv.AppendFloat(append(b, 'f'), k, 'g', -1, 64)
		}
	case int64:
		b = binary.LittleEndian.AppendUint64(append(b, 'n'), uint64(k))
	case string:
		b = append(append(b, 's'), k...)
	case value.Decimal:
		b = k.AppendText(append(b, 'm')) // k is normalized: 1.5 and 1.50 are one
	case value.Datetime:
		b = binary.LittleEndian.AppendUint64(append(b, 'd'), uint64(k))
	case value.Timespan:
		b = binary.LittleEndian.AppendUint64(append(b, 't'), uint64(k))
	case bool:
		b = strconv.AppendBool(append(b, 'b'), k)
	case jsonKey:
		b = append(append(b, 'j'), k...)
	}
	h.Write(b)
	return h.Sum64()
}

// hllSet is the distinct hashes of one group, in order of first
// appearance.
type hllSet struct {
	bits   int64
	order  []uint64
	hashes map[uint64]struct{}
}

func (s *hllSet) add(h uint64) {
	if _, dup := s.hashes[h]; dup {
		return
	}
	s.hashes[h] = struct{}{}
	s.order = append(s.order, h)
}

// value returns the sketch as a dynamic value.
func (s *hllSet) value() any {
	hashes := make([]any, len(s.order))
	for i, h := range s.order {
		hashes[i] = strconv.FormatInt(int64(h), 10)
	}
	return []any{[]any{int64(1024), s.bits}, hashes, []any{}}
}

// parseHll reads a sketch made by hll() or hll_merge(): its register bits
// and hashes.
func parseHll(v any) (int64, []uint64, bool) {
	arr, ok := v.([]any)
	if !ok || len(arr) < 2 {
		return 0, nil, false
	}
	head, ok1 := arr[0].([]any)
	list, ok2 := arr[1].([]any)
	if !ok1 || !ok2 || len(head) < 2 {
		return 0, nil, false
	}
	bits, _ := head[1].(int64)
	hashes := make([]uint64, 0, len(list))
	for _, e := range list {
		switch x := e.(type) {
		case string:
			h, err := strconv.ParseInt(x, 10, 64)
			if err != nil {
				return 0, nil, false
			}
			hashes = append(hashes, uint64(h))
		case int64:
			hashes = append(hashes, uint64(x))
		default:
			return 0, nil, false
		}
	}
	return bits, hashes, true
}

// hllState implements hll() (merge false) and hll_merge() (merge true).
type hllState struct {
	sets  []*hllSet
	bits  int64
	merge bool
}

func (s *hllState) Update(groups []int, args []*value.Column, n int) {
	if s.bits == 0 && n > 0 {
		s.bits = hllBits[1]
		if len(args) > 1 {
			if a, ok := constArg(args[1], n).(int64); ok && a >= 0 && int(a) < len(hllBits) {
				s.bits = hllBits[a]
			}
		}
	}
	c := args[0]
	for i := 0; i < n; i++ {
		g := groups[i]
		s.sets = grow(s.sets, g, nil)
		v := c.Get(i)
		if v == nil {
			continue
		}
		var hashes []uint64
		bits := s.bits
		if s.merge {
			var ok bool
			if bits, hashes, ok = parseHll(v); !ok {
				continue
			}
		} else {
			hashes = []uint64{hllHash(c.Type, v)}
		}
		if s.sets[g] == nil {
			s.sets[g] = &hllSet{bits: bits, hashes: map[uint64]struct{}{}}
		}
		for _, h := range hashes {
			s.sets[g].add(h)
		}
	}
}

func (s *hllState) Result(outs []*value.Column, ngroups int) {
	s.sets = grow(s.sets, ngroups-1, nil)
	for g := 0; g < ngroups; g++ {
		if s.sets[g] == nil {
			outs[0].AppendNull()
			continue
		}
		outs[0].Append(s.sets[g].value())
	}
}

func init() {
	defer inCategory(CatAggStatistical)()
	const sketch = " kqlhunt's sketch lists the hashes of the distinct values, so dcount_hll() counts them exactly."
	notRealOrBool := Any &^ Of(schema.Real, schema.Bool)
	accuracy := Param{Name: "accuracy", Types: Integer, Optional: true, Const: true}
	newHll := func([]schema.Type) AggState { return &hllState{} }
	registerAgg(&Agg{Name: "hll", Prefix: "hll", Ref: "https://learn.microsoft.com/kusto/query/hll-aggregation-function",
		Doc:  "Returns a sketch of the distinct non-null values of the group, for dcount_hll() and hll_merge()." + sketch,
		Sigs: []*AggSig{{Params: []Param{p("expr", notRealOrBool), accuracy}, Result: Returns(schema.Dynamic), New: newHll}},
		Examples: []Example{{"dcount_hll(hll(x))", "2"}, {"dcount_hll(hll(y, 4))", "4"},
			{"tostring(hll(y, 0)[0])", "[1024,12]"}}})
	registerAgg(&Agg{Name: "hll_if", Prefix: "hll_if", Ref: "https://learn.microsoft.com/kusto/query/hll-if-aggregation-function",
		Doc: "Returns a sketch of the distinct non-null values of the rows where the predicate is true." + sketch,
		Sigs: []*AggSig{{Params: []Param{p("expr", notRealOrBool), p("predicate", tBool), accuracy}, Result: Returns(schema.Dynamic),
			New: withPredicate(1, newHll)}},
		Examples: []Example{{"dcount_hll(hll_if(y, x > 1))", "2"}}})
	registerAgg(&Agg{Name: "hll_merge", Prefix: "hll_merge", Ref: "https://learn.microsoft.com/kusto/query/hll-merge-aggregation-function",
		Doc: "Merges the sketches made by hll() in the group into one." + sketch,
		Sigs: []*AggSig{{Params: []Param{p("hll", tDynamic)}, Result: Returns(schema.Dynamic),
			New: func([]schema.Type) AggState { return &hllState{merge: true} }}},
		Examples: []Example{{"dcount_hll(hll_merge(iff(x > 1, dynamic([[1024, 14], ['1', '2'], []]), dynamic([[1024, 14], ['3'], []]))))", "3"}}})
	inCategory(CatScalarAggregation)
	register(&Func{Name: "dcount_hll", Pure: true, ResultName: NamePrefix, Ref: "https://learn.microsoft.com/kusto/query/dcount-hll-function",
		Doc: "Returns the distinct count of a sketch made by hll() or hll_merge() (null for anything else)." + sketch,
		Sigs: []*Sig{sig(schema.Long, Map1(func(v any) (int64, bool) {
			_, hashes, ok := parseHll(v)
			if !ok {
				return 0, false
			}
			seen := make(map[uint64]struct{}, len(hashes))
			for _, h := range hashes {
				seen[h] = struct{}{}
			}
			return int64(len(seen)), true
		}), p("hll", tDynamic))},
		Examples: []Example{{"dcount_hll(dynamic([[1024, 14], ['1', '-2', '1'], []]))", "2"}, {"dcount_hll(dynamic({}))", ""}}})
}
