#!/usr/bin/env python3
"""Time what a pandas + lifetimes user does to get an RFM summary from a CSV.

    python Scripts/bench/lifetimes_summary.py FILE [--customer customer_id]
        [--date date] [--amount amount] [--freq D] [--multiplier 1]

Run it with the golden venv's python (Scripts/golden/setup-venv.sh).
FILE is a comma-separated file with a header line. Prints one JSON line:

    {"read_seconds": ..., "summary_seconds": ..., "total_seconds": ...,
     "customers": n, "peak_rss_mb": ..., "rows": n, "import_seconds": ...}

read_seconds    pd.read_csv (customer column read as str, as the goldens do)
                followed by pd.to_datetime on the date column (format inferred
                by pandas, as a user would write it).
summary_seconds lifetimes.utils.summary_data_from_transaction_data with the
                monetary column, freq and freq_multiplier.
total_seconds   read_seconds + summary_seconds (the import of pandas/lifetimes
                is not included; it is reported separately as import_seconds).
peak_rss_mb     ru_maxrss of this process (Linux reports KiB) / 1024, i.e. the
                peak of the whole process, interpreter and imports included.
"""

import time

_t0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402

import pandas as pd  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # lifetimes' import-time pandas option deprecation
    from lifetimes.utils import summary_data_from_transaction_data  # noqa: E402

_import_seconds = time.perf_counter() - _t0


def main(argv=None):
    ap = argparse.ArgumentParser(description="Time pandas read + lifetimes summary_data_from_transaction_data.")
    ap.add_argument("file")
    ap.add_argument("--customer", default="customer_id")
    ap.add_argument("--date", default="date")
    ap.add_argument("--amount", default="amount")
    ap.add_argument("--freq", default="D")
    ap.add_argument("--multiplier", type=int, default=1)
    ap.add_argument("--sample-output", help="after timing, write every 1000th customer's summary as CSV here")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    df = pd.read_csv(args.file, dtype={args.customer: str})
    df[args.date] = pd.to_datetime(df[args.date])
    t1 = time.perf_counter()
    summary = summary_data_from_transaction_data(
        df,
        args.customer,
        args.date,
        monetary_value_col=args.amount,
        freq=args.freq,
        freq_multiplier=args.multiplier,
    )
    t2 = time.perf_counter()

    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {
        "read_seconds": round(t1 - t0, 6),
        "summary_seconds": round(t2 - t1, 6),
        "total_seconds": round(t2 - t0, 6),
        "customers": int(len(summary)),
        "peak_rss_mb": round(peak_kib / 1024.0, 1),
        "rows": int(len(df)),
        "import_seconds": round(_import_seconds, 6),
    }
    if args.sample_output:
        summary.iloc[::1000].to_csv(args.sample_output, float_format="%.17g")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
