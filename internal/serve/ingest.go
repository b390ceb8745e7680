package serve

import "context"

// ingestPart is ingestion and the store (package store): POST /ingest, the folder watcher, and the folders of ingested telemetry.
// Scaffolding: its owner replaces this file.
type ingestPart struct{}

func (p *ingestPart) open(ctx context.Context, s *Server) error { return nil }

func (p *ingestPart) close() error { return nil }

func (p *ingestPart) routes() []route { return nil }

// paths returns the folders of ingested telemetry, with every row
// acknowledged so far readable in them.
func (p *ingestPart) paths(ctx context.Context) ([]string, error) { return nil, nil }
