package funcs

// HllHashes returns the distinct hashes an hll() value holds, and false
// when v is not one (dcount_intersect reads them).
func HllHashes(v any) ([]uint64, bool) {
	_, hashes, ok := parseHll(v)
	return hashes, ok
}
