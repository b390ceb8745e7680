package source

import (
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/value"
)

func TestTimeFormat(t *testing.T) {
	at := func(y int, mo time.Month, d, h, mi, s, ns int) value.Datetime {
		return value.DatetimeOf(time.Date(y, mo, d, h, mi, s, ns, time.UTC))
	}
	for _, tc := range []struct {
		format, text string
		want         value.Datetime
		ok           bool
	}{
		{"dd/MM/yyyy, h:mm:ss.fff tt", "13/03/2024, 3:40:13.988 pm", at(2024, 3, 13, 15, 40, 13, 988e6), true},
		{"dd/MM/yyyy, h:mm:ss.fff tt", "13/03/2024, 3:40:13.988 PM", at(2024, 3, 13, 15, 40, 13, 988e6), true},
		{"dd/MM/yyyy, h:mm:ss.fff tt", "13/03/2024, 12:40:13.988 am", at(2024, 3, 13, 0, 40, 13, 988e6), true},
		{"dd/MM/yyyy, h:mm:ss.fff tt", "13/03/2024, 12:40:13.988 pm", at(2024, 3, 13, 12, 40, 13, 988e6), true},
		{"dd/MM/yyyy, h:mm:ss.fff tt", "13/03/2024,  3:40:13.988\u202fpm", at(2024, 3, 13, 15, 40, 13, 988e6), true},
		{"dd/MM/yyyy, h:mm:ss.fff tt", "13/03/2024, 13:40:13.988 pm", 0, false},
		{"dd/MM/yyyy, h:mm:ss.fff tt", "13/03/2024, 3:40:13.98 pm", 0, false},
		{"dd/MM/yyyy, h:mm:ss.fff tt", "13/03/2024 3:40:13.988 pm", 0, false},
		{"dd/MM/yyyy, h:mm:ss.fff tt", "13/03/2024, 3:40:13.988 pm extra", 0, false},
		{"M/d/yyyy h:mm:ss tt", "3/4/2025 9:15:22 AM", at(2025, 3, 4, 9, 15, 22, 0), true},
		{"M/d/yyyy h:mm:ss t", "3/4/2025 9:15:22 P", at(2025, 3, 4, 21, 15, 22, 0), true},
		{"M/d/yyyy h:mm:ss tt", "3/4/2025 9:15:22 p.m.", at(2025, 3, 4, 21, 15, 22, 0), true},
		{"MM/dd/yy HH:mm", "03/04/25 21:15", at(2025, 3, 4, 21, 15, 0, 0), true},
		{"MM/dd/yy HH:mm", "03/04/99 21:15", at(1999, 3, 4, 21, 15, 0, 0), true},
		{"d MMM yyyy HH:mm:ss", "4 Mar 2025 09:15:22", at(2025, 3, 4, 9, 15, 22, 0), true},
		{"d MMMM yyyy HH:mm:ss", "4 march 2025 09:15:22", at(2025, 3, 4, 9, 15, 22, 0), true},
		{"dddd, d MMMM yyyy HH:mm", "Tuesday, 4 March 2025 09:15", at(2025, 3, 4, 9, 15, 0, 0), true},
		{"yyyy-MM-dd'T'HH:mm:ss.fffffffK", "2025-03-04T09:15:22.4411223Z", at(2025, 3, 4, 9, 15, 22, 441122300), true},
		{"yyyy-MM-dd'T'HH:mm:ss.fffffffK", "2025-03-04T09:15:22.4411223", at(2025, 3, 4, 9, 15, 22, 441122300), true},
		{"yyyy-MM-dd HH:mm:ss zzz", "2025-03-04 10:15:22 +01:00", at(2025, 3, 4, 9, 15, 22, 0), true},
		{"yyyy-MM-dd HH:mm:ss.FFF", "2025-03-04 10:15:22.5", at(2025, 3, 4, 10, 15, 22, 500e6), true},
		{"yyyy-MM-dd HH:mm:ss.FFF", "2025-03-04 10:15:22.", at(2025, 3, 4, 10, 15, 22, 0), true},
		{"yyyy-MM-dd HH:mm:ss.FFF", "2025-03-04 10:15:22", at(2025, 3, 4, 10, 15, 22, 0), true},
		{"yyyy-MM-dd HH:mm:ss.FFF", "2025-03-04 10:15:22.1234", 0, false},
		{`dd\/MM\/yyyy HH"h"mm`, "13/03/2024 15h40", at(2024, 3, 13, 15, 40, 0, 0), true},
		{"dd.MM.yyyy HH:mm:ss", "29.02.2023 00:00:00", 0, false},
		{"dd.MM.yyyy HH:mm:ss", "29.02.2024 00:00:00", at(2024, 2, 29, 0, 0, 0, 0), true},
		{"dd.MM.yyyy", "1.02.2024", 0, false},
		{"d.M.yyyy", "1.2.2024", at(2024, 2, 1, 0, 0, 0, 0), true},
	} {
		tf, err := compileTimeFormat(tc.format)
		if err != nil {
			t.Errorf("%q: %v", tc.format, err)
			continue
		}
		got, ok := tf.parse([]byte(tc.text))
		if ok != tc.ok || got != tc.want {
			t.Errorf("%q on %q: %v, %v; want %v, %v", tc.format, tc.text, got, ok, tc.want, tc.ok)
		}
	}
}

func TestTimeFormatErrors(t *testing.T) {
	for format, want := range map[string]string{
		"yyyyy":          "too many 'y'",
		"HHH":            `too many "H"`,
		"ffffffff":       `too many "f"`,
		"dd 'open":       "unterminated quoted text",
		`dd\`:            `'\' at the end`,
		"'only literal'": "no date or time fields",
	} {
		if _, err := compileTimeFormat(format); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", format, err, want)
		}
	}
}
