#!/usr/bin/env python3
"""Write golden files for `clv summary` by running the real `lifetimes` package.

Run from the repository root with the golden venv's python
(see Scripts/golden/setup-venv.sh):

    "$(Scripts/golden/setup-venv.sh | tail -n 1)" Scripts/golden/summary_lifetimes.py \
        [--shared ../shared/data] [--extra Examples/transactions.csv ...]

It (re)generates the fixtures Tests/CLVIngestTests/Fixtures/{synthetic_small,
gbk_small,utf8bom_small}.csv and writes one JSON golden per case into
Tests/CLVIngestTests/Golden/. See Scripts/golden/NOTES.md for the semantics
observed and for what happened with freq "M".

The script deliberately calls lifetimes exactly as a user would:
summary_data_from_transaction_data(df, customer, date, monetary_value_col=amount,
observation_period_end=..., freq=..., freq_multiplier=...) and
calibration_and_holdout_data(df, customer, date, calibration_period_end=...,
observation_period_end=..., freq=..., freq_multiplier=..., monetary_value_col=amount).
Customer ids are read as strings; amounts are parsed with Python's float()
(correctly rounded, like Swift's Double(String)); dates with an explicit format.

Kept compatible with Python 3.8 so that the same script can be run under an
older pandas/numpy stack to cross-check the pinned one (--out to a scratch dir).
"""

import argparse
import csv
import datetime as _dt
import json
import math
import os
import platform
import sys
import warnings

import numpy as np
import pandas as pd

with warnings.catch_warnings():
    # lifetimes sets pd.options.mode.chained_assignment at import time, which
    # pandas >= 3 reports as deprecated. Harmless here.
    warnings.simplefilter("ignore")
    import lifetimes
    from lifetimes.utils import calibration_and_holdout_data, summary_data_from_transaction_data

GENERATED_BY = "Scripts/golden/summary_lifetimes.py"
TOLERANCE = {"relative": 1e-9, "absolute": 1e-9}
SUMMARY_COLUMNS = ["frequency", "recency", "T", "monetary_value"]
HOLDOUT_COLUMNS = [
    "frequency_cal",
    "recency_cal",
    "T_cal",
    "monetary_value_cal",
    "frequency_holdout",
    "monetary_value_holdout",
    "duration_holdout",
]

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(SCRIPT_DIR))
FIXTURES_REL = "Tests/CLVIngestTests/Fixtures"
GOLDEN_REL = "Tests/CLVIngestTests/Golden"


# --------------------------------------------------------------------------- helpers


def reference_versions():
    return {
        "lifetimes": lifetimes.__version__,
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


def display_path(path):
    """Path as recorded in a golden's input.file, plus the base it is relative to.

    Files inside the repository are recorded relative to the repository root
    ("Tests/CLVIngestTests/Fixtures/x.csv", base "repo"); other files (the
    shared data next to the repository) relative to the repository's parent
    directory ("shared/data/CDNOW_sample.txt", base "repo_parent").
    """
    path = os.path.abspath(path)
    rel_repo = os.path.relpath(path, REPO)
    if not rel_repo.startswith(".."):
        return rel_repo.replace(os.sep, "/"), "repo"
    return os.path.relpath(path, os.path.dirname(REPO)).replace(os.sep, "/"), "repo_parent"


def to_float(x):
    v = float(x)
    if math.isnan(v) or math.isinf(v):
        raise ValueError("non-finite value in lifetimes output: %r" % (x,))
    return v


def frame_rows(result, columns):
    rows = []
    for cid, rec in zip(result.index, result[columns].itertuples(index=False, name=None)):
        rows.append([str(cid)] + [to_float(v) for v in rec])
    return rows


def write_golden(out_dir, name, input_info, options, columns, rows):
    doc_head = {
        "generated_by": GENERATED_BY,
        "reference": reference_versions(),
        "input": input_info,
        "options": options,
        "tolerance": TOLERANCE,
        "columns": ["customer_id"] + columns,
        "row_count": len(rows),
    }
    # One row per line keeps the files diffable and reasonably small; floats
    # are written with repr (shortest round-trip), i.e. at full precision.
    head = json.dumps(doc_head, indent=2, ensure_ascii=False)
    assert head.endswith("\n}")
    parts = [head[:-2], ',\n  "rows": [\n']
    parts.append(",\n".join("    " + json.dumps(r, ensure_ascii=False) for r in rows))
    parts.append("\n  ]\n}\n")
    text = "".join(parts)
    json.loads(text)  # self-check
    path = os.path.join(out_dir, name)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print("wrote %s (%d rows, %d bytes)" % (os.path.relpath(path), len(rows), len(text.encode("utf-8"))))
    return path


def remove_if_exists(out_dir, name):
    path = os.path.join(out_dir, name)
    if os.path.exists(path):
        os.remove(path)
        print("removed stale %s" % os.path.relpath(path))


def parse_float_column(series):
    return series.map(lambda s: float(s)).astype("float64")


def run_summary(df, cust, date, amount, freq, mult, obs_end):
    return summary_data_from_transaction_data(
        df,
        cust,
        date,
        monetary_value_col=amount,
        observation_period_end=obs_end,
        freq=freq,
        freq_multiplier=mult,
    )


def run_holdout(df, cust, date, amount, freq, mult, cal_end, obs_end):
    return calibration_and_holdout_data(
        df,
        cust,
        date,
        calibration_period_end=cal_end,
        observation_period_end=obs_end,
        freq=freq,
        freq_multiplier=mult,
        monetary_value_col=amount,
    )


def options_dict(freq, mult, obs_end, cal_end, cust, date, amount):
    return {
        "freq": freq,
        "freq_multiplier": mult,
        "observation_period_end": obs_end,
        "calibration_period_end": cal_end,
        "customer_column": cust,
        "date_column": date,
        "amount_column": amount,
    }


def summary_golden(out_dir, name, df, input_info, cust_opt, date_opt, amount_opt, cust, date, amount, freq, mult, obs_end=None):
    res = run_summary(df, cust, date, amount, freq, mult, obs_end)
    opts = options_dict(freq, mult, obs_end, None, cust_opt, date_opt, amount_opt)
    return write_golden(out_dir, name, input_info, opts, SUMMARY_COLUMNS, frame_rows(res, SUMMARY_COLUMNS)), res


def holdout_golden(out_dir, name, df, input_info, cust_opt, date_opt, amount_opt, cust, date, amount, freq, mult, cal_end, obs_end):
    res = run_holdout(df, cust, date, amount, freq, mult, cal_end, obs_end)
    if list(res.columns) != HOLDOUT_COLUMNS:
        raise RuntimeError("unexpected holdout columns %r" % (list(res.columns),))
    opts = options_dict(freq, mult, obs_end, cal_end, cust_opt, date_opt, amount_opt)
    return write_golden(out_dir, name, input_info, opts, HOLDOUT_COLUMNS, frame_rows(res, HOLDOUT_COLUMNS)), res


# --------------------------------------------------------------------------- inputs


def load_cdnow_sample(path):
    # Whitespace separated, CRLF, no header: master id, sample id, YYYYMMDD, #CDs, dollars.
    df = pd.read_csv(path, sep=r"\s+", header=None, dtype=str, names=["master_id", "customer_id", "date", "cds", "amount"])
    df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
    df["amount"] = parse_float_column(df["amount"])
    return df


def load_cdnow_master(path):
    # Whitespace separated, CRLF, one header line (" customer_id  date number_of_cds  dollar_value").
    df = pd.read_csv(path, sep=r"\s+", header=0, dtype=str)
    expected = ["customer_id", "date", "number_of_cds", "dollar_value"]
    if list(df.columns) != expected:
        raise RuntimeError("unexpected CDNOW_master header %r" % (list(df.columns),))
    df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
    df["dollar_value"] = parse_float_column(df["dollar_value"])
    return df


def load_iso_csv(path, encoding="utf-8"):
    df = pd.read_csv(path, dtype=str, encoding=encoding, keep_default_na=False)
    for col in ("customer_id", "date", "amount"):
        if col not in df.columns:
            raise RuntimeError("%s: missing column %r (need header customer_id,date,amount)" % (path, col))
    try:
        df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d")
    except ValueError:
        # Full ISO-8601 timestamps (pandas >= 2); lifetimes truncates to the period anyway.
        df["date"] = pd.to_datetime(df["date"], format="ISO8601")
    df["amount"] = parse_float_column(df["amount"])
    return df


# --------------------------------------------------------------------------- fixtures


def make_synthetic(path, seed=20240630):
    """~300 customers, 1..31 rows each (0..30 repeat purchases), shuffled rows."""
    rng = np.random.default_rng(seed)
    start = _dt.date(2023, 1, 1)
    end = _dt.date(2024, 12, 31)
    span = (end - start).days  # 730
    ids = sorted(rng.choice(np.arange(1, 1000), size=300, replace=False).tolist())
    rows = []
    for k, num in enumerate(ids):
        cid = "C%05d" % num
        n_repeat = int(rng.integers(0, 31))  # 0..30 repeat purchases
        first = int(rng.integers(0, span + 1))
        days = [first]
        for _ in range(n_repeat):
            r = rng.random()
            if r < 0.12:
                days.append(days[-1])  # another order on an already used day
            else:
                days.append(int(rng.integers(first, span + 1)))
        # Deterministic edge cases: the calibration/holdout boundary (2024-06-30 /
        # 2024-07-01), the last day of the range, and zero-gap repeats.
        if k % 37 == 0:
            days.append((_dt.date(2024, 6, 30) - start).days)
        if k % 41 == 0:
            days.append((_dt.date(2024, 7, 1) - start).days)
        if k % 53 == 0:
            days.append(span)
        for d in days:
            if d < first:
                continue
            amount = max(0.01, round(float(rng.lognormal(mean=3.3, sigma=0.8)), 2))
            rows.append((cid, (start + _dt.timedelta(days=d)).isoformat(), "%.2f" % amount))
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["customer_id", "date", "amount"])
        w.writerows(rows)
    print("wrote %s (%d rows)" % (os.path.relpath(path), len(rows)))


def make_gbk(gbk_path, bom_path, seed=8848):
    """~40 customers with Chinese ids, YYYY/MM/DD dates, amounts like "￥1,234.50"."""
    rng = np.random.default_rng(seed)
    start = _dt.date(2024, 1, 1)
    span = (_dt.date(2024, 12, 31) - start).days
    channels = ["天猫", "京东", "门店"]
    nums = sorted(rng.choice(np.arange(1, 200), size=40, replace=False).tolist())
    records = []
    for num in nums:
        cid = "会员%04d" % num
        n = int(rng.integers(1, 9))
        first = int(rng.integers(0, span + 1))
        days = [first] + [int(rng.integers(first, span + 1)) for _ in range(n - 1)]
        if n > 2 and rng.random() < 0.3:
            days.append(days[1])  # same-day repeat
        for d in days:
            cents = int(round(float(rng.lognormal(mean=5.0, sigma=1.2)) * 100))
            cents = max(cents, 1)
            value = cents / 100.0
            style = rng.random()
            if style < 0.6:
                text = "\uffe5{:,.2f}".format(value)  # ￥1,234.50 (needs quoting when >= 1000)
            else:
                text = "{:.2f}".format(value)  # plain 88.00
            ch = channels[int(rng.integers(0, len(channels)))]
            records.append((cid, (start + _dt.timedelta(days=d)).strftime("%Y/%m/%d"), text, ch))
    # Make sure both amount styles and a thousands separator really occur.
    records.append(("会员0012", "2024/03/05", "\uffe51,234.50", "天猫"))
    records.append(("会员0012", "2024/03/05", "88.00", "门店"))
    records.append(("会员0012", "2024/11/11", "\uffe512,345.67", "京东"))
    order = rng.permutation(len(records))
    records = [records[i] for i in order]
    header = ["客户ID", "下单日期", "实付金额", "渠道"]
    for path, enc in ((gbk_path, "gbk"), (bom_path, "utf-8-sig")):
        with open(path, "w", encoding=enc, newline="") as f:
            w = csv.writer(f, lineterminator="\r\n")  # an Excel-style export
            w.writerow(header)
            w.writerows(records)
        print("wrote %s (%d rows, %s)" % (os.path.relpath(path), len(records), enc))


def parse_yuan(text):
    return float(text.replace("\uffe5", "").replace(",", ""))


def load_gbk(path, encoding):
    df = pd.read_csv(path, dtype=str, encoding=encoding, keep_default_na=False)
    if list(df.columns) != ["客户ID", "下单日期", "实付金额", "渠道"]:
        raise RuntimeError("unexpected header %r in %s" % (list(df.columns), path))
    df["下单日期"] = pd.to_datetime(df["下单日期"], format="%Y/%m/%d")
    df["实付金额"] = df["实付金额"].map(parse_yuan).astype("float64")
    return df


# --------------------------------------------------------------------------- main


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=None, help="directory with CDNOW_sample.txt / CDNOW_master.txt (default: <repo>/../shared/data)")
    ap.add_argument("--extra", action="append", default=[], metavar="FILE", help="CSV with header customer_id,date,amount (ISO dates); repeatable")
    ap.add_argument("--out", default=None, help="golden output directory (default: <repo>/%s)" % GOLDEN_REL)
    ap.add_argument("--fixtures", default=None, help="fixture directory (default: <repo>/%s)" % FIXTURES_REL)
    ap.add_argument("--no-fixtures", action="store_true", help="do not regenerate the fixtures, use the existing files")
    args = ap.parse_args(argv)

    shared = os.path.abspath(args.shared) if args.shared else os.path.join(os.path.dirname(REPO), "shared", "data")
    out_dir = os.path.abspath(args.out) if args.out else os.path.join(REPO, GOLDEN_REL)
    fix_dir = os.path.abspath(args.fixtures) if args.fixtures else os.path.join(REPO, FIXTURES_REL)
    os.makedirs(out_dir, exist_ok=True)
    os.makedirs(fix_dir, exist_ok=True)
    print("reference: %s" % json.dumps(reference_versions()))

    # ---- CDNOW sample
    sample_path = os.path.join(shared, "CDNOW_sample.txt")
    f, base = display_path(sample_path)
    sample_info = {
        "file": f,
        "base": base,
        "format": "whitespace-separated, CRLF, no header; columns 1-based: 1 master id, 2 sample id, 3 date %Y%m%d, 4 number of CDs, 5 dollar value",
        "header": False,
        "date_format": "%Y%m%d",
    }
    sample = load_cdnow_sample(sample_path)
    # Headerless file: columns are named by their 1-based position.
    s_opts = (2, 3, 5)
    s_cols = ("customer_id", "date", "amount")

    summary_golden(out_dir, "cdnow_sample_D7.json", sample, sample_info, *s_opts, *s_cols, "D", 7)
    summary_golden(out_dir, "cdnow_sample_D1.json", sample, sample_info, *s_opts, *s_cols, "D", 1)
    summary_golden(out_dir, "cdnow_sample_W1.json", sample, sample_info, *s_opts, *s_cols, "W", 1)
    summary_golden(out_dir, "cdnow_sample_obs_D7.json", sample, sample_info, *s_opts, *s_cols, "D", 7, obs_end="1998-01-31")
    holdout_golden(out_dir, "cdnow_sample_holdout_D7.json", sample, sample_info, *s_opts, *s_cols, "D", 7, "1997-09-30", "1998-06-30")
    holdout_golden(out_dir, "cdnow_sample_holdout_W1.json", sample, sample_info, *s_opts, *s_cols, "W", 1, "1997-09-30", "1998-06-30")

    # freq "M": only write goldens if lifetimes actually produces something.
    for name, fn in (
        ("cdnow_sample_M1.json", lambda: summary_golden(out_dir, "cdnow_sample_M1.json", sample, sample_info, *s_opts, *s_cols, "M", 1)),
        ("cdnow_sample_holdout_M1.json", lambda: holdout_golden(out_dir, "cdnow_sample_holdout_M1.json", sample, sample_info, *s_opts, *s_cols, "M", 1, "1997-09-30", "1998-06-30")),
    ):
        try:
            fn()
            print("NOTE: freq M worked for %s; check the values before trusting it (see NOTES.md)" % name)
        except Exception as e:  # noqa: BLE001 - we want to report whatever lifetimes raises
            print("freq M: %s not written: %s: %s" % (name, type(e).__name__, e))
            remove_if_exists(out_dir, name)

    # ---- CDNOW master
    master_path = os.path.join(shared, "CDNOW_master.txt")
    f, base = display_path(master_path)
    master_info = {
        "file": f,
        "base": base,
        "format": "whitespace-separated, CRLF, 1 header line: customer_id date number_of_cds dollar_value; date %Y%m%d",
        "header": True,
        "date_format": "%Y%m%d",
    }
    master = load_cdnow_master(master_path)
    summary_golden(out_dir, "cdnow_master_D7.json", master, master_info, "customer_id", "date", "dollar_value", "customer_id", "date", "dollar_value", "D", 7)

    # ---- synthetic fixture
    syn_path = os.path.join(fix_dir, "synthetic_small.csv")
    if not args.no_fixtures:
        make_synthetic(syn_path)
    f, base = display_path(syn_path)
    syn_info = {
        "file": f,
        "base": base,
        "format": "comma-separated UTF-8, LF, header customer_id,date,amount; ISO dates %Y-%m-%d; rows shuffled",
        "header": True,
        "date_format": "%Y-%m-%d",
    }
    syn = load_iso_csv(syn_path)
    c3 = ("customer_id", "date", "amount")
    summary_golden(out_dir, "synthetic_D1.json", syn, syn_info, *c3, *c3, "D", 1)
    summary_golden(out_dir, "synthetic_D7.json", syn, syn_info, *c3, *c3, "D", 7)
    summary_golden(out_dir, "synthetic_W1.json", syn, syn_info, *c3, *c3, "W", 1)
    holdout_golden(out_dir, "synthetic_holdout_D1.json", syn, syn_info, *c3, *c3, "D", 1, "2024-06-30", "2024-12-31")

    # ---- GBK / UTF-8-BOM fixture
    gbk_path = os.path.join(fix_dir, "gbk_small.csv")
    bom_path = os.path.join(fix_dir, "utf8bom_small.csv")
    if not args.no_fixtures:
        make_gbk(gbk_path, bom_path)
    gbk = load_gbk(gbk_path, "gbk")
    bom = load_gbk(bom_path, "utf-8-sig")
    if not gbk.equals(bom):
        raise RuntimeError("gbk_small.csv and utf8bom_small.csv differ in content")
    f, base = display_path(gbk_path)
    gbk_info = {
        "file": f,
        "base": base,
        "format": "comma-separated, GBK encoded, CRLF, header 客户ID,下单日期,实付金额,渠道; dates %Y/%m/%d; amounts like \"￥1,234.50\" (quoted) or 88.00, parsed by stripping ￥ and thousands commas. Same content as Tests/CLVIngestTests/Fixtures/utf8bom_small.csv (UTF-8 with BOM)",
        "header": True,
        "encoding": "gbk",
        "date_format": "%Y/%m/%d",
        "same_content_as": display_path(bom_path)[0],
    }
    g3 = ("客户ID", "下单日期", "实付金额")
    summary_golden(out_dir, "gbk_small_D1.json", gbk, gbk_info, *g3, *g3, "D", 1)

    # ---- extra files
    for extra in args.extra:
        df = load_iso_csv(extra)
        stem = os.path.splitext(os.path.basename(extra))[0]
        f, base = display_path(extra)
        info = {
            "file": f,
            "base": base,
            "format": "comma-separated, header customer_id,date,amount; ISO dates",
            "header": True,
            "date_format": "%Y-%m-%d",
        }
        summary_golden(out_dir, stem + "_D1.json", df, info, *c3, *c3, "D", 1)
        summary_golden(out_dir, stem + "_D7.json", df, info, *c3, *c3, "D", 7)
        dmin = df["date"].min().normalize()
        dmax = df["date"].max().normalize()
        cal_end = (dmin + pd.Timedelta(days=((dmax - dmin).days * 2) // 3)).strftime("%Y-%m-%d")
        obs_end = dmax.strftime("%Y-%m-%d")
        holdout_golden(out_dir, stem + "_holdout_D7.json", df, info, *c3, *c3, "D", 7, cal_end, obs_end)
    return 0


if __name__ == "__main__":
    sys.exit(main())
