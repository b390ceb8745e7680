package value

import "github.com/kqlhunt/kqlhunt/internal/schema"

func schemaType(name string) (schema.Type, bool) { return schema.ParseType(name) }
