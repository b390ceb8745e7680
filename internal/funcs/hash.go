package funcs

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"math/bits"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// This file declares the hash functions. hash() is XXH64 with seed 0 over
// a value's bytes: a string's UTF-8, a datetime's .NET ticks as 8
// little-endian bytes (both as the reference's examples show). The
// cryptographic hashes digest the value's text, as tostring() gives it
// (the reference's hash_sha256 of a datetime shows it).

// XXH64 primes.
const (
	xxPrime1 uint64 = 11400714785074694791
	xxPrime2 uint64 = 14029467366897019727
	xxPrime3 uint64 = 1609587929392839161
	xxPrime4 uint64 = 9650029242287828579
	xxPrime5 uint64 = 2870177450012600261
)

func xxRound(acc, input uint64) uint64 {
	acc += input * xxPrime2
	return bits.RotateLeft64(acc, 31) * xxPrime1
}

func xxMerge(acc, v uint64) uint64 {
	acc ^= xxRound(0, v)
	return acc*xxPrime1 + xxPrime4
}

// xxhash64 returns the XXH64 hash of b with the given seed, as specified
// by the xxHash reference (github.com/Cyan4973/xxHash, doc/xxhash_spec.md).
func xxhash64(b []byte, seed uint64) uint64 {
	n := len(b)
	var h uint64
	if n >= 32 {
		v1, v2, v3, v4 := seed+xxPrime1+xxPrime2, seed+xxPrime2, seed, seed-xxPrime1
		for ; len(b) >= 32; b = b[32:] {
			v1 = xxRound(v1, binary.LittleEndian.Uint64(b))
			v2 = xxRound(v2, binary.LittleEndian.Uint64(b[8:]))
			v3 = xxRound(v3, binary.LittleEndian.Uint64(b[16:]))
			v4 = xxRound(v4, binary.LittleEndian.Uint64(b[24:]))
		}
		h = bits.RotateLeft64(v1, 1) + bits.RotateLeft64(v2, 7) + bits.RotateLeft64(v3, 12) + bits.RotateLeft64(v4, 18)
		h = xxMerge(h, v1)
		h = xxMerge(h, v2)
		h = xxMerge(h, v3)
		h = xxMerge(h, v4)
	} else {
		h = seed + xxPrime5
	}
	h += uint64(n)
	for ; len(b) >= 8; b = b[8:] {
		h ^= xxRound(0, binary.LittleEndian.Uint64(b))
		h = bits.RotateLeft64(h, 27)*xxPrime1 + xxPrime4
	}
	if len(b) >= 4 {
		h ^= uint64(binary.LittleEndian.Uint32(b)) * xxPrime1
		h = bits.RotateLeft64(h, 23)*xxPrime2 + xxPrime3
		b = b[4:]
	}
	for _, c := range b {
		h ^= uint64(c) * xxPrime5
		h = bits.RotateLeft64(h, 11) * xxPrime1
	}
	h ^= h >> 33
	h *= xxPrime2
	h ^= h >> 29
	h *= xxPrime3
	h ^= h >> 32
	return h
}

// hashBytes returns the bytes that hash() digests for value v of type t:
// a string's UTF-8; datetimes (as .NET ticks), timespans, longs and reals
// as 8 little-endian bytes; an int as 4; a bool as 1; a GUID's 16 bytes in
// .NET order. Only the string and datetime encodings are confirmed by the
// reference.
func hashBytes(t schema.Type, v any) []byte {
	switch x := v.(type) {
	case string:
		if t == schema.Guid {
			if b, ok := guidBytes(x); ok {
				return b
			}
		}
		return []byte(x)
	case bool:
		if x {
			return []byte{1}
		}
		return []byte{0}
	case int64:
		if t == schema.Int {
			return binary.LittleEndian.AppendUint32(nil, uint32(x))
		}
		return binary.LittleEndian.AppendUint64(nil, uint64(x))
	case value.Datetime:
		return binary.LittleEndian.AppendUint64(nil, uint64(x.Ticks()))
	case value.Timespan:
		return binary.LittleEndian.AppendUint64(nil, uint64(x))
	case float64:
		return binary.LittleEndian.AppendUint64(nil, math.Float64bits(x))
	}
	return []byte(ToString(t, v))
}

// hashValue returns hash() of row i of c, and false for a null.
func hashValue(c *value.Column, i int) (uint64, bool) {
	v := c.Get(i)
	if v == nil && c.Type != schema.String {
		return 0, false
	}
	if v == nil {
		v = ""
	}
	return xxhash64(hashBytes(c.Type, ToDynamic(c.Type, v)), 0), true
}

// hashKernel implements hash() and hash_xxhash64(): with a modulo, the
// hash as an unsigned number modulo it (null for a modulo below 1).
func hashKernel(_ *Context, args []*value.Column, n int, out *value.Column) {
	w := writer[int64](out)
	n = rows(args, n, out)
	for i := 0; i < n; i++ {
		h, ok := hashValue(args[0], i)
		if !ok {
			w(0, false)
			continue
		}
		if len(args) > 1 {
			mod, ok := reader[int64](args[1])(i)
			if !ok || mod < 1 {
				w(0, false)
				continue
			}
			w(int64(h%uint64(mod)), true)
			continue
		}
		w(int64(h), true)
	}
}

// combineHashes combines hashes in order: XXH64 (seed 0) of their 8-byte
// little-endian forms. Kusto does not document its combination, so the
// values differ from Kusto's; like Kusto's, they are stable within a
// query, depend on the order, and hash_many(a, b) equals
// hash_combine(hash(a), hash(b)).
func combineHashes(hs []uint64) uint64 {
	b := make([]byte, 0, 8*len(hs))
	for _, h := range hs {
		b = binary.LittleEndian.AppendUint64(b, h)
	}
	return xxhash64(b, 0)
}

// digestKernel returns a kernel that hex-encodes digest of the text of
// its argument.
func digestKernel(digest func([]byte) []byte) Kernel {
	return func(_ *Context, args []*value.Column, n int, out *value.Column) {
		rs := reader[string](args[0])
		n = rows(args, n, out)
		for i := 0; i < n; i++ {
			s, ok := rs(i)
			if !ok && args[0].Type != schema.String {
				out.AppendNull()
				continue
			}
			out.Strs = append(out.Strs, hex.EncodeToString(digest([]byte(s))))
		}
	}
}

func init() {
	defer inCategory(CatHash)()
	hashSigs := []*Sig{
		sig(schema.Long, hashKernel, p("source", Scalar)),
		sig(schema.Long, hashKernel, p("source", Scalar), p("mod", Integer)),
	}
	register(&Func{Name: "hash", Pure: true, Ref: refText + "hash-function",
		Doc:  "Returns the xxhash64 hash of a value, optionally modulo a number.",
		Sigs: hashSigs,
		Examples: []Example{{`hash("World")`, "1846988464401551951"}, {`hash("World", 100)`, "51"},
			{`hash(datetime(2015-01-01))`, "1380966698541616202"}, {`hash("Hello")`, "753694413698530628"}}})
	register(&Func{Name: "hash_xxhash64", Pure: true, Ref: refText + "hash-xxhash64-function",
		Doc:  "Returns the xxhash64 hash of a value, optionally modulo a number.",
		Sigs: hashSigs,
		Examples: []Example{{`hash_xxhash64("World")`, "1846988464401551951"}, {`hash_xxhash64("World", 100)`, "51"},
			{`hash_xxhash64(datetime(2015-01-01))`, "1380966698541616202"}}})

	digest := func(name, doc string, f func([]byte) []byte, examples ...Example) {
		register(&Func{Name: name, Pure: true, Ref: refText + name[:4] + "-" + name[5:] + "-function", Doc: doc, Examples: examples,
			Sigs: []*Sig{sig(schema.String, digestKernel(f), p("source", Scalar))}})
	}
	digest("hash_sha256", "Returns the SHA-256 hash of a value's text, in hex.",
		func(b []byte) []byte { s := sha256.Sum256(b); return s[:] },
		Example{`hash_sha256("World")`, "78ae647dc5544d227130a0682a51e30bc7777fbb6d8a8f17007463a3ecd1d524"},
		Example{`hash_sha256(datetime(2020-01-01))`, "ba666752dc1a20eb750b0eb64e780cc4c968bc9fb8813461c1d7e750f302d71d"},
		Example{`hash_sha256("TEXAS")`, "9087f20f23f91b5a77e8406846117049029e6798ebbd0d38aea68da73a00ca37"})
	digest("hash_sha1", "Returns the SHA-1 hash of a value's text, in hex.",
		func(b []byte) []byte { s := sha1.Sum(b); return s[:] },
		Example{`hash_sha1("World")`, "70c07ec18ef89c5309bbb0937f3a6342411e1fdd"},
		Example{`hash_sha1(datetime(2020-01-01))`, "e903e533f4d636b4fc0dcf3cf81e7b7f330de776"})
	digest("hash_md5", "Returns the MD5 hash of a value's text, in hex.",
		func(b []byte) []byte { s := md5.Sum(b); return s[:] },
		Example{`hash_md5("World")`, "f5a7924e621e84c9280a9a27e1bcb7f6"},
		Example{`hash_md5(datetime(2020-01-01))`, "786c530672d1f8db31fee25ea8a9390b"})

	register(&Func{Name: "hash_combine", Pure: true, Ref: refText + "hash-combine-function",
		Doc: "Combines hash values into one (values differ from Kusto's, whose combination is not documented).",
		Sigs: []*Sig{{Params: []Param{p("h", Integer)}, Variadic: true, Result: Returns(schema.Long),
			Eval: func(_ *Context, args []*value.Column, n int, out *value.Column) {
				w := writer[int64](out)
				n = rows(args, n, out)
				readers := make([]func(int) (int64, bool), len(args))
				for j, a := range args {
					readers[j] = reader[int64](a)
				}
				hs := make([]uint64, len(args))
			row:
				for i := 0; i < n; i++ {
					for j, r := range readers {
						h, ok := r(i)
						if !ok {
							w(0, false)
							continue row
						}
						hs[j] = uint64(h)
					}
					w(int64(combineHashes(hs)), true)
				}
			}}},
		Examples: []Example{{`hash_combine(hash("Hello"), hash("World")) == hash_many("Hello", "World")`, "true"},
			{`hash_combine(1, 2) != hash_combine(2, 1)`, "true"}}})
	register(&Func{Name: "hash_many", Pure: true, Ref: refText + "hash-many-function",
		Doc: "Returns the combination of the hash() of each value (values differ from Kusto's, whose combination is not documented).",
		Sigs: []*Sig{{Params: []Param{p("source", Scalar)}, Variadic: true, Result: Returns(schema.Long),
			Eval: func(_ *Context, args []*value.Column, n int, out *value.Column) {
				w := writer[int64](out)
				n = rows(args, n, out)
				hs := make([]uint64, len(args))
			row:
				for i := 0; i < n; i++ {
					for j, a := range args {
						h, ok := hashValue(a, i)
						if !ok {
							w(0, false)
							continue row
						}
						hs[j] = h
					}
					w(int64(combineHashes(hs)), true)
				}
			}}},
		Examples: []Example{{`hash_many("Hello", "World") != hash_many("World", "Hello")`, "true"}}})
}
