package schema

import (
	"os"
	"path/filepath"

	"github.com/kqlhunt/kqlhunt/internal/diag"
	"github.com/kqlhunt/kqlhunt/internal/diag/yamlpos"
	"go.yaml.in/yaml/v3"
)

// The functions section of a schema file declares a workspace's saved
// functions, each by its name:
//
//	functions:
//	  IsWorkingTime:
//	    params: "date_time:datetime = datetime(null)"
//	    body: |
//	      let t = iff(isnull(date_time), now(), date_time);
//	      hourofday(t) between (8 .. 17)
//	  AWSIdentityRole:
//	    params: "T:(*)"
//	    file: functions/AWSIdentityRole.kql
//
// params are the parameters as KQL writes them between the parentheses of
// a function literal (optional: none); the body is given inline (body) or
// as a file (file, relative to the schema file), one of the two. A query
// calls the function as if it began with `let NAME = (PARAMS) { BODY };`.

// parseFuncs parses the functions section fs of the schema file yf,
// as opts say.
func (u *UserSchema) parseFuncs(yf *yamlpos.File, fs *yaml.Node, opts ParseOptions) diag.List {
	f := yf.File
	if opts.Parse == nil {
		return diag.List{f.Errorf(fs.Line, fs.Column, "functions cannot be declared here")}
	}
	if fs.Kind != yaml.MappingNode {
		return diag.List{f.Errorf(fs.Line, fs.Column, "expected a mapping of function names to their params and body, got %s", kindOf(fs))}
	}
	var errs diag.List
	seen := map[string]bool{}
	for i := 0; i+1 < len(fs.Content); i += 2 {
		k, v := fs.Content[i], yamlpos.Resolve(fs.Content[i+1])
		switch {
		case !IsIdent(k.Value):
			errs = append(errs, f.Errorf(k.Line, k.Column, "expected a function name, got %q", k.Value))
			continue
		case seen[k.Value]:
			errs = append(errs, f.Errorf(k.Line, k.Column, "function '%s' is declared twice", k.Value))
			continue
		case v.Kind != yaml.MappingNode:
			errs = append(errs, f.Errorf(v.Line, v.Column, "expected the params and body of function '%s', a mapping, got %s", k.Value, kindOf(v)))
			continue
		}
		seen[k.Value] = true
		fn, err := u.parseFunc(yf, k, v, opts)
		if err != nil {
			errs = append(errs, err...)
			continue
		}
		u.funcs = append(u.funcs, fn)
	}
	return errs
}

// parseFunc parses the declaration v of the function named by key k.
func (u *UserSchema) parseFunc(yf *yamlpos.File, k, v *yaml.Node, opts ParseOptions) (*Func, diag.List) {
	f := yf.File
	name := k.Value
	var errs diag.List
	var paramsKey, params, bodyKey, body, fileKey, file *yaml.Node
	for j := 0; j+1 < len(v.Content); j += 2 {
		ck, cv := v.Content[j], yamlpos.Resolve(v.Content[j+1])
		if cv.Kind != yaml.ScalarNode || cv.Tag == "!!null" {
			errs = append(errs, f.Errorf(cv.Line, cv.Column, "expected the %s of function '%s' as text, got %s", ck.Value, name, kindOf(cv)))
			continue
		}
		switch ck.Value {
		case "params":
			paramsKey, params = ck, cv
		case "body":
			bodyKey, body = ck, cv
		case "file":
			fileKey, file = ck, cv
		default:
			errs = append(errs, f.Errorf(ck.Line, ck.Column, "unknown key '%s' of function '%s'; expected 'params', 'body' or 'file'", ck.Value, name))
		}
	}
	switch {
	case len(errs) > 0:
		return nil, errs
	case body != nil && file != nil:
		return nil, diag.List{f.Errorf(fileKey.Line, fileKey.Column, "function '%s' has both a 'body' and a 'file'; expected one", name)}
	case body == nil && file == nil:
		return nil, diag.List{f.Errorf(k.Line, k.Column, "function '%s' has no 'body' or 'file'", name)}
	}
	var paramText string
	if params != nil {
		paramText = params.Value
	}
	var t *funcText
	if body != nil {
		t = newFuncText(name, paramText, body.Value)
		t.bodyFile, t.bodyAt = f, yf.ScalarPosition(bodyKey, body)
	} else {
		shown, src, err := opts.Read(file.Value)
		if err != nil {
			return nil, diag.List{f.Errorf(file.Line, file.Column, "function '%s': %v", name, err)}
		}
		t = newFuncText(name, paramText, string(src))
		bf := diag.NewFile(shown, src)
		t.bodyFile, t.bodyAt = bf, func(off int) (int, int) { return bf.Position(off) }
	}
	if params != nil {
		t.paramsFile, t.paramsAt = f, yf.ScalarPosition(paramsKey, params)
	}
	t.nameFile, t.nameLine, t.nameCol = f, k.Line, k.Column
	fn, err := t.parse(name, f.Name, opts.Parse)
	if err != nil {
		return nil, err.(diag.List)
	}
	return fn, nil
}

// FuncFiles returns the files that the functions of the schema file at
// path name (their `file:` keys), resolved against the file's folder and
// cleaned; nil when the file cannot be read or parsed. They hold function
// bodies, not rules: rule loading leaves them out.
func FuncFiles(path string) []string {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	docs, err := yamlpos.Decode(src)
	if err != nil || len(docs) != 1 || len(docs[0].Content) != 1 {
		return nil
	}
	root := yamlpos.Resolve(docs[0].Content[0])
	var out []string
	for i := 0; root.Kind == yaml.MappingNode && i+1 < len(root.Content); i += 2 {
		fs := yamlpos.Resolve(root.Content[i+1])
		if root.Content[i].Value != "functions" || fs.Kind != yaml.MappingNode {
			continue
		}
		for j := 1; j < len(fs.Content); j += 2 {
			fn := yamlpos.Resolve(fs.Content[j])
			for k := 0; fn.Kind == yaml.MappingNode && k+1 < len(fn.Content); k += 2 {
				if v := fn.Content[k+1]; fn.Content[k].Value == "file" && v.Kind == yaml.ScalarNode {
					p := filepath.FromSlash(v.Value)
					if !filepath.IsAbs(p) {
						p = filepath.Join(filepath.Dir(path), p)
					}
					out = append(out, filepath.Clean(p))
				}
			}
		}
	}
	return out
}
