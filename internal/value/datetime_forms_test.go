package value

import "testing"

func TestParseDatetimeForms(t *testing.T) {
	for in, want := range map[string]string{
		"2025, 6, 14":      "2025-06-14T00:00:00.0000000Z",
		"2025,12,31":       "2025-12-31T00:00:00.0000000Z",
		"01-01-2022":       "2022-01-01T00:00:00.0000000Z",
		"12-31-2022 10:20": "2022-12-31T10:20:00.0000000Z",
	} {
		d, ok := ParseDatetime(in)
		if !ok || d.String() != want {
			t.Errorf("ParseDatetime(%q) = %v, %v; want %s", in, d, ok, want)
		}
	}
	for _, in := range []string{"2025, 2, 30", "2025, 13, 1", "2025, 6", "2025, 6, 14, 1", "25, 6, 14", "2025, x, 1", "13-01-2022", "1-1-22", "01-01-2022-1"} {
		if d, ok := ParseDatetime(in); ok {
			t.Errorf("ParseDatetime(%q) = %v; want no datetime", in, d)
		}
	}
}
