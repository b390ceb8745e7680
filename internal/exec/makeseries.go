package exec

import (
	"context"
	"fmt"
	"math"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// maxSeriesBins is the most elements a make-series array may have.
// https://learn.microsoft.com/kusto/query/make-series-operator
const maxSeriesBins = 1 << 20

// makeSeries runs a plan.MakeSeries: it aggregates the input per cell
// (keys and bin) like a hash aggregation, then lays each group's cells
// out as arrays over the common bins. It holds one state per cell.
type makeSeries struct {
	env  *Env
	in   Operator
	node *plan.MakeSeries
	done bool
	acct account // the groups, the cells and the arrays
}

func newMakeSeries(env *Env, in Operator, n *plan.MakeSeries) *makeSeries {
	return &makeSeries{env: env, in: in, node: n, acct: env.account(n)}
}

func (m *makeSeries) Close() error {
	m.acct.release()
	return m.in.Close()
}

// seriesAxis maps axis values to bin numbers: bin k starts at origin +
// k*step. Integer axes (datetimes and timespans in ticks, longs) compute
// in int64, real axes in float64.
type seriesAxis struct {
	t    schema.Type // the axis type
	real bool
	// Integer axis.
	origin, step int64
	from, to     int64
	// Real axis.
	originF, stepF float64
	fromF, toF     float64
	hasFrom, hasTo bool
	inRange        bool
}

// newSeriesAxis evaluates the constant range of n.
func (m *makeSeries) newSeriesAxis(ctx context.Context) (*seriesAxis, error) {
	n := m.node
	a := &seriesAxis{t: n.Axis.Type(), inRange: n.InRange}
	a.real = value.Storage(a.t) == value.StoreReal
	eval := func(e plan.Expr, what string) (any, error) {
		if e == nil {
			return nil, nil
		}
		col, err := m.env.Eval(ctx, e, &value.Batch{N: 1})
		if err != nil {
			return nil, err
		}
		v := col.Get(0)
		if v == nil && what == "step" {
			return nil, fmt.Errorf("the make-series step is null")
		}
		return v, nil
	}
	step, err := eval(n.Step, "step")
	if err != nil {
		return nil, err
	}
	from, err := eval(n.From, "from")
	if err != nil {
		return nil, err
	}
	to, err := eval(n.To, "to")
	if err != nil {
		return nil, err
	}
	if a.real {
		a.stepF = step.(float64)
		if !(a.stepF > 0) || math.IsInf(a.stepF, 0) {
			return nil, fmt.Errorf("the make-series step must be positive, got %v", a.stepF)
		}
		if f, ok := from.(float64); ok && !math.IsNaN(f) {
			a.fromF, a.hasFrom = f, true
		}
		if f, ok := to.(float64); ok && !math.IsNaN(f) {
			a.toF, a.hasTo = f, true
		}
		if a.hasFrom && !a.inRange {
			a.originF = a.fromF
		}
		return a, nil
	}
	a.step = ticks(step)
	if a.step <= 0 {
		return nil, fmt.Errorf("the make-series step must be positive, got %s", funcs.ToString(n.Step.Type(), step))
	}
	if from != nil {
		a.from, a.hasFrom = ticks(from), true
	}
	if to != nil {
		a.to, a.hasTo = ticks(to), true
	}
	if a.hasFrom && !a.inRange {
		a.origin = a.from
	}
	return a, nil
}

// ticks returns an integer axis value as int64.
func ticks(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case value.Datetime:
		return int64(x)
	case value.Timespan:
		return int64(x)
	}
	return 0
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && (a < 0) {
		q--
	}
	return q
}

// bin returns the bin number of row i of col, and whether the row falls
// in the range. A null axis value falls in no bin.
func (a *seriesAxis) bin(col *value.Column, i int) (int64, bool) {
	if col.IsNull(i) {
		return 0, false
	}
	j := col.Row(i)
	if a.real {
		x := col.Reals[j]
		if math.IsNaN(x) {
			return 0, false
		}
		k := math.Floor((x - a.originF) / a.stepF)
		if a.inRange {
			if a.hasFrom && k < math.Floor(a.fromF/a.stepF) || a.hasTo && k > math.Floor(a.toF/a.stepF) {
				return 0, false
			}
		} else if a.hasFrom && x < a.fromF || a.hasTo && x >= a.toF {
			return 0, false
		}
		if math.Abs(k) > 1<<62 {
			return 0, false
		}
		return int64(k), true
	}
	x := col.Ints[j]
	k := floorDiv(x-a.origin, a.step)
	if a.inRange {
		if a.hasFrom && k < floorDiv(a.from, a.step) || a.hasTo && k > floorDiv(a.to, a.step) {
			return 0, false
		}
	} else if a.hasFrom && x < a.from || a.hasTo && x >= a.to {
		return 0, false
	}
	return k, true
}

// bounds returns the first and last bin numbers of the result, given the
// least and greatest bins that have data (valid when any).
func (a *seriesAxis) bounds(minK, maxK int64, have bool) (first, last int64, ok bool) {
	first, last = minK, maxK
	hasFirst, hasLast := have, have
	switch {
	case a.real && a.inRange:
		if a.hasFrom {
			first, hasFirst = int64(math.Floor(a.fromF/a.stepF)), true
		}
		if a.hasTo {
			last, hasLast = int64(math.Floor(a.toF/a.stepF)), true
		}
	case a.real:
		if a.hasFrom {
			first, hasFirst = 0, true
		}
		if a.hasTo {
			// The last bin starts before to.
			last, hasLast = int64(math.Ceil((a.toF-a.originF)/a.stepF))-1, true
		}
	case a.inRange:
		if a.hasFrom {
			first, hasFirst = floorDiv(a.from, a.step), true
		}
		if a.hasTo {
			last, hasLast = floorDiv(a.to, a.step), true
		}
	default:
		if a.hasFrom {
			first, hasFirst = 0, true
		}
		if a.hasTo {
			last, hasLast = -floorDiv(-(a.to-a.origin), a.step)-1, true
		}
	}
	return first, last, hasFirst && hasLast
}

// value returns the start of bin k, boxed as a dynamic value.
func (a *seriesAxis) value(k int64) any {
	if a.real {
		return a.originF + float64(k)*a.stepF
	}
	x := a.origin + k*a.step
	switch a.t {
	case schema.Datetime:
		return value.Datetime(x)
	case schema.Timespan:
		return value.Timespan(x)
	}
	return x
}

func (m *makeSeries) Next(ctx context.Context) (*value.Batch, error) {
	if m.done {
		return nil, nil
	}
	m.done = true
	defer m.acct.release()
	n := m.node
	axis, err := m.newSeriesAxis(ctx)
	if err != nil {
		return nil, err
	}
	states := make([]funcs.AggState, len(n.Aggs))
	for i, ac := range n.Aggs {
		argTypes := make([]schema.Type, len(ac.Args))
		for j, e := range ac.Args {
			argTypes[j] = e.Type()
		}
		states[i] = ac.Sig.New(argTypes)
	}
	keys := make([]*value.Column, len(n.Keys))
	for i := range n.Keys {
		keys[i] = value.NewColumn(n.Cols[i].Type, 16)
	}
	groups := map[string]int{}
	ngroups := 0
	type cell struct {
		group int
		bin   int64
	}
	cellIDs := map[cell]int{}
	var cells []cell
	var minK, maxK int64
	rows := 0
	var key []byte
	keyCols := make([]*value.Column, len(n.Keys))
	perGroup := int64(entryBytes)
	perCell := int64(entryBytes + stateBytes*len(n.Aggs))
	sizes := make([]int64, len(states))
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := m.in.Next(ctx)
		if err != nil {
			return nil, err
		}
		if b == nil {
			break
		}
		rows += b.N
		for i, e := range n.Keys {
			if keyCols[i], err = m.env.Eval(ctx, e, b); err != nil {
				return nil, err
			}
		}
		axisCol, err := m.env.Eval(ctx, n.Axis, b)
		if err != nil {
			return nil, err
		}
		var take, gids []int
		grown := int64(0)
		for r := 0; r < b.N; r++ {
			key = key[:0]
			for _, c := range keyCols {
				key = appendKey(key, c, r)
			}
			g, ok := groups[string(key)]
			if !ok {
				g = ngroups
				ngroups++
				groups[string(key)] = g
				for i, c := range keyCols {
					keys[i].AppendFrom(c, r)
					grown += rowBytes(c, r)
				}
				grown += perGroup + int64(len(key))
			}
			k, in := axis.bin(axisCol, r)
			if !in {
				continue
			}
			id, ok := cellIDs[cell{g, k}]
			if !ok {
				id = len(cells)
				cellIDs[cell{g, k}] = id
				cells = append(cells, cell{g, k})
				grown += perCell
				if id == 0 || k < minK {
					minK = k
				}
				if id == 0 || k > maxK {
					maxK = k
				}
			}
			take = append(take, r)
			gids = append(gids, id)
		}
		if err := m.acct.grow(grown); err != nil {
			return nil, err
		}
		if len(take) == 0 || len(n.Aggs) == 0 {
			continue
		}
		sub := b
		if len(take) < b.N {
			sub = b.Take(take)
		}
		for i, ac := range n.Aggs {
			args := make([]*value.Column, len(ac.Args))
			for j, e := range ac.Args {
				if args[j], err = m.env.Eval(ctx, e, sub); err != nil {
					return nil, err
				}
			}
			states[i].Update(gids, args, sub.N)
		}
		if err := m.acct.grow(stateGrowth(states, sizes)); err != nil {
			return nil, err
		}
	}
	if rows == 0 && (!n.NonEmpty || len(n.Keys) > 0) {
		return &value.Batch{Cols: emptyColumns(n.Cols)}, nil
	}
	if len(n.Keys) == 0 && ngroups == 0 {
		ngroups = 1 // kind=nonempty over an empty input
	}
	first, last, ok := axis.bounds(minK, maxK, len(cells) > 0)
	nbins := int64(0)
	if ok && last >= first {
		nbins = last - first + 1
	}
	if nbins > maxSeriesBins {
		return nil, fmt.Errorf("make-series would make %d bins, more than the limit of %d", nbins, maxSeriesBins)
	}
	// The arrays, counted before they are made: one per group and value,
	// and the axis, of nbins elements each.
	if err := m.acct.grow((int64(ngroups)*int64(len(n.Values)) + 1) * (sliceBytes + nbins*boxBytes)); err != nil {
		return nil, err
	}

	// The value of every cell: evaluate the values over a batch holding
	// each cell's keys and aggregates.
	cellBatch := &value.Batch{N: len(cells)}
	groupOf := make([]int, len(cells))
	for i, c := range cells {
		groupOf[i] = c.group
	}
	for _, kc := range keys {
		cellBatch.Cols = append(cellBatch.Cols, kc.Take(groupOf))
	}
	for i, ac := range n.Aggs {
		out := value.NewColumn(ac.T, len(cells))
		if len(cells) > 0 {
			states[i].Result([]*value.Column{out}, len(cells))
		}
		cellBatch.Cols = append(cellBatch.Cols, out)
	}
	cellValues := make([]*value.Column, len(n.Values))
	if len(cells) > 0 {
		for i, e := range n.Values {
			if cellValues[i], err = m.env.Eval(ctx, e, cellBatch); err != nil {
				return nil, err
			}
		}
	}

	// Lay the cells out: one array per group and value, defaults first.
	series := make([][][]any, ngroups)
	for g := range series {
		series[g] = make([][]any, len(n.Values))
		for v := range n.Values {
			arr := make([]any, nbins)
			for k := range arr {
				arr[k] = n.Defaults[v]
			}
			series[g][v] = arr
		}
	}
	for id, c := range cells {
		k := c.bin - first
		if k < 0 || k >= nbins {
			continue
		}
		for v, e := range n.Values {
			series[c.group][v][k] = funcs.ToDynamic(e.Type(), cellValues[v].Get(id))
		}
	}
	axisValues := make([]any, nbins)
	for k := range axisValues {
		axisValues[k] = axis.value(first + int64(k))
	}

	out := &value.Batch{N: ngroups}
	out.Cols = append(out.Cols, keys...)
	for v := range n.Values {
		col := value.NewColumn(schema.Dynamic, ngroups)
		for g := 0; g < ngroups; g++ {
			col.Append(series[g][v])
		}
		out.Cols = append(out.Cols, col)
	}
	axisCol := value.NewColumn(schema.Dynamic, ngroups)
	for g := 0; g < ngroups; g++ {
		axisCol.Append(axisValues)
	}
	out.Cols = append(out.Cols, axisCol)
	return out, nil
}

// emptyColumns returns empty columns of the given schema.
func emptyColumns(cols []schema.Column) []*value.Column {
	out := make([]*value.Column, len(cols))
	for i, c := range cols {
		out[i] = value.NewColumn(c.Type, 0)
	}
	return out
}
