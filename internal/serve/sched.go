package serve

import "context"

// schedPart is the scheduler and alerts (packages sched and alerts): scheduled rules over contiguous windows, alert sinks, GET /api/alerts, POST /api/admin/clock.
// Scaffolding: its owner replaces this file.
type schedPart struct{}

func (p *schedPart) open(ctx context.Context, s *Server) error { return nil }

func (p *schedPart) close() error { return nil }

func (p *schedPart) routes() []route { return nil }
