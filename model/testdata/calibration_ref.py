"""Reference calibrations for model/calibrator_test.go, from scikit-learn.

/usr/bin/python3 model/testdata/calibration_ref.py > model/testdata/calibration_ref.json
(scikit-learn 1.2.1, Debian's python3-sklearn)
"""
import json

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV, _sigmoid_calibration
from sklearn.isotonic import IsotonicRegression


class Fixed(BaseEstimator, ClassifierMixin):
    """A prefit classifier whose probabilities are given (as float64:
    scikit-learn's isotonic regression on float32 input pools in float32,
    which merges blocks differently from exact arithmetic)."""

    def __init__(self, probs, classes):
        self.probs = np.asarray(probs, dtype=np.float64)
        self.classes_ = np.arange(classes)

    def fit(self, X, y):
        return self

    def predict_proba(self, X):
        return self.probs[X[:, 0].astype(int)]


def logit(p):
    p = np.clip(p.astype(np.float64), 1e-7, 1 - 1e-7)
    return np.log(p / (1 - p))


rng = np.random.default_rng(7)
out = {}

# binary, miscalibrated: the true probability is raw**1.7
for name, n in (("isotonic", 5000), ("platt", 300)):
    raw = rng.uniform(0.01, 0.99, n).astype(np.float32)
    y = (rng.uniform(size=n) < raw.astype(np.float64) ** 1.7).astype(int)
    grid = np.linspace(0, 1, 101).astype(np.float32)
    case = {"probs": raw.tolist(), "labels": y.tolist(), "grid": grid.tolist()}
    if name == "isotonic":
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(raw.astype(np.float64), y)
        case["want"] = iso.predict(grid.astype(np.float64)).tolist()
        cal = CalibratedClassifierCV(Fixed(np.stack([1 - raw, raw], 1), 2), method="isotonic", cv="prefit")
        cal.fit(np.arange(n)[:, None], y)
        case["want_cv"] = cal.predict_proba(np.arange(n)[:, None])[:, 1].tolist()
    else:
        a, b = _sigmoid_calibration(logit(raw), y)
        case["a"], case["b"] = float(a), float(b)
        case["want"] = (1 / (1 + np.exp(a * logit(grid) + b))).tolist()
    out[name] = case

# multiclass, 3 classes, 4000 rows: CalibratedClassifierCV (isotonic, prefit)
n, k = 4000, 3
logits = rng.normal(size=(n, k)) * 1.5
true = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
y = np.array([rng.choice(k, p=p) for p in true])
raw = np.exp(logits * 0.6) / np.exp(logits * 0.6).sum(1, keepdims=True)  # under-confident
raw = raw.astype(np.float32)
cal = CalibratedClassifierCV(Fixed(raw, k), method="isotonic", cv="prefit")
cal.fit(np.arange(n)[:, None], y)
out["multiclass"] = {"probs": raw.ravel().tolist(), "labels": y.tolist(),
                     "want_cv": cal.predict_proba(np.arange(n)[:, None]).ravel().tolist()}
print(json.dumps(out))
