package serve

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/serve/clock"
)

// openAPIDocument is the embedded document, decoded.
type openAPIDocument struct {
	OpenAPI    string                                 `json:"openapi"`
	Paths      map[string]map[string]openAPIOperation `json:"paths"`
	Components struct {
		Schemas map[string]map[string]any `json:"schemas"`
	} `json:"components"`
}

type openAPIOperation struct {
	Scope     string                    `json:"x-kqlhunt-scope"`
	Responses map[string]map[string]any `json:"responses"`
}

func loadOpenAPI(t *testing.T) *openAPIDocument {
	t.Helper()
	var doc openAPIDocument
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("expected OpenAPI 3.1.0, got %q", doc.OpenAPI)
	}
	return &doc
}

// routeKey turns a route's pattern into "METHOD /path" as the document
// writes it: GET /{$} is GET /, {name...} is {name}.
func routeKey(pattern string) string {
	return strings.ReplaceAll(strings.ReplaceAll(pattern, "{$}", ""), "...}", "}")
}

// TestOpenAPIRoutes checks the document against the handlers: every
// route is documented with its method and scope, and every documented
// operation is a route (but those of parts not merged yet).
func TestOpenAPIRoutes(t *testing.T) {
	doc := loadOpenAPI(t)
	s, _ := apiTestServer(t, Options{})
	documented := map[string]string{} // "METHOD /path" → scope
	for path, ops := range doc.Paths {
		for method, op := range ops {
			documented[strings.ToUpper(method)+" "+path] = op.Scope
			if op.Scope == "" {
				t.Errorf("%s %s: expected x-kqlhunt-scope, got none", method, path)
			}
			if len(op.Responses) == 0 {
				t.Errorf("%s %s: expected responses, got none", method, path)
			}
		}
	}
	routed := map[string]bool{}
	for _, r := range s.routes() {
		key := routeKey(r.pattern)
		routed[key] = true
		scope, ok := documented[key]
		switch {
		case !ok:
			t.Errorf("route %q is not in openapi.json", r.pattern)
		case scope != string(r.scope) && !(scope == "none" && r.scope == ScopeNone):
			t.Errorf("%s: expected the scope %q of the route, got %q in openapi.json", key, r.scope, scope)
		}
	}
	var missing []string
	for key := range documented {
		if !routed[key] {
			missing = append(missing, key)
		}
	}
	sort.Strings(missing)
	for _, key := range missing {
		t.Errorf("openapi.json documents %s, which no route serves", key)
	}
	// Every reference resolves.
	var refs func(v any)
	refs = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if r, ok := v["$ref"].(string); ok {
				name := strings.TrimPrefix(r, "#/components/schemas/")
				if doc.Components.Schemas[name] == nil {
					t.Errorf("openapi.json: %s refers to no schema", r)
				}
			}
			for _, x := range v {
				refs(x)
			}
		case []any:
			for _, x := range v {
				refs(x)
			}
		}
	}
	var whole any
	json.Unmarshal(openAPIDoc, &whole)
	refs(whole)
}

// TestOpenAPIServed checks that the document is served without a token.
func TestOpenAPIServed(t *testing.T) {
	dir := t.TempDir()
	apiWriteFile(t, dir+"/tokens", "secret read\n")
	_, ts := apiTestServer(t, Options{Tokens: dir + "/tokens"})
	code, body := apiDo(t, ts, "GET", "/api/openapi.json", nil, "")
	if code != 200 || string(body) != string(openAPIDoc) {
		t.Errorf("expected the document, got %d (%d bytes)", code, len(body))
	}
}

// TestOpenAPIAnswers checks that a JSON answer of each endpoint of the
// query API validates against its schema in the document: types,
// required properties, enums.
func TestOpenAPIAnswers(t *testing.T) {
	doc := loadOpenAPI(t)
	start, _ := time.Parse(time.RFC3339, seedNow)
	s, ts := apiTestServer(t, Options{RulePaths: []string{"../../examples/rules"}, Clock: clock.NewManual(start)})
	routed := map[string]bool{}
	for _, r := range s.routes() {
		routed[routeKey(r.pattern)] = true
	}
	record := `{"records": [{"time": "2025-03-04T10:00:00Z", "category": "AdvancedHunting-DeviceNetworkEvents", "properties": {"Timestamp": "2025-03-04T10:00:00Z", "DeviceName": "wks-9", "RemoteUrl": "a.screenmeet.com"}}]}`
	for _, c := range []struct {
		method, path string
		body         any
		status       string
	}{
		{"POST", "/api/query", queryRequest{Query: `DeviceNetworkEvents | summarize n = count(), s = make_set(RemotePort) by bin(Timestamp, 1h), DeviceName | render timechart`, Now: seedNow}, "200"},
		{"POST", "/api/query", queryRequest{Query: `print x = 1`}, "200"},
		{"POST", "/api/query", queryRequest{Query: `DeviceNetworkEvents | where Nope`}, "400"},
		{"POST", "/api/query", `{"query": 1}`, "400"},
		{"POST", "/api/check", checkRequest{Query: `DeviceNetworkEvents | where Nope`}, "200"},
		{"POST", "/api/check", checkRequest{Query: `DeviceNetworkEvents`}, "200"},
		{"POST", "/api/complete", completeRequest{Query: `DeviceNetworkEvents | where `, Offset: 28}, "200"},
		{"POST", "/api/complete", completeRequest{Query: `x`, Offset: 5}, "400"},
		{"GET", "/api/tables", nil, "200"},
		// The other parts' endpoints, once merged.
		{"POST", "/ingest", record, "202"},
		{"POST", "/ingest", `{"records": [`, "400"},
		{"GET", "/api/rules", nil, "200"},
		{"POST", "/api/hunt", `{}`, "200"},
		{"GET", "/api/findings?limit=5", nil, "200"},
		{"POST", "/api/admin/clock", `{"advance": "1h"}`, "200"},
		{"GET", "/api/alerts", nil, "200"},
		{"GET", "/api/alerts?from=yesterday", nil, "400"},
	} {
		path, _, _ := strings.Cut(c.path, "?")
		if key := c.method + " " + path; !routed[key] {
			t.Errorf("%s is not a route", key)
			continue
		}
		code, body := apiDo(t, ts, c.method, c.path, c.body, "")
		if fmt.Sprint(code) != c.status {
			t.Errorf("%s %s %v: expected %s, got %d: %s", c.method, c.path, c.body, c.status, code, body)
			continue
		}
		op := doc.Paths[path][strings.ToLower(c.method)]
		resp := op.Responses[c.status]
		if resp == nil {
			t.Errorf("%s %s: openapi.json documents no %s answer", c.method, c.path, c.status)
			continue
		}
		schema := resp["content"].(map[string]any)["application/json"].(map[string]any)["schema"]
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			t.Errorf("%s %s: %v", c.method, c.path, err)
			continue
		}
		for _, e := range validate(doc, schema, v, "$") {
			t.Errorf("%s %s (%s): %s", c.method, c.path, c.status, e)
		}
	}
}

// TestValidate checks that the validator of the answers finds what it
// should.
func TestValidate(t *testing.T) {
	doc := loadOpenAPI(t)
	schema := map[string]any{"$ref": "#/components/schemas/CompleteResponse"}
	for _, c := range []struct {
		json string
		errs int
	}{
		{`{"from": 1, "items": []}`, 0},
		{`{"from": 1, "items": [{"label": "a", "kind": "table", "detail": "", "insert": "a"}]}`, 0},
		{`{"items": []}`, 1},
		{`{"from": "1", "items": []}`, 1},
		{`{"from": 1.5, "items": []}`, 1},
		{`{"from": 1, "items": [{"label": "a", "kind": "nope", "detail": "", "insert": "a"}]}`, 1},
		{`{"from": 1, "items": [{"kind": "table", "detail": "", "insert": "a"}]}`, 1},
	} {
		var v any
		json.Unmarshal([]byte(c.json), &v)
		if errs := validate(doc, schema, v, "$"); len(errs) != c.errs {
			t.Errorf("%s: expected %d errors, got %q", c.json, c.errs, errs)
		}
	}
}

// validate checks v against schema, a JSON Schema of the document: $ref,
// type (one or a list), enum, const, required, properties, items, oneOf.
// It returns the errors, each with its JSON path.
func validate(doc *openAPIDocument, schema any, v any, path string) []string {
	s, ok := schema.(map[string]any)
	if !ok {
		return nil
	}
	if r, ok := s["$ref"].(string); ok {
		target := doc.Components.Schemas[strings.TrimPrefix(r, "#/components/schemas/")]
		if target == nil {
			return []string{path + ": unknown schema " + r}
		}
		return validate(doc, target, v, path)
	}
	if alts, ok := s["oneOf"].([]any); ok {
		n := 0
		var first []string
		for _, a := range alts {
			if errs := validate(doc, a, v, path); len(errs) == 0 {
				n++
			} else if first == nil {
				first = errs
			}
		}
		if n != 1 {
			return append([]string{fmt.Sprintf("%s: expected one of %d schemas to match, got %d", path, len(alts), n)}, first...)
		}
		return nil
	}
	if t, ok := s["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, x.(string))
			}
		}
		match := false
		for _, want := range types {
			if jsonType(v, want) {
				match = true
			}
		}
		if !match {
			return []string{fmt.Sprintf("%s: expected %s, got %s", path, strings.Join(types, " or "), describeJSON(v))}
		}
	}
	if enum, ok := s["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			if e == v {
				found = true
			}
		}
		if !found {
			return []string{fmt.Sprintf("%s: expected one of %v, got %v", path, enum, v)}
		}
	}
	var errs []string
	switch v := v.(type) {
	case map[string]any:
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				if _, ok := v[r.(string)]; !ok {
					errs = append(errs, fmt.Sprintf("%s: expected the property %q, got none", path, r))
				}
			}
		}
		if props, ok := s["properties"].(map[string]any); ok {
			for name, ps := range props {
				if x, ok := v[name]; ok {
					errs = append(errs, validate(doc, ps, x, path+"."+name)...)
				}
			}
		}
	case []any:
		for i, x := range v {
			errs = append(errs, validate(doc, s["items"], x, fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	return errs
}

func jsonType(v any, t string) bool {
	switch t {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "null":
		return v == nil
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == float64(int64(f))
	}
	return false
}

func describeJSON(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("%T %v", v, v)
}
