package syntax

// The name=value parameters that query operators accept, as facts taken
// from Microsoft's Kusto.Language (QueryOperatorParameters): the kind of
// value each takes decides how it is parsed.

// valueKind is the kind of value a parameter takes.
type valueKind uint8

const (
	vAny valueKind = iota
	vStringLiteral
	vBoolLiteral
	vNumberLiteral // integer, numeric and summable literals
	vForcedReal
	vScalarLiteral
	vString // an expression: a literal, a name or a call
	vWord   // a word from Values, or any value
	vNameDeclaration
	vColumn
	vColumnList
)

// param is one operator parameter.
type param struct {
	name     string
	kind     valueKind
	values   []string
	noEquals bool // written without '=': render ... with "x", by X
}

func p(name string, kind valueKind, values ...string) *param {
	return &param{name: name, kind: kind, values: values}
}

// allParams are the parameters known to every operator.
var allParams = map[string]*param{}

var (
	prmBagExpansion    = p("bagexpansion", vWord, "bag", "array")
	prmKind            = p("kind", vWord)
	prmFlags           = p("flags", vWord)
	prmConcurrency     = p("hint.concurrency", vWord, "auto", "left", "local", "right", "unresolved")
	prmDistribution    = p("hint.distribution", vWord, "single", "per_node", "per_shard", "default")
	prmMaterialized    = p("hint.materialized", vBoolLiteral)
	prmNumPartitions   = p("hint.num_partitions", vNumberLiteral)
	prmProgressiveTop  = p("hint.progressive_top", vBoolLiteral)
	prmRemote          = p("hint.remote", vWord, "auto", "local")
	prmShuffleKey      = p("hint.shufflekey", vColumn)
	prmSpread          = p("hint.spread", vWord, "auto", "local")
	prmStrategy        = p("hint.strategy", vWord, "auto", "broadcast", "centralized", "shuffle")
	prmIsFuzzy         = p("isfuzzy", vBoolLiteral)
	prmBestEffort      = p("best_effort", vBoolLiteral)
	prmWithMatchID     = p("with_match_id", vNameDeclaration)
	prmWithItemIndex   = p("with_itemindex", vNameDeclaration)
	prmWithSource      = p("withsource", vNameDeclaration)
	prmForceRemote     = p("force_remote", vBoolLiteral)
	prmDecodeBlocks    = p("decodeblocks", vBoolLiteral)
	prmNoOptimization  = p("kind", vWord, "nooptimization")
	prmGetSchemaKind   = p("kind", vWord, "csl")
	prmRenderKind      = p("kind", vWord, "default", "unstacked", "stacked", "stacked100", "map")
	prmRenderTitle     = p("title", vString)
	prmRenderAccum     = p("accumulate", vBoolLiteral)
	prmRenderWith      = &param{name: "with", kind: vStringLiteral, noEquals: true}
	prmRenderBy        = &param{name: "by", kind: vColumnList, noEquals: true}
	prmPassFilters     = p("hint.pass_filters", vAny)
	prmPassFiltersCol  = p("hint.pass_filters_column", vColumn)
	prmWithStepName    = p("with_step_name", vNameDeclaration)
	prmCycles          = p("cycles", vWord, "none", "all", "unique_edges")
	prmReduceThreshold = p("threshold", vNumberLiteral)
	prmReduceChars     = p("characters", vStringLiteral)
)

func init() {
	for _, prm := range []*param{
		prmBagExpansion, p("bin_legacy", vAny), p("__crossCluster", vAny), p("__crossDB", vAny),
		prmDecodeBlocks, p("expandoutput", vAny), prmConcurrency, prmDistribution, prmMaterialized,
		prmNumPartitions, prmPassFilters, prmPassFiltersCol, prmProgressiveTop, prmRemote,
		prmShuffleKey, prmSpread, prmStrategy, p("__id", vAny), prmIsFuzzy, prmKind,
		p("__noWithSource", vAny), p("__packedColumn", vColumn), p("__sourceColumnIndex", vAny),
		prmCycles, prmWithMatchID, prmWithItemIndex, prmWithSource, prmWithStepName, prmForceRemote,
	} {
		allParams[prm.name] = prm
	}
	allParams["__isFuzzy"] = prmIsFuzzy
	allParams["with_source"] = prmWithSource
}

// paramSet builds the parameter map of one operator, with aliases.
func paramSet(ps ...*param) map[string]*param {
	m := map[string]*param{}
	for _, prm := range ps {
		m[prm.name] = prm
		switch prm {
		case prmIsFuzzy:
			m["__isFuzzy"] = prm
		case prmWithSource:
			m["with_source"] = prm
		}
	}
	return m
}

// Parameters per operator.
var (
	joinParams        = paramSet(prmKind, prmRemote, prmShuffleKey, prmStrategy, prmNumPartitions)
	lookupParams      = paramSet(prmKind)
	unionParams       = paramSet(prmKind, prmWithSource, prmIsFuzzy, prmBestEffort, prmConcurrency, prmSpread)
	mvExpandParams    = paramSet(prmKind, prmBagExpansion, prmWithItemIndex)
	mvApplyParams     = paramSet(prmWithItemIndex)
	parseParams       = paramSet(prmKind, prmFlags)
	summarizeParams   = paramSet(prmShuffleKey, prmStrategy, prmNumPartitions)
	distinctParams    = paramSet(prmShuffleKey, prmStrategy, prmNumPartitions)
	sortParams        = paramSet(prmStrategy)
	topParams         = paramSet(prmProgressiveTop)
	asParams          = paramSet(prmMaterialized)
	evaluateParams    = paramSet(prmDistribution, prmRemote)
	findParams        = paramSet(prmWithSource)
	searchParams      = paramSet(prmKind)
	makeSeriesParams  = paramSet(prmShuffleKey, prmKind)
	partitionParams   = paramSet(prmConcurrency, prmSpread, prmMaterialized, prmShuffleKey, prmStrategy)
	consumeParams     = paramSet(prmDecodeBlocks)
	scanParams        = paramSet(prmKind, prmWithMatchID)
	reduceParams      = paramSet(prmReduceThreshold, prmReduceChars) // as Kusto.Language declares them
	reduceWithParams  = paramSet(prmReduceThreshold, prmReduceChars)
	macroExpandParams = paramSet(prmForceRemote, prmIsFuzzy, prmBestEffort)
	emptyParams       = paramSet()

	graphMakeParams           = paramSet(p("hint.strategy", vWord, "shuffle", "native"))
	graphMatchParams          = paramSet(prmCycles)
	graphShortestPathsParams  = paramSet(p("output", vWord, "any", "all"))
	graphToTableEdgesParams   = paramSet(p("with_source_id", vNameDeclaration), p("with_target_id", vNameDeclaration))
	graphToTableNodesParams   = paramSet(p("with_node_id", vNameDeclaration))
	graphMarkComponentsParams = paramSet(p("kind", vWord, "weak", "strong"), p("with_component_id", vNameDeclaration))
	renderParamsByName        = []*param{prmRenderKind, prmRenderTitle, prmRenderAccum, prmRenderWith, prmRenderBy}
	renderWithParams          = paramSet(prmRenderKind, prmRenderTitle, prmRenderAccum,
		p("xcolumn", vColumn), p("ycolumns", vColumnList), p("anomalycolumns", vColumnList),
		p("series", vColumnList), p("xtitle", vString), p("ytitle", vString),
		p("xaxis", vWord, "linear", "log"), p("yaxis", vWord, "linear", "log"),
		p("legend", vWord, "visible", "hidden"), p("ysplit", vWord, "none", "axes", "panels"),
		p("ymin", vForcedReal), p("ymax", vForcedReal), p("xmin", vScalarLiteral), p("xmax", vScalarLiteral))
	parseKvWithParams = paramSet(p("pair_delimiter", vStringLiteral), p("kv_delimiter", vStringLiteral),
		p("regex", vStringLiteral), p("quote", vStringLiteral), p("escape", vStringLiteral), p("greedy", vBoolLiteral))
)

// chartTypes are the chart kinds render takes.
var chartTypes = []string{"table", "list", "barchart", "piechart", "ladderchart", "timechart",
	"linechart", "anomalychart", "pivotchart", "areachart", "stackedareachart", "scatterchart",
	"timepivot", "columnchart", "timeline", "3Dchart", "card", "treemap", "plotly", "graph", "sankey"}
