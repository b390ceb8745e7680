package value

import "testing"

// TestDatetimeDashedAndPartsForms pins the forms of the todatetime() and
// startofweek() reference examples: 12-02-2022 is MM-dd-yyyy as .NET
// reads it, and datetime(2025, 6, 14) gives the parts of a date.
func TestDatetimeDashedAndPartsForms(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"12-02-2022", "2022-12-02T00:00:00.0000000Z", true},
		{"1-2-2022 10:30", "2022-01-02T10:30:00.0000000Z", true},
		{"13-02-2022", "", false},
		{"12-02-22", "", false},
	} {
		d, ok := ParseDatetime(c.in)
		if ok != c.ok || ok && d.String() != c.want {
			t.Errorf("ParseDatetime(%q) = %s, %v; want %s, %v", c.in, d, ok, c.want, c.ok)
		}
	}
	for _, c := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"2025, 6, 14", "2025-06-14T00:00:00.0000000Z", true},
		{"2025,6,14,10,5,3", "2025-06-14T10:05:03.0000000Z", true},
		{"2025, 6", "", false},
		{"2025, 2, 30", "", false},
		{"2025, 6, 14, -1", "", false},
		{"2025, 6, x", "", false},
	} {
		d, ok := ParseDatetimeParts(c.in)
		if ok != c.ok || ok && d.String() != c.want {
			t.Errorf("ParseDatetimeParts(%q) = %s, %v; want %s, %v", c.in, d, ok, c.want, c.ok)
		}
	}
}
