package chdb

import (
	"strings"
	"testing"
)

func TestQuery(t *testing.T) {
	lib, skip, err := ForTests()
	if err != nil {
		t.Fatal(err)
	}
	if skip != "" {
		t.Skip(skip)
	}
	c, err := Open(lib)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	out, err := c.Query("SELECT version() >= '24'", "TSV")
	if err != nil || strings.TrimSpace(string(out)) != "1" {
		t.Fatalf("version: %q, %v", out, err)
	}
	if _, err := c.Query("SELECT nope()", "TSV"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("an unknown function gave %v", err)
	}
}
