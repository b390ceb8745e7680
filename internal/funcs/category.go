package funcs

// Category is a group of the KQL reference's function index, under which
// docs/functions.md lists a function. Scalar functions are grouped as in
// https://learn.microsoft.com/kusto/query/scalar-functions, aggregates as
// in https://learn.microsoft.com/kusto/query/aggregation-functions; the
// constants are in the order of those pages.
type Category uint8

const (
	CatNone Category = iota
	CatBinary
	CatConversion
	CatDatetime
	CatDynamic
	CatMath
	CatMetadata
	CatRounding
	CatConditional
	CatSeriesElementWise
	CatSeriesProcessing
	CatString
	CatIP
	CatIPText
	CatType
	CatScalarAggregation
	CatGeo
	CatHash
	CatUnits
	// CatOperator holds the hidden functions behind operators, which the
	// function index does not list.
	CatOperator

	CatAggBinary
	CatAggDynamic
	CatAggRowSelector
	CatAggStatistical
	numCategories
)

var categoryNames = [numCategories]string{
	CatNone:              "",
	CatBinary:            "Binary functions",
	CatConversion:        "Conversion functions",
	CatDatetime:          "DateTime/timespan functions",
	CatDynamic:           "Dynamic/array functions",
	CatMath:              "Mathematical functions",
	CatMetadata:          "Metadata functions",
	CatRounding:          "Rounding functions",
	CatConditional:       "Conditional functions",
	CatSeriesElementWise: "Series element-wise functions",
	CatSeriesProcessing:  "Series processing functions",
	CatString:            "String functions",
	CatIP:                "IPv4/IPv6 functions",
	CatIPText:            "IPv4 text match functions",
	CatType:              "Type functions",
	CatScalarAggregation: "Scalar aggregation functions",
	CatGeo:               "Geospatial functions",
	CatHash:              "Hash functions",
	CatUnits:             "Units conversion functions",
	CatOperator:          "Operators",
	CatAggBinary:         "Binary aggregation functions",
	CatAggDynamic:        "Dynamic aggregation functions",
	CatAggRowSelector:    "Row selector aggregation functions",
	CatAggStatistical:    "Statistical aggregation functions",
}

// String returns the category's heading in the reference's index, such
// as "String functions".
func (c Category) String() string {
	if c >= numCategories {
		return ""
	}
	return categoryNames[c]
}

// IsAggregate reports whether c groups aggregates.
func (c Category) IsAggregate() bool { return c >= CatAggBinary && c < numCategories }

// Categories returns every category but CatNone, in the order of the
// reference's index pages: scalar functions first, then aggregates.
func Categories() []Category {
	cs := make([]Category, 0, numCategories-1)
	for c := CatNone + 1; c < numCategories; c++ {
		cs = append(cs, c)
	}
	return cs
}

// declaring is the category of the functions that the running init
// declares; see inCategory.
var declaring Category

// inCategory makes c the category of the functions and aggregates that
// register declares from now on, unless their declaration names one, and
// returns the function that ends it. Each init that declares functions
// starts with
//
//	defer inCategory(CatString)()
//
// so that a forgotten category is CatNone (which a test rejects) rather
// than the category of the file before. Calling it again within the init
// switches to another category.
func inCategory(c Category) func() {
	declaring = c
	return func() { declaring = CatNone }
}
