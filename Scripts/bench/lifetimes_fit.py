#!/usr/bin/env python3
"""Time lifetimes' model fit on an RFM summary CSV.

    python Scripts/bench/lifetimes_fit.py SUMMARY.csv --model bgnbd|mbgnbd|pnbd|gg [--seed N]

Run it with the golden venv's python (Scripts/golden/setup-venv.sh).
SUMMARY.csv is comma-separated with a header that has the columns frequency,
recency, T and (for --model gg) monetary_value; other columns are ignored
(e.g. the customer id column written by pandas' to_csv). Prints one JSON line:

    {"model": ..., "seconds": ..., "params": {...}, "peak_rss_mb": ...,
     "customers": n, "read_seconds": ..., "log_likelihood": ...}

seconds        wall time of the .fit(...) call only (penalizer 0, lifetimes'
               defaults otherwise), as a user would call it:
                 bgnbd  BetaGeoFitter().fit(frequency, recency, T)
                 mbgnbd ModifiedBetaGeoFitter().fit(frequency, recency, T)
                 pnbd   ParetoNBDFitter().fit(frequency, recency, T)
                        (random start point: numpy's global RNG is seeded with --seed)
                 gg     GammaGammaFitter().fit(frequency, monetary_value) on the
                        customers with frequency > 0 and monetary_value > 0
                        (lifetimes raises on monetary_value <= 0; the number of
                        repeat customers dropped for that is reported as
                        "dropped_nonpositive_monetary")
params         the fitted parameters (lifetimes' names: r, alpha, a, b / r, alpha,
               s, beta / p, q, v).
log_likelihood total log-likelihood in the summary's own time unit, converted from
               lifetimes' _negative_log_likelihood_ (see Scripts/golden/NOTES.md,
               "Models": lifetimes reports a mean or a total in a rescaled time).
peak_rss_mb    ru_maxrss of this process (Linux reports KiB) / 1024: the peak of
               the whole process, interpreter, imports and the data included.
customers      rows used for the fit.
read_seconds   pd.read_csv of the needed columns (not included in seconds).
"""

import argparse
import json
import math
import resource
import sys
import time
import warnings

import numpy as np
import pandas as pd

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # lifetimes' import-time pandas option deprecation
    from lifetimes import BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter, ParetoNBDFitter

MODELS = ("bgnbd", "mbgnbd", "pnbd", "gg")


def main(argv=None):
    ap = argparse.ArgumentParser(description="Time a lifetimes model fit on an RFM summary CSV.")
    ap.add_argument("file")
    ap.add_argument("--model", required=True, choices=MODELS)
    ap.add_argument("--seed", type=int, default=20050101, help="numpy global seed (Pareto/NBD start point); default 20050101")
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore", category=FutureWarning)

    cols = ["frequency", "monetary_value"] if args.model == "gg" else ["frequency", "recency", "T"]
    t0 = time.perf_counter()
    df = pd.read_csv(args.file, usecols=cols)
    read_seconds = time.perf_counter() - t0

    result = {"model": args.model}
    if args.model == "gg":
        rep = df[df["frequency"] > 0]
        use = rep[rep["monetary_value"] > 0]
        result["dropped_nonpositive_monetary"] = int(len(rep) - len(use))
        t0 = time.perf_counter()
        fitter = GammaGammaFitter().fit(use["frequency"], use["monetary_value"])
        seconds = time.perf_counter() - t0
        n = len(use)
        ll = -float(fitter._negative_log_likelihood_) * n
    else:
        cls = {"bgnbd": BetaGeoFitter, "mbgnbd": ModifiedBetaGeoFitter, "pnbd": ParetoNBDFitter}[args.model]
        np.random.seed(args.seed)
        t0 = time.perf_counter()
        fitter = cls().fit(df["frequency"], df["recency"], df["T"])
        seconds = time.perf_counter() - t0
        n = len(df)
        # lifetimes fits in time scaled by _scale = 1/max(T); BG/NBD and MBG/NBD report the mean
        # negative LL, Pareto/NBD the total (it divides by mean(weights) = 1).
        nll = float(fitter._negative_log_likelihood_)
        total_scaled = -nll if args.model == "pnbd" else -nll * n
        ll = total_scaled + float(df["frequency"].sum()) * math.log(float(fitter._scale))

    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result.update(
        {
            "seconds": round(seconds, 6),
            "params": {k: float(v) for k, v in fitter.params_.items()},
            "peak_rss_mb": round(peak_kib / 1024.0, 1),
            "customers": int(n),
            "read_seconds": round(read_seconds, 6),
            "log_likelihood": ll,
        }
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
