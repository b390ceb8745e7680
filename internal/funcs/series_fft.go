package funcs

import (
	"math"
	"math/bits"
	"math/cmplx"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// series_fft(x_real[, x_imaginary]) and series_ifft(fft_real[,
// fft_imaginary]) transform a complex series to the frequency domain and
// back; each returns the real and the imaginary parts as two series.
// Missing or non-numeric elements count as 0, as does an absent
// imaginary part. The inverse divides by n, so that series_ifft undoes
// series_fft (the reference example's round trip).
// https://learn.microsoft.com/kusto/query/series-fft-function
// https://learn.microsoft.com/kusto/query/series-ifft-function
func init() {
	defer inCategory(CatSeriesProcessing)()
	for _, inverse := range []bool{false, true} {
		name, ref, doc := "series_fft", "series-fft-function",
			"Applies the fast Fourier transform to a complex series (real part, optional imaginary part); returns the real and the imaginary parts of the transform."
		first, second := "x_real", "x_imaginary"
		if inverse {
			name, ref, doc = "series_ifft", "series-ifft-function",
				"Applies the inverse fast Fourier transform to a complex series (real part, optional imaginary part), divided by its length; returns the real and the imaginary parts."
			first, second = "fft_real", "fft_imaginary"
		}
		registerTuple(tupleDecl{name: name, ref: ref, doc: doc,
			outputs: []Output{{"real", schema.Dynamic}, {"imaginary", schema.Dynamic}},
			sigs:    [][]Param{{p(first, tDynamic)}, {p(first, tDynamic), p(second, tDynamic)}},
			compute: func(args []any) []any {
				re, ok := fftPart(args[0])
				if !ok {
					return nil
				}
				im := make([]float64, len(re))
				if v := seriesOpt(args, 1); v != nil {
					xs, ok := fftPart(v)
					if !ok {
						return nil
					}
					copy(im, xs)
				}
				xs := make([]complex128, len(re))
				for i := range xs {
					xs[i] = complex(re[i], im[i])
				}
				ys := fft(xs, inverse)
				outR, outI := make([]any, len(ys)), make([]any, len(ys))
				for i, y := range ys {
					outR[i], outI[i] = real(y), imag(y)
				}
				return []any{outR, outI}
			},
			examples: []Example{{name + `(dynamic([1, 1, 1, 1]))`, map[bool]string{false: "[4.0,0.0,0.0,0.0]", true: "[1.0,0.0,0.0,0.0]"}[inverse]}}})
	}
}

// fftPart reads a series for the transforms: missing elements are 0.
func fftPart(v any) ([]float64, bool) {
	xs, ok := seriesOf(v)
	if !ok {
		return nil, false
	}
	for i, x := range xs {
		if math.IsNaN(x) {
			xs[i] = 0
		}
	}
	return xs, true
}

// fft is the discrete Fourier transform of xs, X_k = Σ x_j·e^(∓2πijk/n)
// (the inverse, with +, divided by n): radix-2 for a power of two,
// directly otherwise.
func fft(xs []complex128, inverse bool) []complex128 {
	n := len(xs)
	out := make([]complex128, n)
	if n == 0 {
		return out
	}
	sign := -1.0
	if inverse {
		sign = 1
	}
	if n&(n-1) == 0 {
		shift := 64 - bits.TrailingZeros(uint(n))
		for i, x := range xs {
			if shift == 64 {
				out[0] = x
				break
			}
			out[bits.Reverse64(uint64(i))>>shift] = x
		}
		for size := 2; size <= n; size <<= 1 {
			step := cmplx.Exp(complex(0, sign*2*math.Pi/float64(size)))
			for start := 0; start < n; start += size {
				w := complex(1, 0)
				for k := 0; k < size/2; k++ {
					a, b := out[start+k], w*out[start+k+size/2]
					out[start+k], out[start+k+size/2] = a+b, a-b
					w *= step
				}
			}
		}
	} else {
		for k := range out {
			var sum complex128
			for j, x := range xs {
				sum += x * cmplx.Exp(complex(0, sign*2*math.Pi*float64(j*k%n)/float64(n)))
			}
			out[k] = sum
		}
	}
	if inverse {
		for i := range out {
			out[i] /= complex(float64(n), 0)
		}
	}
	return out
}
