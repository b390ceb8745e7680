package sqlgen

import (
	"errors"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

func TestString(t *testing.T) {
	for in, want := range map[string]string{
		"":            `''`,
		"a'b":         `'a\'b'`,
		`a\b`:         `'a\\b'`,
		"a\nb\tc\x00": `'a\x0Ab\x09c\x00'`,
		"é\u212a":     "'é\u212a'",
	} {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %s, want %s", in, got, want)
		}
	}
	if got := Ident("a`b"); got != "`a\\`b`" {
		t.Errorf("Ident = %s", got)
	}
}

func TestColumnTypes(t *testing.T) {
	for ty := schema.Bool; ty <= schema.Dynamic; ty++ {
		if got := ColumnType(ty); (got == "") != (ty == schema.Decimal) {
			t.Errorf("ColumnType(%s) = %q", ty, got)
		}
	}
}

func TestUnsupported(t *testing.T) {
	err := error(&Unsupported{Construct: "join", Span: syntax.Span{Start: 3, End: 7}, Why: "not yet"})
	if !errors.Is(err, ErrUnsupported) || err.Error() != "'join' is not translated to ClickHouse SQL yet (not yet)" {
		t.Errorf("%v", err)
	}
}
