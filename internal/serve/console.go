package serve

import "context"

// consolePart is the web console: GET / and its embedded assets.
// Scaffolding: its owner replaces this file.
type consolePart struct{}

func (p *consolePart) open(ctx context.Context, s *Server) error { return nil }

func (p *consolePart) close() error { return nil }

func (p *consolePart) routes() []route { return nil }
