#!/usr/bin/python3
"""Writes golden.json: expected metric values computed by scikit-learn.

Run with Debian's python3-sklearn (scikit-learn 1.2.1, numpy 1.24.2 when this
was generated):  /usr/bin/python3 testdata/golden.py > testdata/golden.json

Scores are rounded to float32 first and written as the float64 value of that
float32, so Go and Python compute on identical inputs. Undefined metrics
(sklearn raises or returns nan) are written as null.
"""
import json
import math
import warnings

import numpy as np
from sklearn import metrics
from sklearn.calibration import calibration_curve

warnings.simplefilter("ignore")
EPS = 1e-15  # evaluate.LogLossEps


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def num(x):
    x = float(x)
    return None if math.isnan(x) else x


def safe(fn):
    try:
        return num(fn())
    except ValueError:
        return None


def ece(y, p):
    # calibration_curve(strategy="uniform") gives per-bin means of non-empty
    # bins; the bin counts use the same searchsorted on linspace edges.
    prob_true, prob_pred = calibration_curve(y, p, n_bins=10, strategy="uniform")
    bins = np.linspace(0.0, 1.0, 11)
    counts = np.bincount(np.searchsorted(bins[1:-1], p), minlength=10)
    counts = counts[counts != 0]
    return float(np.sum(counts / len(p) * np.abs(prob_true - prob_pred)))


def binary_case(name, y, p, threshold=0.5):
    y = np.asarray(y, dtype=np.int64)
    p = f32(p)
    pred = (p >= threshold).astype(np.int64)
    tn, fp, fn, tp = metrics.confusion_matrix(y, pred, labels=[0, 1]).ravel()
    return {
        "name": name, "labels": y.tolist(), "scores": p.tolist(), "threshold": threshold,
        "want": {
            "accuracy": num(metrics.accuracy_score(y, pred)),
            "precision": num(metrics.precision_score(y, pred, zero_division=0)),
            "recall": num(metrics.recall_score(y, pred, zero_division=0)),
            "f1": num(metrics.f1_score(y, pred, zero_division=0)),
            "auc": safe(lambda: metrics.roc_auc_score(y, p)),
            # no positives: recall is 0/0; sklearn 1.2 warns and returns a
            # meaningless value, evaluate defines it as undefined
            "pr_auc": safe(lambda: metrics.average_precision_score(y, p)) if y.sum() > 0 else None,
            "logloss": num(metrics.log_loss(y, p, eps=EPS, labels=[0, 1])),
            "brier": num(metrics.brier_score_loss(y, p)),
            "ece": ece(y, p) if len(np.unique(y)) <= 2 else None,
            "confusion": {"tp": int(tp), "fp": int(fp), "tn": int(tn), "fn": int(fn)},
        },
    }


def multiclass_case(name, y, probs):
    y = np.asarray(y, dtype=np.int64)
    probs = f32(probs)
    k = probs.shape[1]
    pred = probs.argmax(axis=1)
    return {
        "name": name, "labels": y.tolist(), "probs": probs.ravel().tolist(), "k": k,
        "want": {
            "accuracy": num(metrics.accuracy_score(y, pred)),
            "macro_f1": num(metrics.f1_score(y, pred, average="macro", zero_division=0)),
            "weighted_f1": num(metrics.f1_score(y, pred, average="weighted", zero_division=0)),
            "logloss": num(metrics.log_loss(y, probs, eps=EPS, labels=list(range(k)))),
        },
    }


def regression_case(name, y, pred):
    y, pred = f32(y), f32(pred)
    return {
        "name": name, "targets": y.tolist(), "preds": pred.tolist(),
        "want": {
            "rmse": num(math.sqrt(metrics.mean_squared_error(y, pred))),
            "mae": num(metrics.mean_absolute_error(y, pred)),
            "r2": num(metrics.r2_score(y, pred)),
            "mape": num(metrics.mean_absolute_percentage_error(y, pred)),
        },
    }


def main():
    rng = np.random.default_rng(20260101)
    n = 300
    y = rng.integers(0, 2, n)
    noisy = np.clip(0.35 * y + rng.normal(0.35, 0.2, n), 0, 1)
    binary = [
        binary_case("random_rounded_ties", y, np.round(noisy, 2)),
        binary_case("heavy_ties", [0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0],
                    [0.1, 0.1, 0.5, 0.5, 0.5, 0.5, 0.9, 0.9, 0.9, 0.2, 0.2, 0.2]),
        binary_case("perfect", [0, 0, 0, 1, 1, 1], [0.1, 0.2, 0.3, 0.7, 0.8, 0.95]),
        binary_case("inverted", [0, 0, 0, 1, 1, 1], [0.95, 0.8, 0.7, 0.3, 0.2, 0.1]),
        binary_case("all_positive", [1, 1, 1, 1], [0.2, 0.6, 0.6, 0.9]),
        binary_case("all_negative", [0, 0, 0, 0], [0.2, 0.6, 0.6, 0.9]),
        binary_case("extreme_probabilities", [0, 1, 1, 0, 1, 0], [0.0, 1.0, 0.0, 1.0, 0.5, 0.5]),
        binary_case("threshold_0.3", y[:50], np.round(noisy[:50], 1), threshold=0.3),
        binary_case("constant_scores", [0, 1, 0, 1, 1], [0.4, 0.4, 0.4, 0.4, 0.4]),
    ]
    logits = rng.normal(0, 1.5, (150, 3))
    yk = rng.integers(0, 3, 150)
    logits[np.arange(150), yk] += 1.0
    soft = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    multiclass = [
        multiclass_case("random_k3", yk, soft),
        # class 3 never in labels, class 2 never predicted
        multiclass_case("absent_classes_k4", [0, 1, 2, 0, 1, 2, 0],
                        [[0.7, 0.1, 0.1, 0.1], [0.2, 0.5, 0.2, 0.1], [0.1, 0.2, 0.3, 0.4],
                         [0.4, 0.4, 0.1, 0.1], [0.1, 0.8, 0.05, 0.05], [0.6, 0.1, 0.2, 0.1],
                         [0.0, 0.0, 0.0, 1.0]]),
    ]
    t = rng.normal(10, 3, 100)
    regression = [
        regression_case("random", t, t + rng.normal(0, 1, 100)),
        regression_case("constant_target_perfect", [2, 2, 2], [2, 2, 2]),
        regression_case("constant_target", [2, 2, 2], [1, 2, 3]),
        regression_case("zero_targets", [0, 1, -2, 0.5], [0.1, 1.5, -1, 0]),
    ]
    out = {"source": "scikit-learn " + __import__("sklearn").__version__ + ", numpy " + np.__version__,
           "binary": binary, "multiclass": multiclass, "regression": regression}
    print(json.dumps(out, indent=1))


main()
