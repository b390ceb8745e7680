// Command duckrun runs one SQL query on an in-memory DuckDB and writes its
// rows to standard output as JSON lines. The benchmark runs it as a whole
// process, as it runs kqlhunt, so that both timings include start-up, reading
// and writing the result.
//
// Usage:
//
//	duckrun -threads N -sql FILE
//
// Exit codes: 0 done; 1 the query failed; 2 usage.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

func main() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("duckrun", flag.ContinueOnError)
	fs.SetOutput(stderr)
	threads := fs.Int("threads", 1, "DuckDB threads (SET threads)")
	sqlFile := fs.String("sql", "", "FILE holding the query")
	if err := fs.Parse(args); err != nil || *sqlFile == "" {
		fmt.Fprintln(stderr, "usage: duckrun -threads N -sql FILE")
		return 2
	}
	query, err := os.ReadFile(*sqlFile)
	if err != nil {
		fmt.Fprintf(stderr, "duckrun: %v\n", err)
		return 2
	}
	if err := query1(ctx, *threads, string(query), stdout); err != nil {
		fmt.Fprintf(stderr, "duckrun: %v\n", err)
		return 1
	}
	return 0
}

func query1(ctx context.Context, threads int, query string, stdout io.Writer) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	// One connection, so that the SET applies to the query.
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("SET threads = %d", threads)); err != nil {
		return err
	}
	rows, err := conn.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(stdout, 1<<16)
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		w.WriteByte('{')
		for i, c := range cols {
			if i > 0 {
				w.WriteByte(',')
			}
			k, _ := json.Marshal(c)
			w.Write(k)
			w.WriteByte(':')
			v, err := json.Marshal(plain(vals[i]))
			if err != nil {
				return fmt.Errorf("column %s: %w", c, err)
			}
			w.Write(v)
		}
		w.WriteString("}\n")
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return w.Flush()
}

// plain turns a value scanned from DuckDB into one that encoding/json writes
// the way kqlhunt does: datetimes as RFC 3339 UTC text, big integers as
// numbers, lists element by element.
func plain(v any) any {
	switch v := v.(type) {
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano)
	case *big.Int:
		return json.Number(v.String())
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = plain(e)
		}
		return out
	case []byte:
		return string(v)
	}
	return v
}
