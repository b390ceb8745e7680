package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// apiError is the body of every 4xx and 5xx answer of the API.
type apiError struct {
	Error string `json:"error"`
	// Diagnostics, for a query that does not compile, are its messages
	// at their positions.
	Diagnostics []Diagnostic `json:"diagnostics,omitempty"`
}

// Diagnostic is a message about query text. Start and End are offsets in
// UTF-16 code units (as JavaScript indexes strings); Line and Column are
// 1-based, the column counting characters.
type Diagnostic struct {
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, apiError{Error: msg})
}

// readJSON decodes a request body into v, refusing unknown fields,
// trailing data and bodies over the route's limit. On error it has
// answered the request (400 or 413) and returns false.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	// A body that is not an object (null, a list, a string) is refused:
	// decoding null into a struct would leave it untouched.
	var raw json.RawMessage
	err := dec.Decode(&raw)
	if err == nil && dec.More() {
		err = errors.New("unexpected data after the JSON object")
	}
	if err == nil {
		if trimmed := bytes.TrimLeft(raw, " \t\r\n"); len(trimmed) == 0 || trimmed[0] != '{' {
			err = fmt.Errorf("expected a JSON object, got %s", describeJSONStart(trimmed))
		} else {
			inner := json.NewDecoder(bytes.NewReader(raw))
			inner.DisallowUnknownFields()
			err = inner.Decode(v)
		}
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than %d bytes", tooBig.Limit))
			return false
		}
		writeError(w, http.StatusBadRequest, fmt.Sprintf("malformed request body: %v", err))
		return false
	}
	return true
}

// describeJSONStart names the kind of JSON value b starts.
func describeJSONStart(b []byte) string {
	switch {
	case len(b) == 0:
		return "nothing"
	case b[0] == '[':
		return "an array"
	case b[0] == '"':
		return "a string"
	case b[0] == 'n':
		return "null"
	case b[0] == 't' || b[0] == 'f':
		return "a boolean"
	}
	return "a number"
}
