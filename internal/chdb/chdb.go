// Package chdb runs SQL on chDB, ClickHouse embedded in-process: the
// libchdb.so of the npm package chdb, loaded at run time (no cgo), so that
// tests can check kqlhunt's ClickHouse SQL against current ClickHouse
// without a server.
//
// The library is loaded when Open is first called, never at package
// initialization, so that a program that imports this package runs where
// the library is absent. chDB allows one connection per process.
package chdb

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"
)

// Package is the npm package that Install installs.
const Package = "chdb@3.4.0"

// LibPath is where Install puts libchdb.so under its folder.
const LibPath = "node_modules/@chdb/lib-linux-x64-gnu/libchdb.so"

// connection and result mirror chdb.h's chdb_connection and chdb_result;
// only the connection's pointer is read.
type (
	connection struct{ internal unsafe.Pointer }
	result     struct{ _ unsafe.Pointer }
)

var (
	loadOnce sync.Once
	loadErr  error

	chdbConnect   func(argc int, argv []*byte) *connection
	chdbCloseConn func(conn *connection)
	chdbQuery     func(conn unsafe.Pointer, query, format string) *result
	chdbDestroy   func(r *result)
	chdbBuffer    func(r *result) *byte
	chdbLength    func(r *result) uintptr
	chdbError     func(r *result) string
)

func load(path string) error {
	loadOnce.Do(func() {
		lib, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_GLOBAL)
		if err != nil {
			loadErr = fmt.Errorf("chdb: loading %s: %w", path, err)
			return
		}
		purego.RegisterLibFunc(&chdbConnect, lib, "chdb_connect")
		purego.RegisterLibFunc(&chdbCloseConn, lib, "chdb_close_conn")
		purego.RegisterLibFunc(&chdbQuery, lib, "chdb_query")
		purego.RegisterLibFunc(&chdbDestroy, lib, "chdb_destroy_query_result")
		purego.RegisterLibFunc(&chdbBuffer, lib, "chdb_result_buffer")
		purego.RegisterLibFunc(&chdbLength, lib, "chdb_result_length")
		purego.RegisterLibFunc(&chdbError, lib, "chdb_result_error")
	})
	return loadErr
}

// Conn is an in-process ClickHouse session with an in-memory database.
// It is not safe for concurrent use.
type Conn struct {
	c *connection
}

// Open loads the library at libPath (once per process) and opens a
// session.
func Open(libPath string) (*Conn, error) {
	if err := load(libPath); err != nil {
		return nil, err
	}
	arg := append([]byte("clickhouse"), 0)
	c := chdbConnect(1, []*byte{&arg[0]})
	if c == nil {
		return nil, errors.New("chdb: could not open a session")
	}
	return &Conn{c: c}, nil
}

// Query runs one statement and returns its output in format (a ClickHouse
// output format such as JSONCompactEachRow).
func (c *Conn) Query(sql, format string) ([]byte, error) {
	r := chdbQuery(c.c.internal, sql, format)
	if r == nil {
		return nil, nil
	}
	defer chdbDestroy(r)
	if msg := chdbError(r); msg != "" {
		return nil, errors.New(msg)
	}
	n := int(chdbLength(r))
	if n == 0 {
		return nil, nil
	}
	return append([]byte(nil), unsafe.Slice(chdbBuffer(r), n)...), nil
}

// Close ends the session.
func (c *Conn) Close() {
	if c.c != nil {
		chdbCloseConn(c.c)
		c.c = nil
	}
}

// Install makes sure that the npm package Package is installed under dir
// (running npm when it is not) and returns the path of its libchdb.so.
// The package is about 550 MB. npm installs into a fresh folder beside
// dir, which is then renamed to dir, so that test binaries installing at
// the same time (go test ./... runs packages in parallel) never see half
// an installation.
func Install(dir string) (string, error) {
	lib := filepath.Join(dir, LibPath)
	if _, err := os.Stat(lib); err == nil {
		return lib, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), filepath.Base(dir)+".installing-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command("npm", "install", "--no-save", "--prefix", tmp, Package)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("chdb: npm install %s: %v\n%s", Package, err, out)
	}
	if _, err := os.Stat(filepath.Join(tmp, LibPath)); err != nil {
		return "", fmt.Errorf("chdb: npm installed %s but %s is missing", Package, LibPath)
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another process may have installed it first.
		if _, statErr := os.Stat(lib); statErr != nil {
			return "", fmt.Errorf("chdb: %w", err)
		}
	}
	return lib, nil
}

// CacheDir is the folder where tests install chDB: kqlhunt-chdb under the
// user's cache folder, or under $TMPDIR when there is none.
func CacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "kqlhunt-chdb")
}

// ForTests returns the path of libchdb.so for tests: $CHDB_LIB_PATH when
// set, else an installation under CacheDir, made (with npm) when the
// environment has CI=true or KQLHUNT_CLICKHOUSE=1. Elsewhere skip says why
// the caller should skip, and how to enable it.
func ForTests() (path, skip string, err error) {
	if p := os.Getenv("CHDB_LIB_PATH"); p != "" {
		return p, "", nil
	}
	if os.Getenv("CI") != "true" && os.Getenv("KQLHUNT_CLICKHOUSE") != "1" {
		return "", "ClickHouse tests: set CI=true or KQLHUNT_CLICKHOUSE=1 to install chDB (npm " + Package + ", about 550 MB, cached in " + CacheDir() + ") and run them", nil
	}
	p, err := Install(CacheDir())
	return p, "", err
}
