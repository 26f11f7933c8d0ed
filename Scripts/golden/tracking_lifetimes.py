#!/usr/bin/env python3
"""Golden file for the tracking curve of `clv validate` (cumulative expected repeat purchases).

Runs lifetimes 0.11.3's `lifetimes.utils.expected_cumulative_transactions` on CDNOW_sample at fixed
parameters and writes Tests/CLVModelsTests/Golden/tracking_cdnow.json:

  first_purchases      customers whose first purchase falls on each day (lifetimes' own grouping)
  bgnbd_weekly         BG/NBD (FHL 2005 estimates, weeks), freq="D", freq_multiplier=7: one row per week
  pnbd_weekly          Pareto/NBD (fixed parameters, weeks), the same
  bgnbd_daily          BG/NBD with alpha scaled to days (x 7), freq="D": one row per day

Row j (0-based) of the weekly tables is the end of day 7(j+1) - 1 since the first day of the data; of
the daily table, the end of day j. In lifetimes, a customer whose first purchase is on day b has
(k + 1 - b) days of exposure at the end of day k: the birth day counts in full.

Usage (from the repository root):
    PY="$(Scripts/golden/setup-venv.sh | tail -n 1)"
    "$PY" Scripts/golden/tracking_lifetimes.py [--shared ../shared/data] [--out Tests/CLVModelsTests/Golden]
"""
import argparse
import json
import os
import warnings

warnings.simplefilter("ignore")
import pandas as pd  # noqa: E402
import lifetimes  # noqa: E402
from lifetimes import BetaGeoFitter, ParetoNBDFitter  # noqa: E402
from lifetimes.utils import expected_cumulative_transactions  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BGNBD_WEEKS = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PNBD_WEEKS = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}


def load(path):
    df = pd.read_csv(path, sep=r"\s+", header=None, dtype=str, names=["master_id", "customer_id", "date", "cds", "amount"])
    df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
    return df


def fixed(cls, params):
    model = cls()
    model.params_ = pd.Series(params)
    return model


def table(frame):
    return {"actual": [float(v) for v in frame["actual"]], "predicted": [float(v) for v in frame["predicted"]]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(REPO), "shared", "data"))
    ap.add_argument("--out", default=os.path.join(REPO, "Tests", "CLVModelsTests", "Golden"))
    args = ap.parse_args()
    df = load(os.path.join(args.shared, "CDNOW_sample.txt"))
    start, end = df["date"].min(), df["date"].max()
    days = int((end - start).days) + 1
    first = df.groupby("customer_id")["date"].min().value_counts().sort_index()
    bgnbd_days = dict(BGNBD_WEEKS, alpha=BGNBD_WEEKS["alpha"] * 7)
    golden = {
        "reference": {"lifetimes": lifetimes.__version__, "pandas": pd.__version__,
                      "function": "lifetimes.utils.expected_cumulative_transactions"},
        "source": "CDNOW_sample.txt (../shared/data)",
        "start": start.strftime("%Y-%m-%d"),
        "days": days,
        "tolerance": {"relative": 1e-9},
        "first_purchases": {"day": [d.strftime("%Y-%m-%d") for d in first.index], "customers": [int(c) for c in first.values]},
        "bgnbd_weekly": dict(parameters=BGNBD_WEEKS, time_unit="week", freq="D", freq_multiplier=7,
                             **table(expected_cumulative_transactions(fixed(BetaGeoFitter, BGNBD_WEEKS), df, "date", "customer_id",
                                                                      days, freq="D", freq_multiplier=7))),
        "pnbd_weekly": dict(parameters=PNBD_WEEKS, time_unit="week", freq="D", freq_multiplier=7,
                            **table(expected_cumulative_transactions(fixed(ParetoNBDFitter, PNBD_WEEKS), df, "date", "customer_id",
                                                                     days, freq="D", freq_multiplier=7))),
        "bgnbd_daily": dict(parameters=bgnbd_days, time_unit="day", freq="D", freq_multiplier=1,
                            **table(expected_cumulative_transactions(fixed(BetaGeoFitter, bgnbd_days), df, "date", "customer_id",
                                                                     days, freq="D"))),
    }
    path = os.path.join(args.out, "tracking_cdnow.json")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(golden, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)
    print("wrote %s: %d days, %d weekly rows" % (path, days, len(golden["bgnbd_weekly"]["predicted"])))


if __name__ == "__main__":
    main()
