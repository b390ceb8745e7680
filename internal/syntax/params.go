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
	aliases  []string
	noEquals bool // written without '=': render ... with "x", by X
}

// paramSet builds the parameter map of one of Kusto's parameter lists
// (see params_gen.go), aliases included.
func paramSet(list string) map[string]*param {
	ps, ok := kustoParams[list]
	if !ok && list != "" {
		panic("syntax: no parameter list " + list)
	}
	m := map[string]*param{}
	for _, prm := range ps {
		m[prm.name] = prm
		for _, a := range prm.aliases {
			m[a] = prm
		}
	}
	return m
}

// single returns the one parameter of a list that holds one.
func single(list string) *param { return kustoParams[list][0] }

// Parameters: the ones every operator knows, then each operator's own.
var (
	allParams                 = paramSet("AllParameters")
	joinParams                = paramSet("JoinParameters")
	lookupParams              = paramSet("LookupParameters")
	unionParams               = paramSet("UnionParameters")
	mvExpandParams            = paramSet("MvExpandParameters")
	mvApplyParams             = paramSet("MvApplyParameters")
	parseParams               = paramSet("ParseParameters")
	summarizeParams           = paramSet("SummarizeParameters")
	distinctParams            = paramSet("DistinctParameters")
	sortParams                = paramSet("SortParameters")
	topParams                 = paramSet("TopParameters")
	asParams                  = paramSet("AsParameters")
	evaluateParams            = paramSet("EvaluateParameters")
	findParams                = paramSet("FindParameters")
	searchParams              = paramSet("SearchParameters")
	makeSeriesParams          = paramSet("MakeSeriesParameters")
	partitionParams           = paramSet("PartitionParameters")
	partitionByParams         = paramSet("PartitionByParameters")
	consumeParams             = paramSet("ConsumeParameters")
	scanParams                = paramSet("ScanParameters")
	reduceParams              = paramSet("ReduceWithParameters") // as Kusto.Language's parser uses it
	reduceWithParams          = paramSet("ReduceWithParameters")
	macroExpandParams         = paramSet("MacroExpandParameters")
	parseKvWithParams         = paramSet("ParseKvWithProperties")
	renderWithParams          = paramSet("RenderWithProperties")
	graphMakeParams           = paramSet("GraphMakeParameters")
	graphMatchParams          = paramSet("GraphMatchParameters")
	emptyParams               = paramSet("")
	graphShortestPathsParams  = paramSet("GraphShortestPathsParameters")
	graphToTableEdgesParams   = paramSet("GraphToTableEdgesParameters")
	graphToTableNodesParams   = paramSet("GraphToTableNodesParameters")
	graphMarkComponentsParams = paramSet("GraphMarkComponentsParameters")

	prmNoOptimization = single("ToScalarKindParameter")
	prmGetSchemaKind  = single("GetSchemaKind")
	// renderParamsByName are render's parameters written before with().
	renderParamsByName = kustoParams["RenderParameters"]
	renderParams       = paramSet("RenderParameters")
)

// chartTypes are the chart kinds render takes.
var chartTypes = []string{"table", "list", "barchart", "piechart", "ladderchart", "timechart",
	"linechart", "anomalychart", "pivotchart", "areachart", "stackedareachart", "scatterchart",
	"timepivot", "columnchart", "timeline", "3Dchart", "card", "treemap", "plotly", "graph", "sankey"}
