#!/usr/bin/python3
"""scikit-learn peer for refit's flights benchmark (issue 5).

Same rows and features as train/flights_test.go (TestFlights,
BenchmarkFitFlights):
  label    delay > 15
  features distance (standardized); sin/cos of the fractional hour of day
           (/24), day of week (Sunday = 0, /7) and month (January = 0, /12),
           as refit's preprocessing expands the date column; origin and
           destination one-hot over the 32 most frequent values plus "other"
  train    200,000 rows spread evenly over January-February: row
           floor(i*N/200000) of the N Jan-Feb rows in file order
  test     every March row
Model: MLPClassifier(hidden_layer_sizes=(64, 32), early_stopping=True).

The rows come from refit itself (this Python cannot read Parquet):
  go run ./cmd/refit cat --columns date,delay,distance,origin,destination \
      ../shared/datasets/flights-3m.parquet > /tmp/flights-3m.csv
The script runs that command when the CSV is missing. Run from the repo root:
  /usr/bin/python3 bench/peers/sklearn_flights.py [/tmp/flights-3m.csv]
"""

import os
import subprocess
import sys
import time

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import OneHotEncoder, StandardScaler

TRAIN_ROWS = 200_000
PARQUET = "../shared/datasets/flights-3m.parquet"


def export(csv):
    cmd = ["go", "run", "./cmd/refit", "cat", "--columns",
           "date,delay,distance,origin,destination", PARQUET]
    with open(csv + ".tmp", "w") as out:
        subprocess.run(cmd, stdout=out, check=True)
    os.rename(csv + ".tmp", csv)


def cyclic(df):
    d = df["date"]
    hour = d.dt.hour + d.dt.minute / 60 + d.dt.second / 3600
    out = pd.DataFrame(index=df.index)
    for name, frac in [("hour", hour / 24),
                       ("dow", ((d.dt.dayofweek + 1) % 7) / 7),
                       ("month", (d.dt.month - 1) / 12)]:
        out[name + "_sin"] = np.sin(2 * np.pi * frac)
        out[name + "_cos"] = np.cos(2 * np.pi * frac)
    out["distance"] = df["distance"]
    out["origin"] = df["origin"]
    out["destination"] = df["destination"]
    return out


def main():
    csv = sys.argv[1] if len(sys.argv) > 1 else "/tmp/flights-3m.csv"
    if not os.path.exists(csv):
        export(csv)
    df = pd.read_csv(csv, parse_dates=["date"])
    month = df["date"].dt.month
    janfeb = df[month <= 2].reset_index(drop=True)
    n = len(janfeb)
    train = janfeb.iloc[(np.arange(TRAIN_ROWS) * n) // TRAIN_ROWS]
    test = df[month == 3]

    cyc = [c + s for c in ("hour", "dow", "month") for s in ("_sin", "_cos")]
    pre = ColumnTransformer([
        ("num", StandardScaler(), ["distance"]),
        ("cyc", "passthrough", cyc),
        ("cat", OneHotEncoder(handle_unknown="infrequent_if_exist", max_categories=33),
         ["origin", "destination"]),
    ], sparse_threshold=0)
    x_train = pre.fit_transform(cyclic(train)).astype(np.float32)
    x_test = pre.transform(cyclic(test)).astype(np.float32)
    y_train = (train["delay"] > 15).to_numpy()
    y_test = (test["delay"] > 15).to_numpy()

    clf = MLPClassifier(hidden_layer_sizes=(64, 32), early_stopping=True, random_state=1)
    start = time.perf_counter()
    clf.fit(x_train, y_train)
    seconds = time.perf_counter() - start
    p = clf.predict_proba(x_test)[:, 1]
    print(f"sklearn {__import__('sklearn').__version__} MLPClassifier(64, 32), early_stopping")
    print(f"train rows {len(train)}, features {x_train.shape[1]}, test rows (March) {len(test)}")
    print(f"epochs {clf.n_iter_}, best validation accuracy {clf.best_validation_score_:.4f}")
    print(f"training seconds {seconds:.2f}")
    print(f"March auc {roc_auc_score(y_test, p):.4f}, March logloss {log_loss(y_test, p):.5f}")


if __name__ == "__main__":
    main()
