package gather

import "math"

// AdamConsts are the float32 constants of one Adam step (see AdamUpdate).
type AdamConsts struct {
	OneMinusBeta1, OneMinusBeta2 float32
	Beta1, Beta2                 float32
	Eps, NegEta                  float32
	Correction1, Correction2     float32 // 1/(1−β^t), rounded to float32
}

// AdamUpdate applies one Adam step to w with gradient g and moments m, v
// (all the same length), then zeroes g, with these float32 operations
// per element, each rounded, in this order:
//
//	m' = g·(1−β1) + m·β1
//	v' = (g·g)·(1−β2) + v·β2
//	w += ((m'·c1)·(−η)) / (√(v'·c2) + ε)
//
// They are gorgonia's AdamSolver's, so w comes out as that solver leaves
// it. Elements are independent: callers may split the slices.
func AdamUpdate(w, g, m, v []float32, c *AdamConsts) {
	n := len(w)
	g, m, v = g[:n], m[:n], v[:n]
	done := adamSIMD(w, g, m, v, c)
	for i := done; i < n; i++ {
		gi := g[i]
		t1 := float32(gi * c.OneMinusBeta1)
		gg := float32(float32(gi*gi) * c.OneMinusBeta2)
		nm := t1 + float32(m[i]*c.Beta1)
		nv := gg + float32(v[i]*c.Beta2)
		m[i], v[i] = nm, nv
		mh := float32(nm * c.Correction1)
		vh := float32(math.Sqrt(float64(float32(nv*c.Correction2)))) + c.Eps // correctly rounded, like SQRTSS
		w[i] += float32(mh*c.NegEta) / vh
		g[i] = 0
	}
}
