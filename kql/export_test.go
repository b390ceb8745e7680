package kql

import "github.com/kqlhunt/kqlhunt/internal/exec"

// TablesOf makes an executor Source the Tables of a run, for tests whose
// sources (endless, failing) no exported Tables gives.
func TablesOf(src exec.Source) Tables { return sourceTables{src} }

type sourceTables struct{ src exec.Source }

func (s sourceTables) engine() exec.Source { return s.src }
