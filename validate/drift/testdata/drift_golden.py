#!/usr/bin/python3
"""Golden drift values for validate/drift_golden_test.go.

Run with Debian's scipy (apt-get install python3-scipy):
    /usr/bin/python3 validate/testdata/drift_golden.py > validate/testdata/drift_golden.json

Every number is computed on the exact data, independently of the Go code:
  psi   Σ (c−r)·ln(c/r) over bins (−∞,e1], (e1,e2], …, (e_k,+∞) with e_i the
        reference's inverted-CDF quantiles at i/10 (repeated edges merged),
        empty shares replaced by 1e-4 (not renormalized); categorical bins are
        the reference's categories plus one bin for every other value
  js    scipy.spatial.distance.jensenshannon(r, c, base=2) of the same shares
  ks    scipy.stats.ks_2samp(ref, cur).statistic
  ks_p  scipy.stats.kstwobign.sf(sqrt(n·m/(n+m))·ks)  (asymptotic Kolmogorov)
  w1    scipy.stats.wasserstein_distance(ref, cur)
  chi2  scipy.stats.chi2_contingency([r, c], correction=False)
Large cases use data from the splitmix64 generator below, which the Go test
reimplements; Go compares them through the sketch with looser tolerances.
"""
import json
import math

import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon

EPS = 1e-4
MASK = (1 << 64) - 1


def splitmix(seed):
    x = seed
    while True:
        x = (x + 0x9E3779B97F4A7C15) & MASK
        z = x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
        yield ((z >> 11) + 0.5) * 2.0**-53  # in (0, 1)


def normals(seed, n, mu, sigma):
    g = splitmix(seed)
    out = []
    for _ in range(n):
        u1, u2 = next(g), next(g)
        out.append(mu + sigma * math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2))
    return out


def psi(r, c):
    r = np.where(r == 0, EPS, r)
    c = np.where(c == 0, EPS, c)
    return float(np.sum((c - r) * np.log(c / r)))


def numeric_case(name, ref, cur, bins=10):
    ref, cur = np.asarray(ref, float), np.asarray(cur, float)
    qs = np.quantile(ref, [i / bins for i in range(1, bins)], method="inverted_cdf")
    edges = []
    for e in qs:
        if not edges or e > edges[-1]:
            edges.append(float(e))

    def shares(x):
        le = np.searchsorted(np.sort(x), edges, side="right")
        counts = np.diff(np.concatenate([[0], le, [len(x)]]))
        return counts / len(x)

    r, c = shares(ref), shares(cur)
    n, m = len(ref), len(cur)
    ks = stats.ks_2samp(ref, cur)
    en = n * m / (n + m)
    sd = ref.std(ddof=1)
    return {
        "name": name,
        "edges": edges,
        "ref_shares": r.tolist(),
        "cur_shares": c.tolist(),
        "psi": psi(r, c),
        "js": float(jensenshannon(r, c, base=2)),
        "ks": float(ks.statistic),
        "ks_p": float(stats.kstwobign.sf(math.sqrt(en) * ks.statistic)),
        "ks_p_scipy_auto": float(ks.pvalue),
        "w1": float(stats.wasserstein_distance(ref, cur)),
        "mean_shift": float((cur.mean() - ref.mean()) / sd),
        "std_shift": float((cur.std(ddof=1) - sd) / sd),
    }


def categorical_case(name, ref_counts, cur_counts):
    cats = list(ref_counts)
    other_c = sum(v for k, v in cur_counts.items() if k not in ref_counts)
    r = [ref_counts[k] for k in cats]
    c = [cur_counts.get(k, 0) for k in cats]
    if other_c:
        r.append(0)
        c.append(other_c)
    r, c = np.asarray(r, float), np.asarray(c, float)
    keep = (r + c) > 0
    chi2, p, dof, _ = stats.chi2_contingency([r[keep], c[keep]], correction=False)
    rs, cs = r / r.sum(), c / c.sum()
    return {
        "name": name,
        "ref_counts": ref_counts,
        "cur_counts": cur_counts,
        "psi": psi(rs, cs),
        "js": float(jensenshannon(rs, cs, base=2)),
        "chi2": float(chi2),
        "dof": int(dof),
        "p": float(p),
        "unseen_share": other_c / c.sum(),
    }


def main():
    rng = np.random.default_rng(7)
    small_ref = rng.normal(0, 1, 1000).round(6)
    small_cur = rng.normal(0.3, 1.2, 800).round(6)
    same = rng.normal(5, 2, 500).round(6)
    ties_ref = rng.poisson(2.0, 2000).astype(float)
    ties_cur = rng.poisson(2.6, 1500).astype(float)
    tiny_ref = rng.normal(0, 1, 40).round(6)
    tiny_cur = rng.normal(0.5, 1, 30).round(6)
    out = {
        "exact": [
            dict(numeric_case("shifted", small_ref, small_cur), ref=small_ref.tolist(), cur=small_cur.tolist()),
            dict(numeric_case("identical", same, same), ref=same.tolist(), cur=same.tolist()),
            dict(numeric_case("ties", ties_ref, ties_cur), ref=ties_ref.tolist(), cur=ties_cur.tolist()),
            dict(numeric_case("tiny", tiny_ref, tiny_cur), ref=tiny_ref.tolist(), cur=tiny_cur.tolist()),
        ],
        "sketch": [
            dict(numeric_case("normal_200k", normals(1, 200_000, 0, 1), normals(2, 150_000, 0.1, 1.1)),
                 ref_gen=[1, 200_000, 0, 1], cur_gen=[2, 150_000, 0.1, 1.1]),
        ],
        "categorical": [
            categorical_case("colors",
                             {"red": 500, "green": 300, "blue": 150, "black": 50},
                             {"red": 380, "green": 330, "blue": 160, "white": 30}),
            categorical_case("same", {"a": 10, "b": 20}, {"a": 10, "b": 20}),
        ],
    }
    print(json.dumps(out, indent=1))


main()
