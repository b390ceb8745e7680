package kql

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/diag"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// ParseSchema returns cat extended with the tables, columns and functions
// that the user schema file name (content src) declares: custom tables
// such as MyApp_CL, columns that known tables lack, and the saved
// functions of a workspace. The file is YAML or JSON:
//
//	tables:
//	  MyApp_CL:
//	    TimeGenerated: datetime
//	    Message: string
//	functions:
//	  IsWorkingTime:
//	    params: "date_time:datetime = datetime(null)"
//	    body: hourofday(iff(isnull(date_time), now(), date_time)) between (8 .. 17)
//	  AWSIdentityRole:
//	    params: "T:(*)"
//	    file: functions/AWSIdentityRole.kql
//
// Every query compiled against the catalog sees the functions as if it
// began with `let NAME = (PARAMS) { BODY };` for each (its own let of the
// same name shadows one). A function's file is read relative to the
// folder of name. cat is not modified. The error is a diagnostic list
// positioned in the file (FILE:LINE:COL), or in a function's file;
// FormatError renders it.
func ParseSchema(name string, src []byte, cat *Catalog) (*Catalog, error) {
	u, err := schema.ParseUserSchemaWith(name, src, schema.ParseOptions{Parse: parseFunc})
	if err != nil {
		return nil, err
	}
	return u.Extend(cat)
}

// ParseSchemaIn is ParseSchema with the files that functions name read
// relative to the folder dir rather than to the schema file's.
func ParseSchemaIn(name string, src []byte, dir string, cat *Catalog) (*Catalog, error) {
	read := func(rel string) (string, []byte, error) {
		p := rel
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, filepath.FromSlash(rel))
		}
		b, err := os.ReadFile(p)
		return p, b, err
	}
	u, err := schema.ParseUserSchemaWith(name, src, schema.ParseOptions{Parse: parseFunc, Read: read})
	if err != nil {
		return nil, err
	}
	return u.Extend(cat)
}

// LoadSchema reads the user schema file at path and returns cat extended
// with it, as ParseSchema does.
func LoadSchema(path string, cat *Catalog) (*Catalog, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseSchema(path, src, cat)
}

// SchemaFiles returns the schema files (named kqlhunt-schema.yaml,
// kqlhunt-schema.yml or kqlhunt-schema.json, in any case) in and below
// the folders among paths, and beside the files among paths, sorted. A
// rule folder declares its custom tables in one; rule loading leaves it
// out.
func SchemaFiles(paths []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			continue // the rule loader reports it
		}
		// A file: the schema file beside it (a rule named alone still
		// has its folder's tables), or the file itself when it is one.
		files := []string{p}
		for _, n := range schema.SchemaFileNames {
			files = append(files, filepath.Join(filepath.Dir(p), n))
		}
		if info.IsDir() {
			files = nil
			// Folders whose names start with a dot are skipped, as the
			// rule loader skips them; unreadable ones are its to report.
			filepath.WalkDir(p, func(f string, e fs.DirEntry, err error) error {
				switch {
				case err != nil:
					return nil
				case e.IsDir() && f != p && strings.HasPrefix(e.Name(), "."):
					return fs.SkipDir
				case !e.IsDir():
					files = append(files, f)
				}
				return nil
			})
		}
		for _, f := range files {
			f = filepath.Clean(f)
			if !schema.IsSchemaFile(f) || seen[f] {
				continue
			}
			if fi, err := os.Stat(f); err == nil && !fi.IsDir() {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	sort.Strings(out)
	return out
}

// parseFunc parses the text of a function a schema file declares (see
// schema.FuncParser).
func parseFunc(text string, base int) (any, diag.List) {
	q, diags := syntax.Parse(text)
	if diags.HasErrors() {
		return nil, diags
	}
	if len(q.Stmts) != 1 {
		return nil, nil
	}
	let, ok := q.Stmts[0].(*syntax.LetStmt)
	if !ok {
		return nil, nil
	}
	lit, ok := let.Value.(*syntax.FuncLit)
	if !ok {
		return nil, nil
	}
	syntax.Shift(lit, base)
	return lit, nil
}
