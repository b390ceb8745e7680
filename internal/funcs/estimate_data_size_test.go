package funcs

import (
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// TestEstimateDataSizeTypes checks that estimate_data_size takes longs and
// strings only, without implicit conversions: the sizes of the other types
// are not documented.
func TestEstimateDataSizeTypes(t *testing.T) {
	f := Lookup("estimate_data_size")
	for _, ok := range [][]schema.Type{{schema.Long}, {schema.String}, {schema.Long, schema.String, schema.Long}} {
		if _, err := f.Resolve(ok); err != nil {
			t.Errorf("estimate_data_size%v: %v", ok, err)
		}
	}
	for _, bad := range []schema.Type{schema.Int, schema.Real, schema.Bool, schema.Datetime, schema.Timespan, schema.Guid, schema.Decimal, schema.Dynamic} {
		if _, err := f.Resolve([]schema.Type{schema.Long, bad}); err == nil {
			t.Errorf("estimate_data_size(long, %v) is accepted; its size is not documented", bad)
		}
	}
}
