package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// record returns a streaming API record of DeviceNetworkEvents whose
// ReportId is id, at hour h of 2025-03-04.
func record(id, h int) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"time":"2025-03-04T%02d:00:00Z","category":"AdvancedHunting-DeviceNetworkEvents","properties":{"Timestamp":"2025-03-04T%02d:10:00Z","DeviceName":"ws-1","RemoteUrl":"x.example","ReportId":%d}}`, h, h, id))
}

// row returns a plain row of DeviceProcessEvents whose ReportId is id.
func row(id int) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"Timestamp":"2025-03-04T07:00:00Z","DeviceName":"ws-2","FileName":"a.exe","ReportId":%d}`, id))
}

func batch(key string, ids ...int) *Batch {
	b := &Batch{Key: key, Tables: map[string][]json.RawMessage{}}
	for _, id := range ids {
		b.Tables["DeviceNetworkEvents"] = append(b.Tables["DeviceNetworkEvents"], record(id, id%3+8))
		b.Tables["DeviceProcessEvents"] = append(b.Tables["DeviceProcessEvents"], row(id))
	}
	return b
}

func open(t *testing.T, dir string, opts Options) *Store {
	t.Helper()
	s, err := Open(context.Background(), dir, opts)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s
}

// ReportIDs returns the ReportId of every row of table in the store's
// Parquet files, after a flush, sorted.
func reportIDs(t *testing.T, s *Store, table string) []int64 {
	t.Helper()
	if err := s.Flush(context.Background()); err != nil {
		t.Fatalf("flush: %v", err)
	}
	return QueryIDs(t, s.DataDir(), table)
}

// QueryIDs reads the ReportId of every row of table under dir with
// kql, sorted.
func QueryIDs(t *testing.T, dir, table string) []int64 {
	t.Helper()
	cat := kql.Builtin()
	d, err := kql.OpenData(kql.DataOptions{Paths: []string{dir}}, cat)
	if err != nil {
		t.Fatalf("open data: %v", err)
	}
	if !d.HasTable(table) {
		return nil
	}
	q, err := kql.Compile(table+" | project ReportId", cat, kql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := q.Run(context.Background(), d, kql.Now())
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for r := range res[0].All() {
		ids = append(ids, r[0].(int64))
	}
	slices.Sort(ids)
	return ids
}

func seq(from, to int) []int64 {
	var out []int64
	for i := from; i <= to; i++ {
		out = append(out, int64(i))
	}
	return out
}

func TestAppendFlushRead(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	ack, err := s.Append(batch("k1", 1, 2, 3))
	if err != nil {
		t.Fatal(err)
	}
	if ack.Accepted != 6 || ack.Duplicate {
		t.Fatalf("expected 6 accepted, not a duplicate, got %+v", ack)
	}
	if got := reportIDs(t, s, "DeviceNetworkEvents"); !slices.Equal(got, seq(1, 3)) {
		t.Fatalf("DeviceNetworkEvents: expected ids 1..3, got %v", got)
	}
	if got := reportIDs(t, s, "DeviceProcessEvents"); !slices.Equal(got, seq(1, 3)) {
		t.Fatalf("DeviceProcessEvents: expected ids 1..3, got %v", got)
	}
	// Hourly partitions, named after the segment.
	hours, _ := filepath.Glob(filepath.Join(dir, "data", "DeviceNetworkEvents", "hour=*"))
	if len(hours) != 3 || !strings.HasSuffix(hours[0], "hour=2025-03-04T08") {
		t.Fatalf("expected 3 hour folders from hour=2025-03-04T08, got %v", hours)
	}
	if rows := s.Rows(); rows["DeviceNetworkEvents"] != 3 || rows["DeviceProcessEvents"] != 3 {
		t.Fatalf("expected 3 rows per table, got %v", rows)
	}
	// More rows after a flush go to new files, beside the first.
	if _, err := s.Append(batch("k2", 4)); err != nil {
		t.Fatal(err)
	}
	if got := reportIDs(t, s, "DeviceNetworkEvents"); !slices.Equal(got, seq(1, 4)) {
		t.Fatalf("expected ids 1..4, got %v", got)
	}
	s.Close()
}

func TestIdempotencyAcrossRestartAndCompaction(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	b := batch("same", 1, 2)
	b.Rejected, b.Errors = 1, []RecordError{{Record: 2, Reason: "malformed"}}
	if _, err := s.Append(b); err != nil {
		t.Fatal(err)
	}
	ack, err := s.Append(batch("same", 1, 2))
	if err != nil {
		t.Fatal(err)
	}
	if !ack.Duplicate || ack.Accepted != 4 || ack.Rejected != 1 || len(ack.Errors) != 1 {
		t.Fatalf("expected a duplicate with the first counts (4 accepted, 1 rejected), got %+v", ack)
	}
	s.Close()
	// After a restart, from the WAL.
	s = open(t, dir, Options{}) // Open compacts: the key moves to the checkpoint
	if ack, _ := s.Append(batch("same", 1, 2)); !ack.Duplicate {
		t.Fatalf("after restart: expected a duplicate, got %+v", ack)
	}
	s.Close()
	// After compaction, from the checkpoint.
	s = open(t, dir, Options{})
	if ack, _ := s.Append(batch("same", 1, 2)); !ack.Duplicate || ack.Accepted != 4 {
		t.Fatalf("after compaction: expected a duplicate of 4 rows, got %+v", ack)
	}
	if got := reportIDs(t, s, "DeviceNetworkEvents"); !slices.Equal(got, seq(1, 2)) {
		t.Fatalf("expected ids 1..2 once, got %v", got)
	}
	s.Close()
}

func TestKeysBounded(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := open(t, dir, Options{KeyMax: 2, KeyAge: time.Hour, Now: func() time.Time { return now }})
	for i, k := range []string{"a", "b", "c"} {
		now = now.Add(time.Minute)
		if _, err := s.Append(batch(k, i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ack, _ := s.Append(batch("a", 0)); ack.Duplicate {
		t.Fatalf("expected key a, the oldest beyond KeyMax 2, to be forgotten")
	}
	if ack, _ := s.Append(batch("c", 2)); !ack.Duplicate {
		t.Fatalf("expected key c to be remembered")
	}
	now = now.Add(2 * time.Hour)
	if err := s.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ack, _ := s.Append(batch("c", 2)); ack.Duplicate {
		t.Fatalf("expected key c, older than KeyAge, to be forgotten")
	}
}

// walFile returns the only segment of the store's WAL.
func walFile(t *testing.T, dir string) string {
	t.Helper()
	segs, _ := filepath.Glob(filepath.Join(dir, "wal", "*.wal"))
	if len(segs) != 1 {
		t.Fatalf("expected one segment, got %v", segs)
	}
	return segs[0]
}

func TestTornTail(t *testing.T) {
	for _, tc := range []struct {
		name string
		tail func(whole []byte, last int) []byte
	}{
		{"cut header", func(w []byte, last int) []byte { return w[:last+3] }},
		{"cut payload", func(w []byte, last int) []byte { return w[:len(w)-5] }},
		{"bad checksum", func(w []byte, last int) []byte {
			c := slices.Clone(w)
			c[len(c)-2] ^= 0xff
			return c
		}},
		{"zeros", func(w []byte, last int) []byte { return append(slices.Clone(w[:last]), make([]byte, 100)...) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := open(t, dir, Options{})
			s.Append(batch("a", 1))
			path := walFile(t, dir)
			st, _ := os.Stat(path)
			last := int(st.Size())
			s.Append(batch("b", 2))
			s.Close()
			whole, _ := os.ReadFile(path)
			os.WriteFile(path, tc.tail(whole, last), 0o644)
			s = open(t, dir, Options{})
			defer s.Close()
			if len(s.Truncated) != 1 || s.Truncated[0].Offset != int64(last) {
				t.Fatalf("expected a torn tail cut at byte %d, got %v", last, s.Truncated)
			}
			if got := reportIDs(t, s, "DeviceNetworkEvents"); !slices.Equal(got, seq(1, 1)) {
				t.Fatalf("expected the first batch only, got %v", got)
			}
			if ack, _ := s.Append(batch("b", 2)); ack.Duplicate {
				t.Fatalf("the torn batch's key must not be remembered")
			}
		})
	}
}

func TestCorruptMiddle(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	s.Append(batch("a", 1))
	s.Append(batch("b", 2))
	path := walFile(t, dir)
	s.Close()
	whole, _ := os.ReadFile(path)
	whole[20] ^= 0xff // inside the first record's payload
	os.WriteFile(path, whole, 0o644)
	_, err := Open(context.Background(), dir, Options{})
	var ce *CorruptError
	if !errors.As(err, &ce) || ce.Offset != 0 || ce.Following == 0 {
		t.Fatalf("expected a corrupt record at byte 0 with data after it, got %v", err)
	}
	if !strings.Contains(err.Error(), "corrupt") {
		t.Fatalf("expected a message saying corrupt, got %q", err)
	}
	// Nothing was cut.
	if again, _ := os.ReadFile(path); len(again) != len(whole) {
		t.Fatalf("expected the segment untouched (%d bytes), got %d bytes", len(whole), len(again))
	}
}

func TestSegmentsRoll(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{SegmentBytes: 200})
	defer s.Close()
	for i := 1; i <= 5; i++ {
		if _, err := s.Append(batch(fmt.Sprint(i), i)); err != nil {
			t.Fatal(err)
		}
	}
	// Each batch passes 200 bytes and seals its segment, which is
	// compacted in the background, without a flush.
	deadline := time.Now().Add(10 * time.Second)
	for {
		segs, _ := filepath.Glob(filepath.Join(dir, "wal", "*.wal"))
		if len(segs) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("expected the sealed segments compacted and removed, got %v", segs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := QueryIDs(t, s.DataDir(), "DeviceNetworkEvents"); !slices.Equal(got, seq(1, 5)) {
		t.Fatalf("expected ids 1..5, got %v", got)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "data", "DeviceNetworkEvents", "hour=*", "seg-*.parquet"))
	if len(files) != 5 {
		t.Fatalf("expected a file per segment, got %v", files)
	}
}

// TestCompactionCrashPoints stops a compaction at each of its steps, as
// a crash would, reopens the store and checks every row is there once.
func TestCompactionCrashPoints(t *testing.T) {
	for _, step := range []string{"parquet", "checkpoint", "remove"} {
		t.Run(step, func(t *testing.T) {
			dir := t.TempDir()
			crash := errors.New("crash")
			s := open(t, dir, Options{FailPoint: func(at string) error {
				if at == step {
					return crash
				}
				return nil
			}})
			s.Append(batch("a", 1, 2))
			if err := s.Flush(context.Background()); !errors.Is(err, crash) {
				t.Fatalf("expected the injected failure, got %v", err)
			}
			s.Append(batch("b", 3))
			s.Close()
			s = open(t, dir, Options{})
			defer s.Close()
			if got := reportIDs(t, s, "DeviceNetworkEvents"); !slices.Equal(got, seq(1, 3)) {
				t.Fatalf("expected ids 1..3 once each, got %v", got)
			}
			if got := reportIDs(t, s, "DeviceProcessEvents"); !slices.Equal(got, seq(1, 3)) {
				t.Fatalf("DeviceProcessEvents: expected ids 1..3 once each, got %v", got)
			}
			if ack, _ := s.Append(batch("a", 1, 2)); !ack.Duplicate {
				t.Fatalf("expected key a remembered across the crash")
			}
			if rows := s.Rows(); rows["DeviceNetworkEvents"] != 3 {
				t.Fatalf("expected 3 rows counted, got %v", rows)
			}
		})
	}
}

// TestLeftoverFilesRemoved: Parquet files of a segment not in the
// checkpoint (a compaction that crashed) are removed at Open, even when
// the segment's rows are then compacted again under the same names.
func TestLeftoverFilesRemoved(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	s.Append(batch("a", 1))
	s.Close()
	stray := filepath.Join(dir, "data", "DeviceNetworkEvents", "hour=2025-03-04T09", "seg-0000000000000099-0.parquet")
	os.MkdirAll(filepath.Dir(stray), 0o755)
	os.WriteFile(stray, []byte("junk"), 0o644)
	s = open(t, dir, Options{})
	defer s.Close()
	if _, err := os.Stat(stray); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("expected the leftover file removed, got %v", err)
	}
}

// TestConcurrentAppends: batches appended at once share group writes;
// the same key posted by several callers at once is stored once.
func TestConcurrentAppends(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{SegmentBytes: 4 << 10})
	defer s.Close()
	var wg sync.WaitGroup
	var mu sync.Mutex
	dups := 0
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				id := g*100 + i
				if _, err := s.Append(batch(fmt.Sprint(id), id)); err != nil {
					t.Error(err)
					return
				}
				ack, err := s.Append(batch("shared", 9999))
				if err != nil {
					t.Error(err)
					return
				}
				if ack.Duplicate {
					mu.Lock()
					dups++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if dups != 8*25-1 {
		t.Fatalf("expected the shared key stored once and %d duplicates, got %d duplicates", 8*25-1, dups)
	}
	got := reportIDs(t, s, "DeviceNetworkEvents")
	var want []int64
	for g := range 8 {
		for i := range 25 {
			want = append(want, int64(g*100+i))
		}
	}
	want = append(want, 9999)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("expected %d ids once each, got %d: %v", len(want), len(got), got)
	}
}

// FuzzReadSegment: recovery reads any bytes without panicking, and a
// torn tail it reports lies within the file, after whole records.
func FuzzReadSegment(f *testing.F) {
	f.Add(appendFrame(nil, []byte(`{"tables":{}}`)))
	f.Add(appendFrame(appendFrame(nil, []byte(`{}`)), []byte(`{"key":"a"}`))[:20])
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), segmentName(1))
		os.WriteFile(path, data, 0o644)
		var whole int64
		trunc, err := readSegment(path, true, func(p []byte) error {
			whole += int64(len(p)) + frameHeader
			return nil
		})
		if trunc != nil && (err != nil || trunc.Offset != whole || trunc.Offset+trunc.Bytes != int64(len(data))) {
			t.Fatalf("torn tail %+v after %d bytes of records in %d bytes (err %v)", trunc, whole, len(data), err)
		}
		if err == nil && trunc == nil && whole != int64(len(data)) {
			t.Fatalf("read %d bytes of records of %d without a torn tail", whole, len(data))
		}
	})
}

// TestCustomTable: a table of a schema file is stored and read back
// with its columns; without the schema, the store says what is missing.
func TestCustomTable(t *testing.T) {
	cat, err := kql.ParseSchema("app.yaml", []byte("tables:\n  MyApp_CL:\n    TimeGenerated: datetime\n    Level: int\n    ReportId: long\n"), kql.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s := open(t, dir, Options{Catalog: cat})
	if s.Table("myapp_cl") != "MyApp_CL" {
		t.Fatalf("expected the schema's table found ignoring case, got %q", s.Table("myapp_cl"))
	}
	b := &Batch{Tables: map[string][]json.RawMessage{"MyApp_CL": {json.RawMessage(`{"TimeGenerated":"2025-03-04T10:00:00Z","Level":3,"ReportId":1}`)}}}
	if _, err := s.Append(b); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(context.Background(), dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "MyApp_CL, which the catalog no longer has") {
		t.Fatalf("expected an error naming the missing table, got %v", err)
	}
	s = open(t, dir, Options{Catalog: cat})
	defer s.Close()
	if hours, _ := filepath.Glob(filepath.Join(dir, "data", "MyApp_CL", "hour=2025-03-04T10", "*.parquet")); len(hours) != 1 {
		t.Fatalf("expected a file of MyApp_CL partitioned by its TimeGenerated, got %v", hours)
	}
}

// TestUnconvertedValuesReported checks that a value that does not
// convert to its column's type, stored as null, is said on the log.
func TestUnconvertedValuesReported(t *testing.T) {
	var log strings.Builder
	s := open(t, t.TempDir(), Options{Log: &log})
	defer s.Close()
	b := &Batch{Tables: map[string][]json.RawMessage{"DeviceProcessEvents": {
		row(1),
		json.RawMessage(`{"Timestamp":"2025-03-04T07:00:00Z","DeviceName":"ws-2","ReportId":"not a number"}`),
	}}}
	if _, err := s.Append(b); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "1 values that do not convert to their column's type stored as null") {
		t.Errorf("expected the unconverted ReportId on the log, got %q", log.String())
	}
}
