package source

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/schema"
)

func TestExternalFileName(t *testing.T) {
	for in, want := range map[string]string{
		"https://raw.githubusercontent.com/a/b/main/list.csv":                 "list.csv",
		"https://acct.blob.core.windows.net/c/data.tsv?sv=2024&sig=x":         "data.tsv",
		"https://acct.blob.core.windows.net/c/dir/data.json;managed_identity": "data.json",
		"https://example.com/feed.txt#frag":                                   "feed.txt",
	} {
		if got := FileName(in); got != want {
			t.Errorf("FileName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestReadExternalFormats reads the same rows in each format that
// externaldata supports.
// https://learn.microsoft.com/kusto/query/externaldata-operator
func TestReadExternalFormats(t *testing.T) {
	cols := []schema.Column{{Name: "Name", Type: schema.String}, {Name: "N", Type: schema.Long}, {Name: "When", Type: schema.Datetime}, {Name: "D", Type: schema.Dynamic}}
	gz := func(s string) string {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.String()
	}
	want := "a|1|2024-01-02T00:00:00.0000000Z|{\"k\":1}\nb,c|||\n"
	for _, c := range []struct {
		name, format, data string
		skip               bool
	}{
		{"f.csv", "csv", "Name,N,When,D\na,1,2024-01-02,\"{\"\"k\"\":1}\"\n\"b,c\",x,,\n", true},
		{"f.csv.gz", "", gz("a,1,2024-01-02,\"{\"\"k\"\":1}\"\n\"b,c\",,,\n"), false},
		{"f.tsv", "tsv", "a\t1\t2024-01-02\t{\"k\":1}\nb,c\n", false},
		{"f.psv", "psv", "a|1|2024-01-02|{\"k\":1}\nb,c||\n", false},
		{"f.json", "json", "{\"Name\":\"a\",\"N\":1,\"When\":\"2024-01-02\",\"D\":{\"k\":1}}\n{\"name\":\"b,c\"}\n", false},
		{"f.mjson", "multijson", "[{\"Name\":\"a\",\"N\":\"1\",\"When\":\"2024-01-02\",\"D\":{\"k\":1}},\n{\"Name\":\"b,c\",\"N\":null}]", false},
	} {
		p := filepath.Join(t.TempDir(), c.name)
		if err := os.WriteFile(p, []byte(c.data), 0o644); err != nil {
			t.Fatal(err)
		}
		props := map[string]string{"format": c.format}
		if c.skip {
			props["ignorefirstrecord"] = "true"
		}
		bs, err := ReadExternalFile(p, cols, props)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		got := ""
		for _, b := range bs {
			for i := 0; i < b.N; i++ {
				for j, col := range cols {
					if j > 0 {
						got += "|"
					}
					if !b.Cols[j].IsNull(i) {
						got += funcs.ToString(col.Type, b.Cols[j].Get(i))
					}
				}
				got += "\n"
			}
		}
		if got != want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, want)
		}
	}
	// Plain text: each line is the first column.
	p := filepath.Join(t.TempDir(), "f.txt")
	os.WriteFile(p, []byte("one\r\ntwo\n"), 0o644)
	bs, err := ReadExternalFile(p, []schema.Column{{Name: "Line", Type: schema.String}}, map[string]string{"format": "txt"})
	if err != nil || bs[0].N != 2 || bs[0].Cols[0].Strs[1] != "two" || bs[0].Cols[0].Strs[0] != "one" {
		t.Errorf("txt: %v %+v", err, bs)
	}
	if _, err := ReadExternalFile(p, cols, map[string]string{"format": "avro"}); err == nil {
		t.Error("unsupported format: no error")
	}
}

// TestExternalJSONCap checks that a JSON externaldata file over the cap is
// refused with its name, not read into memory.
func TestExternalJSONCap(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.json")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxExternalJSON + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	_, err = ReadExternalFile(p, []schema.Column{{Name: "x", Type: schema.Dynamic}}, map[string]string{"format": "json"})
	if err == nil || !strings.Contains(err.Error(), "big.json") || !strings.Contains(err.Error(), "larger than 256 MiB") {
		t.Errorf("got %v", err)
	}
}
