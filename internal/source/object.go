package source

import (
	"bytes"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/jsonscan"
	"github.com/kqlhunt/kqlhunt/internal/prefilter"
	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// keyRes is what a member name of a row means for a scan.
type keyRes struct {
	col     int32 // output column, or -1
	special uint8 // a key of a streaming record, or 0
	suffix  bool  // a NAME_type key of a Log Analytics union export
}

// The keys of a streaming API record around its row.
const (
	keyCategory uint8 = 1 + iota
	keyProperties
	keyTime
	keyTenant
	// keyStamp marks the Timestamp column of a table that also has
	// TimeGenerated, whose value fills TimeGenerated when a row lacks it.
	keyStamp
	// keyType marks Log Analytics' Type column, which names the table of
	// a row (objDecoder.typed).
	keyType
)

// rowKind is what objDecoder.decode found.
type rowKind uint8

const (
	kindRow    rowKind = iota // a row of the scanned table
	kindRecord                // a streaming record of the scanned table
	kindOther                 // a streaming record of another table
	kindOrphan                // a plain row in a file whose rows have no table
)

// span is where the value of an output column lies in the data; s < 0 when
// the row has none. prio tells a direct key (2) from a NAME_type one (1).
type span struct {
	s, e int
	prio int8
}

// posEntry remembers the key met at one member position of the previous
// row: rows of one file usually list their keys in the same order, so most
// keys resolve by a byte comparison, without hashing.
type posEntry struct {
	key   []byte
	res   keyRes
	ok    bool
	plain bool // key was not escaped
}

const maxPositions = 1024

// objDecoder finds the requested columns in the members of a JSON row or
// streaming record. It is not safe for concurrent use; a scan owns one.
type objDecoder struct {
	w *rowWriter
	// pre, when set, skips the JSON lines that cannot give a row the
	// query keeps (decodeLine); each decoder has its own matcher.
	pre *prefilter.Matcher
	// bits is the bitmap of a routed scan's line, from pre.MatchParts.
	bits []uint64
	// prog is the scan's prefilter (nil: none, and under Strict): the
	// JSON-lines readers test raw lines with a Matcher of it (pre, one per
	// decoder), the Parquet and CSV readers decoded values
	// (parquetpre.go, csvpre.go).
	prog  *prefilter.Program
	exact map[string]keyRes // column names and record keys
	fold  map[string]keyRes // lowercased column names
	top   []posEntry        // key cache for rows and records
	props []posEntry        // key cache for records' properties
	// propsHint gives the properties' cache's keys to the scanner.
	propsHint jsonscan.KeyHint
	spans     []span // per output column
	// pspans are the spans of the columns in a record's properties,
	// swapped into spans when the object is a record of the table.
	pspans []span
	alias  []int // output → the first output of the same column
	// timeOut and tenantOut are the outputs of TimeGenerated and TenantId,
	// filled from a record's time and tenantId when its row lacks them; -1
	// when not requested.
	timeOut, tenantOut int
	// stampFill is set when TimeGenerated is requested and the table also
	// has Timestamp: a row without TimeGenerated (a Defender advanced
	// hunting export) then takes its Timestamp, as Sentinel's copies of
	// the Defender tables have both.
	stampFill bool

	// Per file.
	table      string   // the scanned table
	fileTables []string // tables Open found in the file
	forced     bool     // --table: every record is of the table
	rowsOK     bool     // plain rows are of the table
	// typed is set for a file of Log Analytics rows whose Type member
	// names their table: a row with a string Type is of that table.
	typed      bool
	lastCat    []byte // unescaped
	lastCatRes rowKind
	catBuf     []byte

	scratch, lower []byte
}

// newObjDecoder prepares to find the columns cols of t, written by w.
func newObjDecoder(w *rowWriter, t *schema.Table, cols []int) *objDecoder {
	d := &objDecoder{
		w:         w,
		exact:     make(map[string]keyRes, len(t.Columns)+4),
		fold:      make(map[string]keyRes, len(t.Columns)),
		spans:     make([]span, len(cols)),
		pspans:    make([]span, len(cols)),
		alias:     make([]int, len(cols)),
		timeOut:   -1,
		tenantOut: -1,
	}
	d.propsHint = func(pos int) []byte { return hint(d.props, pos) }
	first := make(map[int]int, len(cols))
	for o, ci := range cols {
		if p, ok := first[ci]; ok {
			d.alias[o] = p
			continue
		}
		first[ci] = o
		d.alias[o] = o
	}
	for ci, c := range t.Columns {
		r := keyRes{col: -1}
		if o, ok := first[ci]; ok {
			r.col = int32(o)
		}
		if _, dup := d.exact[c.Name]; !dup {
			d.exact[c.Name] = r
		}
		lower := strings.ToLower(c.Name)
		if _, dup := d.fold[lower]; !dup {
			d.fold[lower] = r
		}
	}
	for _, sp := range [...]struct {
		key  string
		kind uint8
	}{{"category", keyCategory}, {"properties", keyProperties}, {"time", keyTime}, {"tenantId", keyTenant}} {
		r, ok := d.exact[sp.key]
		if !ok {
			r, ok = d.fold[strings.ToLower(sp.key)]
			if !ok {
				r = keyRes{col: -1}
			}
		}
		r.special = sp.kind
		d.exact[sp.key] = r
	}
	r, ok := d.exact[typeKey]
	if !ok {
		r = keyRes{col: -1}
	}
	r.special = keyType
	d.exact[typeKey] = r
	if r, ok := d.fold["timegenerated"]; ok && r.col >= 0 {
		d.timeOut = int(r.col)
	}
	if r, ok := d.fold["tenantid"]; ok && r.col >= 0 {
		d.tenantOut = int(r.col)
	}
	if ts := t.Lookup("Timestamp"); d.timeOut >= 0 && ts >= 0 {
		d.stampFill = true
		name := t.Columns[ts].Name
		r := d.exact[name]
		r.special = keyStamp
		d.exact[name] = r
		r = d.fold[strings.ToLower(name)]
		r.special = keyStamp
		d.fold[strings.ToLower(name)] = r
	}
	return d
}

// typeSuffixes are the suffixes that Log Analytics adds to a column of a
// union whose inputs disagree on its type (ReportId_long, ReportId_string).
var typeSuffixes = map[string]bool{
	"bool": true, "int": true, "long": true, "real": true, "double": true, "decimal": true,
	"string": true, "datetime": true, "timespan": true, "guid": true, "dynamic": true,
}

// lookup resolves a member name: exactly, then ignoring case, then as
// NAME_type. Keys not in the schema resolve to col -1.
func (d *objDecoder) lookup(key []byte, escaped bool) keyRes {
	if escaped {
		d.scratch = jsonscan.AppendUnquoted(d.scratch[:0], key)
		key = d.scratch
	}
	if r, ok := d.exact[string(key)]; ok {
		return r
	}
	d.lower = d.lower[:0]
	for _, c := range key {
		d.lower = append(d.lower, lowerASCII(c))
	}
	if r, ok := d.fold[string(d.lower)]; ok {
		return r
	}
	if u := bytes.LastIndexByte(d.lower, '_'); u > 0 && typeSuffixes[string(d.lower[u+1:])] {
		if r, ok := d.fold[string(d.lower[:u])]; ok && r.col >= 0 {
			return keyRes{col: r.col, suffix: true}
		}
	}
	return keyRes{col: -1}
}

// resolve is lookup through the key cache of member position pos.
func (d *objDecoder) resolve(cache *[]posEntry, pos int, key []byte, escaped bool) keyRes {
	c := *cache
	if pos < len(c) {
		// A key that is its hint (see hint) is the cache's own slice.
		if e := &c[pos]; e.ok && (len(key) > 0 && len(e.key) == len(key) && &e.key[0] == &key[0] || bytes.Equal(e.key, key)) {
			return e.res
		}
	}
	r := d.lookup(key, escaped)
	if pos < maxPositions {
		for len(c) <= pos {
			c = append(c, posEntry{})
		}
		e := &c[pos]
		e.key = append(e.key[:0], key...)
		e.res, e.ok, e.plain = r, true, !escaped
		*cache = c
	}
	return r
}

// hint is the key of member position pos in cache, for
// jsonscan.MembersDepth and walkTop: the raw text of an unescaped key met
// there before.
func hint(cache []posEntry, pos int) []byte {
	if pos < len(cache) && cache[pos].ok && cache[pos].plain {
		return cache[pos].key
	}
	return nil
}

func (d *objDecoder) reset() {
	for i := range d.spans {
		d.spans[i] = span{s: -1, e: -1}
	}
}

// resetProps clears the spans of a record's properties.
func (d *objDecoder) resetProps() {
	for i := range d.pspans {
		d.pspans[i] = span{s: -1, e: -1}
	}
}

// set notes the value of a member that names a column.
func (d *objDecoder) set(spans []span, r keyRes, data []byte, s, e int) {
	sp := &spans[r.col]
	if !r.suffix {
		*sp = span{s, e, 2}
		return
	}
	if sp.prio > 0 || e-s == 4 && data[s] == 'n' || e-s == 2 && data[s] == '"' {
		return // a direct key, or an earlier NAME_type key, wins; empty values do not count
	}
	*sp = span{s, e, 1}
}

// decode walks the object at data[i], a row or a streaming record, and
// notes the spans of the requested columns. It returns the offset after
// the object. It reads each byte once: the members of a record's
// properties are noted as the walk meets them (in pspans), not by a second
// walk, so a streaming record costs what the JSON line of its row does.
// Its errors are those of jsonscan.Members on the object.
func (d *objDecoder) decode(data []byte, i int) (int, rowKind, error) {
	d.reset()
	cat, props, tm, tenant, stamp, pstamp, typ := span{s: -1}, span{s: -1}, span{s: -1}, span{s: -1}, span{s: -1}, span{s: -1}, span{s: -1}
	end, err := d.walkTop(data, i, func(r keyRes, s, e int) {
		switch r.special {
		case keyCategory:
			cat = span{s: s, e: e}
		case keyProperties:
			props = span{s: s, e: e}
		case keyTime:
			tm = span{s: s, e: e, prio: 2}
		case keyTenant:
			tenant = span{s: s, e: e, prio: 2}
		case keyStamp:
			stamp = span{s: s, e: e, prio: 2}
		case keyType:
			typ = span{s: s, e: e}
		}
		if r.col >= 0 {
			d.set(d.spans, r, data, s, e)
		}
	}, func(s int) (int, error) {
		// The value of a properties member that is an object: walk it
		// once, noting its columns. The last properties member counts.
		d.resetProps()
		ppos := 0
		pstamp = span{s: -1}
		var pend int
		err := jsonscan.MembersDepth(data, s, 2, d.propsHint, func(key []byte, escaped bool, s, e int) bool {
			r := d.resolve(&d.props, ppos, key, escaped)
			ppos++
			if r.special == keyStamp {
				pstamp = span{s: s, e: e, prio: 2}
			}
			if r.col >= 0 {
				d.set(d.pspans, r, data, s, e)
			}
			return true
		}, &pend)
		return pend, err
	})
	if err != nil {
		return end, kindRow, err
	}
	if cat.s < 0 || props.s < 0 || data[cat.s] != '"' || data[props.s] != '{' {
		if d.typed && !d.forced && typ.s >= 0 && data[typ.s] == '"' && typ.e-typ.s > 2 {
			// A Log Analytics row names its table.
			if k := d.category(data[typ.s+1 : typ.e-1]); k != kindRecord {
				return end, k, nil
			}
		} else if !d.rowsOK {
			return end, kindOrphan, nil
		}
		if d.stampFill && d.spans[d.timeOut].s < 0 {
			d.spans[d.timeOut] = stamp
		}
		return end, kindRow, nil
	}
	if !d.forced {
		if k := d.category(data[cat.s+1 : cat.e-1]); k != kindRecord {
			return end, k, nil
		}
	}
	d.spans, d.pspans = d.pspans, d.spans
	if d.timeOut >= 0 && d.spans[d.timeOut].s < 0 {
		d.spans[d.timeOut] = tm
		if tm.s < 0 && d.stampFill {
			d.spans[d.timeOut] = pstamp
		}
	}
	if d.tenantOut >= 0 && d.spans[d.tenantOut].s < 0 {
		d.spans[d.tenantOut] = tenant
	}
	return end, kindRecord, nil
}

// walkTop walks the members of the object at data[i] as jsonscan.Members
// does, with the same errors, calling fn with the meaning of each member's
// name that names a column or a record's key (resolved through the key
// cache) and its value's span; the value of a member that names
// the properties of a record and is an object is walked by props, which
// returns its end. It returns the offset after the closing brace, or where
// the walk stopped.
func (d *objDecoder) walkTop(data []byte, i int, fn func(r keyRes, s, e int), props func(s int) (int, error)) (int, error) {
	if i >= len(data) || data[i] != '{' {
		return i, &jsonscan.SyntaxError{Offset: i, Msg: "expected '{', got " + jsonscan.Describe(data, i)}
	}
	j := jsonscan.SkipSpace(data, i+1)
	if j < len(data) && data[j] == '}' {
		return j + 1, nil
	}
	for pos := 0; ; pos++ {
		if j >= len(data) || data[j] != '"' {
			return j, &jsonscan.SyntaxError{Offset: j, Msg: "expected a member name, got " + jsonscan.Describe(data, j)}
		}
		// A key equal to the one at this position in the previous row
		// needs no scan, and resolves by identity.
		key, kend, kesc, err := jsonscan.ScanKey(data, j, hint(d.top, pos))
		if err != nil {
			return kend, err
		}
		j = jsonscan.SkipSpace(data, kend)
		if j >= len(data) || data[j] != ':' {
			return j, &jsonscan.SyntaxError{Offset: j, Msg: "expected ':' after member name, got " + jsonscan.Describe(data, j)}
		}
		j = jsonscan.SkipSpace(data, j+1)
		// Members resolves a key after its value; resolving it first
		// changes nothing, as a key's meaning does not depend on values.
		r := d.resolve(&d.top, pos, key, kesc)
		var vend int
		switch {
		case j < len(data) && data[j] == '"':
			vend, _, err = jsonscan.ScanString(data, j)
		case j < len(data) && data[j] == '{' && r.special == keyProperties:
			vend, err = props(j)
		default:
			vend, err = jsonscan.SkipDepth(data, j, 1)
		}
		if err != nil {
			return vend, err
		}
		if r.col >= 0 || r.special != 0 {
			fn(r, j, vend)
		}
		j = jsonscan.SkipSpace(data, vend)
		if j < len(data) && data[j] == ',' {
			j = jsonscan.SkipSpace(data, j+1)
			continue
		}
		if j < len(data) && data[j] == '}' {
			return j + 1, nil
		}
		return j, &jsonscan.SyntaxError{Offset: j, Msg: "expected ',' or '}' in object, got " + jsonscan.Describe(data, j)}
	}
}

// category tells whether a record with category cat (raw string body) is
// of the scanned table.
func (d *objDecoder) category(cat []byte) rowKind {
	if bytes.IndexByte(cat, '\\') >= 0 {
		d.catBuf = jsonscan.AppendUnquoted(d.catBuf[:0], cat)
		cat = d.catBuf
	}
	if d.lastCat != nil && bytes.Equal(cat, d.lastCat) {
		return d.lastCatRes
	}
	t := string(categoryTable(cat))
	k := kindOther
	if strings.EqualFold(t, d.table) {
		k = kindRecord
	}
	d.lastCat = append(d.lastCat[:0], cat...)
	if d.lastCat == nil {
		d.lastCat = []byte{}
	}
	d.lastCatRes = k
	return k
}

// listed reports whether t, the category table of a record skipped as
// kindOther, is among the file's tables.
func (d *objDecoder) listed(t []byte) bool {
	for _, ft := range d.fileTables {
		if len(ft) == len(t) && strings.EqualFold(ft, string(t)) {
			return true
		}
	}
	return false
}

// emit converts the noted values into the batch and ends the row.
func (d *objDecoder) emit(data []byte) {
	w := d.w
	for o := range d.spans {
		sp := d.spans[d.alias[o]]
		if sp.s < 0 {
			w.cols[o].col.AppendNull()
			continue
		}
		w.putJSON(o, data, sp.s, sp.e)
	}
	w.endRow()
}
