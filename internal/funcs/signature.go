package funcs

// Signatures returns f's signatures as docs/functions.md writes them,
// such as "strlen(s: string) → long", for editors' completion details.
func (f *Func) Signatures() []string {
	out := make([]string, len(f.Sigs))
	for i, s := range f.Sigs {
		out[i] = signatureText(f.Name, s.Params, s.Variadic, s.Result)
	}
	return out
}

// Signatures returns a's signatures as docs/functions.md writes them.
func (a *Agg) Signatures() []string {
	out := make([]string, len(a.Sigs))
	for i, s := range a.Sigs {
		out[i] = signatureText(a.Name, s.Params, s.Variadic, s.Result)
	}
	return out
}
