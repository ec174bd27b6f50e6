#!/usr/bin/python3
"""scipy's drift figures for validate/flights_drift_test.go.

Run with Debian's scipy (apt-get install python3-scipy):
    /usr/bin/python3 validate/testdata/flights_drift.py ROWS.csv

ROWS.csv has lines "side,origin,distance" with side 0 for the reference
(January) and 1 for the current data (June), written by the Go test from
flights-3m.parquet. Prints one JSON object computed on those exact rows,
independently of the Go code, over every category either side has:
  origin_chi2, origin_dof  scipy.stats.chi2_contingency([r, c], correction=False)
  origin_js                scipy.spatial.distance.jensenshannon(r, c, base=2)
  origin_psi               Σ (c−r)·ln(c/r) over the shares, empty shares 1e-4
  distance_ks              scipy.stats.ks_2samp(ref, cur).statistic
  distance_w1              scipy.stats.wasserstein_distance(ref, cur)
"""
import collections
import json
import sys

import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon

EPS = 1e-4


def main(path):
    counts = [collections.Counter(), collections.Counter()]
    dist = [[], []]
    with open(path) as f:
        for line in f:
            side, origin, d = line.rstrip("\n").split(",")
            s = int(side)
            counts[s][origin] += 1
            dist[s].append(float(d))
    cats = sorted(set(counts[0]) | set(counts[1]))
    r = np.array([counts[0][c] for c in cats], float)
    c = np.array([counts[1][c] for c in cats], float)
    chi2, _, dof, _ = stats.chi2_contingency([r, c], correction=False)
    rs, cs = r / r.sum(), c / c.sum()
    rp, cp = np.where(rs == 0, EPS, rs), np.where(cs == 0, EPS, cs)
    ref, cur = np.array(dist[0]), np.array(dist[1])
    print(json.dumps({
        "rows": [len(ref), len(cur)],
        "origin_categories": len(cats),
        "origin_chi2": float(chi2),
        "origin_dof": int(dof),
        "origin_js": float(jensenshannon(rs, cs, base=2)),
        "origin_psi": float(np.sum((cp - rp) * np.log(cp / rp))),
        "distance_ks": float(stats.ks_2samp(ref, cur).statistic),
        "distance_w1": float(stats.wasserstein_distance(ref, cur)),
    }))


if __name__ == "__main__":
    main(sys.argv[1])
