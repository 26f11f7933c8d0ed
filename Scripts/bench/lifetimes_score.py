#!/usr/bin/env python3
"""Time lifetimes' scoring of a customer base: expected purchases, P(alive) and CLV.

    python Scripts/bench/lifetimes_score.py SUMMARY.csv --model bgnbd|mbgnbd|pnbd --params r,alpha,a,b
                                             --gg p,q,v [--horizon 52]

Run it with the golden venv's python. SUMMARY.csv has the columns frequency, recency, T (in weeks)
and monetary_value. The fitters get the given parameters directly (no fit is timed). Timed, as a
user would write it: conditional_expected_number_of_purchases_up_to_time(horizon, ...),
conditional_probability_alive(...), and GammaGammaFitter.customer_lifetime_value(..., time=12,
discount_rate=0.01, freq="W") through GammaGammaFitter.customer_lifetime_value. Prints one JSON line:
{"model", "seconds", "expected_seconds", "alive_seconds", "clv_seconds", "customers", "peak_rss_mb"}.
"""
import argparse, json, resource, sys, time, warnings

import pandas as pd

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from lifetimes import BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter, ParetoNBDFitter

NAMES = {"bgnbd": (BetaGeoFitter, ["r", "alpha", "a", "b"]), "mbgnbd": (ModifiedBetaGeoFitter, ["r", "alpha", "a", "b"]),
         "pnbd": (ParetoNBDFitter, ["r", "alpha", "s", "beta"])}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--model", required=True, choices=sorted(NAMES))
    ap.add_argument("--params", required=True)
    ap.add_argument("--gg", required=True)
    ap.add_argument("--horizon", type=float, default=52)
    args = ap.parse_args()
    df = pd.read_csv(args.file, usecols=["frequency", "recency", "T", "monetary_value"])
    cls, names = NAMES[args.model]
    model = cls()
    model.params_ = pd.Series(dict(zip(names, map(float, args.params.split(",")))))
    model.predict = model.conditional_expected_number_of_purchases_up_to_time  # what fit() would bind
    gg = GammaGammaFitter()
    gg.params_ = pd.Series(dict(zip(["p", "q", "v"], map(float, args.gg.split(",")))))
    f, r, T, m = df["frequency"], df["recency"], df["T"], df["monetary_value"]
    t0 = time.perf_counter()
    model.conditional_expected_number_of_purchases_up_to_time(args.horizon, f, r, T)
    t1 = time.perf_counter()
    model.conditional_probability_alive(f, r, T)
    t2 = time.perf_counter()
    gg.customer_lifetime_value(model, f, r, T, m, time=12, discount_rate=0.01, freq="W")
    t3 = time.perf_counter()
    print(json.dumps({"model": args.model, "seconds": round(t3 - t0, 4), "expected_seconds": round(t1 - t0, 4),
                      "alive_seconds": round(t2 - t1, 4), "clv_seconds": round(t3 - t2, 4), "customers": len(df),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))


if __name__ == "__main__":
    sys.exit(main())
