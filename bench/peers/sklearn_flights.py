#!/usr/bin/python3
"""scikit-learn peer for refit's flights benchmark (issue 5).

Same rows and features as train/flights_test.go (TestFlights,
BenchmarkFitFlights):
  label    delay > 15
  features distance (standardized); one-hot hour of day and day of week,
           as refit's preprocessing expands the date column (month is left
           out: the training rows span less than a year); origin and
           destination one-hot over the 256 most frequent values (all of
           them) plus "other"
(Before issue 12 refit encoded the date as sin/cos of hour, day of week
and month, and one-hot the 32 most frequent airports.)
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


def calendar(df):
    d = df["date"]
    out = pd.DataFrame(index=df.index)
    out["hour"] = d.dt.hour
    out["dow"] = (d.dt.dayofweek + 1) % 7
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

    pre = ColumnTransformer([
        ("num", StandardScaler(), ["distance"]),
        # an hour or weekday training never had encodes as zeros
        ("cal", OneHotEncoder(handle_unknown="ignore"), ["hour", "dow"]),
        ("cat", OneHotEncoder(handle_unknown="infrequent_if_exist", max_categories=257),
         ["origin", "destination"]),
    ], sparse_threshold=0)
    x_train = pre.fit_transform(calendar(train)).astype(np.float32)
    x_test = pre.transform(calendar(test)).astype(np.float32)
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
