package syntax

// queryOperators are the keywords that start a piped query operator: the
// cases of parseOperator. A test keeps the two in step.
var queryOperators = []string{
	"as", "assert-schema", "consume", "count", "distinct", "evaluate", "extend", "facet", "filter", "find", "fork",
	"getschema", "graph-mark-components", "graph-match", "graph-shortest-paths", "graph-to-table", "graph-where-edges",
	"graph-where-nodes", "invoke", "join", "limit", "lookup", "make-graph", "make-series", "mv-apply", "mv-expand",
	"mvapply", "mvexpand", "order", "parse", "parse-kv", "parse-where", "partition", "project", "project-away",
	"project-by-names", "project-keep", "project-rename", "project-reorder", "range", "reduce", "render", "sample",
	"sample-distinct", "scan", "search", "serialize", "sort", "summarize", "take", "top", "top-hitters", "top-nested",
	"union", "where",
}

// QueryOperators returns the keywords that may follow '|' to start a
// query operator, sorted (internal ones such as __partitionby left out).
// The slice is the caller's.
func QueryOperators() []string { return append([]string(nil), queryOperators...) }
