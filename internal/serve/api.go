package serve

import "context"

// apiPart is the query API: /api/query, /api/check, /api/complete, /api/rules, /api/hunt, /api/findings, /api/tables, /api/openapi.json.
// Scaffolding: its owner replaces this file.
type apiPart struct{}

func (p *apiPart) open(ctx context.Context, s *Server) error { return nil }

func (p *apiPart) close() error { return nil }

func (p *apiPart) routes() []route { return nil }
