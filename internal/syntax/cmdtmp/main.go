package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

func main() {
	root := "/work/shared/corpus"
	f, _ := os.Open(filepath.Join(root, "manifest.csv"))
	rows, _ := csv.NewReader(f).ReadAll()
	agree, total := 0, 0
	var bad []string
	for _, r := range rows[1:] {
		b, _ := os.ReadFile(filepath.Join(root, r[0]))
		text := strings.TrimPrefix(string(b), "\ufeff")
		_, d := syntax.Parse(text)
		ok := !d.HasErrors()
		want := r[7] == "ok"
		total++
		if ok == want {
			agree++
		} else {
			msg := ""
			if len(d) > 0 {
				line, col := syntax.NewSource("", text).LineCol(d[0].Span.Start)
				msg = fmt.Sprintf("%d:%d: %s", line, col, d[0].Msg)
			}
			bad = append(bad, fmt.Sprintf("%s want=%s %s", r[0], r[7], msg))
		}
	}
	fmt.Printf("agree %d/%d\n", agree, total)
	for _, b := range bad {
		fmt.Println(b)
	}
}
