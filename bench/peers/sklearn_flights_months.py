#!/usr/bin/python3
"""scikit-learn peer for refit's Jan-Feb flights model, scored month by month
(issue 12, "calendar features that generalize").

Same rows and features as train/flights_months_test.go
(TestFlightsMonths, BenchmarkFitFlightsMonths), which are the rows
`refit run --now 2001-03-01T00:00:00Z` trains on with
examples/flights/refit.yaml:
  label    delay > 15
  window   the 60 days before 2001-03-01 (2000-12-31 .. 2001-03-01); the
           pipeline keeps the most recent 10% of the window's rows as its
           holdout, so training uses the rows before the time at index
           int(0.9 * n) of the window's sorted times
  features distance (standardized); the date column one-hot as refit's
           preprocessing expands it: hour of day (24) and day of week (7),
           month left out (the window spans less than a year), values not
           seen in training all zeros; origin and destination one-hot over
           the values seen in training at least --min-count times (up to
           --top-k, most frequent first), the rest and unseen values in one
           "other" feature (refit's "#other")
  test     every row of March, April, May and June
Model: MLPClassifier(hidden_layer_sizes=(64, 32), early_stopping=True),
otherwise scikit-learn's defaults (adam, lr 0.001, batch 200, 10% random
validation split, 10 epochs of patience).

The rows come from refit itself (this Python has no Parquet reader):
  go run ./cmd/refit cat --columns date,delay,distance,origin,destination \
      ../shared/datasets/flights-3m.parquet > /tmp/flights-3m.csv
The script runs that command when the CSV is missing. Run from the repo root:
  /usr/bin/python3 bench/peers/sklearn_flights_months.py [--csv /tmp/flights-3m.csv]
      [--seed 1] [--top-k 256] [--min-count 1] [--encoding onehot|cyclic]
--encoding cyclic uses refit's old sin/cos of hour, day of week and month
instead, to show what the month feature costs.
"""

import argparse
import os
import subprocess
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.neural_network import MLPClassifier

PARQUET = "../shared/datasets/flights-3m.parquet"
NOW = pd.Timestamp("2001-03-01")
WINDOW = pd.Timedelta(days=60)
HOLDOUT = 0.1
MONTHS = [3, 4, 5, 6]


def export(csv):
    cmd = ["go", "run", "./cmd/refit", "cat", "--columns",
           "date,delay,distance,origin,destination", PARQUET]
    with open(csv + ".tmp", "w") as out:
        subprocess.run(cmd, stdout=out, check=True)
    os.rename(csv + ".tmp", csv)


def training_rows(df):
    """The rows refit's pipeline trains on: the window before its holdout."""
    lo = NOW - WINDOW
    win = df[(df["date"] >= lo) & (df["date"] < NOW)]
    times = np.sort(win["date"].to_numpy())
    cut = times[int(len(times) * (1 - HOLDOUT))]
    return win[win["date"] < cut]


class Encoder:
    """refit's preprocessing of the four features, fitted on training rows."""

    def __init__(self, train, top_k, min_count, encoding):
        self.encoding = encoding
        d = train["distance"].astype(float)
        self.mean, self.std = d.mean(), d.std(ddof=0)
        self.hours = set(train["date"].dt.hour)
        self.dows = set(self.dow(train["date"]))
        self.cats = {}
        for col in ("origin", "destination"):
            counts = train[col].value_counts()
            counts = counts[counts >= min_count]
            ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            self.cats[col] = [v for v, _ in ranked[:top_k]]

    @staticmethod
    def dow(d):
        return ((d.dt.dayofweek + 1) % 7).to_numpy()  # Sunday = 0, as Go

    def transform(self, df):
        parts = [((df["distance"].astype(float) - self.mean) / self.std).to_numpy()[:, None]]
        d = df["date"]
        if self.encoding == "cyclic":
            hour = d.dt.hour + d.dt.minute / 60 + d.dt.second / 3600
            for frac in (hour / 24, self.dow(d) / 7, (d.dt.month - 1) / 12):
                frac = np.asarray(frac, dtype=float)
                parts += [np.sin(2 * np.pi * frac)[:, None], np.cos(2 * np.pi * frac)[:, None]]
        else:
            parts.append(onehot(d.dt.hour.to_numpy(), range(24), self.hours))
            parts.append(onehot(self.dow(d), range(7), self.dows))
        for col, cats in self.cats.items():
            index = {v: i for i, v in enumerate(cats)}
            pos = df[col].map(index).fillna(len(cats)).astype(int).to_numpy()
            m = np.zeros((len(df), len(cats) + 1), dtype=np.float32)
            m[np.arange(len(df)), pos] = 1
            parts.append(m)
        return np.hstack([p.astype(np.float32) for p in parts])


def onehot(values, domain, seen):
    m = np.zeros((len(values), len(domain)), dtype=np.float32)
    for j, v in enumerate(domain):
        if v in seen:
            m[:, j] = values == v
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--csv", default="/tmp/flights-3m.csv")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--top-k", type=int, default=256)
    ap.add_argument("--min-count", type=int, default=1)
    ap.add_argument("--encoding", choices=["onehot", "cyclic"], default="onehot")
    args = ap.parse_args()
    if not os.path.exists(args.csv):
        export(args.csv)
    df = pd.read_csv(args.csv, parse_dates=["date"])
    train = training_rows(df)
    enc = Encoder(train, args.top_k, args.min_count, args.encoding)
    x = enc.transform(train)
    y = (train["delay"] > 15).to_numpy()

    clf = MLPClassifier(hidden_layer_sizes=(64, 32), early_stopping=True, random_state=args.seed)
    start = time.perf_counter()
    clf.fit(x, y)
    seconds = time.perf_counter() - start
    print(f"sklearn {sklearn.__version__} MLPClassifier(64, 32), early_stopping, seed {args.seed}, "
          f"encoding {args.encoding}, top_k {args.top_k}, min_count {args.min_count}")
    print(f"train rows {len(train)} ({train['date'].min()} .. {train['date'].max()}), features {x.shape[1]}")
    print(f"epochs {clf.n_iter_}, best validation accuracy {clf.best_validation_score_:.4f}, "
          f"training seconds {seconds:.1f}")
    for month in MONTHS:
        test = df[df["date"].dt.month == month]
        p = clf.predict_proba(enc.transform(test))[:, 1]
        yt = (test["delay"] > 15).to_numpy()
        print(f"month {month}: rows {len(test)}, auc {roc_auc_score(yt, p):.4f}, logloss {log_loss(yt, p):.5f}")


if __name__ == "__main__":
    main()
