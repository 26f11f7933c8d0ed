#!/usr/bin/env python3
"""Segmentation benchmark: `clv segment` on the 1M-customer log against pandas / scikit-learn, same run.

    python3 Scripts/bench/segment_benchmark.py [--customers 1000000] [--runs 5] [--dir /tmp/clvkit-bench]

Builds `clv` in release mode, generates the ingest benchmark's log (reused if present) and:
  1. times `clv segment LOG --method rfm,value-matrix,abc` --runs times; the segmentation phase comes from
     CLVKIT_TIMING (the log is read first, which the ingest benchmark covers);
  2. times `clv segment LOG --method kmeans --k 8` the same way;
  3. writes the daily summary with `clv summary` and times the same work in pandas / scikit-learn
     (Scripts/bench/segments_reference.py, in the golden venv), and checks that both agree on the
     RFM segment sizes and ABC class sizes;
and replaces the "segments" section of BENCHMARKS.md.
"""
import argparse, collections, csv, datetime, json, os, re, statistics, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_benchmark import CLV, REPO, benchmark_log, build_release, machine, write_section  # noqa: E402


def timed_segment(args, runs):
    """Segmentation-phase seconds of `clv segment` (median, all runs) and the last run's stdout."""
    times, out = [], None
    for _ in range(runs):
        p = subprocess.run([CLV, "segment"] + args + ["--as-of", "2030-01-01"], env={**os.environ, "CLVKIT_TIMING": "1"},
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            sys.exit(f"clv segment {' '.join(args)} failed:\n{p.stderr}")
        times.append(float(re.search(r"timing: segment ([0-9.e-]+) s", p.stderr).group(1)))
        out = p.stdout
        print(f"clv segment {' '.join(args[1:3])}: {times[-1]:.3f} s", file=sys.stderr)
    return times, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dir", default="/tmp/clvkit-bench")
    ap.add_argument("--write", default=os.path.join(REPO, "BENCHMARKS.md"))
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    build_release()
    log = benchmark_log(args.dir, args.customers)

    rfm_times, rfm_out = timed_segment([log, "--method", "rfm,value-matrix,abc", "-q"], args.runs)
    rows = list(csv.DictReader(rfm_out.splitlines()))
    assert len(rows) == args.customers, len(rows)
    keys = ["important_value", "important_development", "important_retention", "important_win_back",
            "general_value", "general_development", "general_retention", "general_win_back"]
    counts = collections.Counter(r["rfm_segment_key"] for r in rows)
    clv_sizes = [counts[k] for k in keys]
    abc_counts = collections.Counter(r["abc_class"] for r in rows)
    clv_abc = [abc_counts[k] for k in "ABC"]
    del rows, rfm_out
    km_times, km_out = timed_segment([log, "--method", "kmeans", "--k", "8", "-q", "--summary"], args.runs)

    summary = os.path.join(args.dir, f"summary-days-{args.customers}.csv")
    subprocess.run([CLV, "summary", log, "-o", summary, "--as-of", "2030-01-01", "-q"], check=True)
    py = subprocess.run([os.path.join(REPO, "Scripts/golden/setup-venv.sh")], capture_output=True, text=True,
                        check=True).stdout.strip().splitlines()[-1]
    refs = []
    for _ in range(max(1, args.runs // 2)):
        p = subprocess.run([py, os.path.join(REPO, "Scripts/bench/segments_reference.py"), summary, "--kmeans"],
                           capture_output=True, text=True, check=True)
        refs.append(json.loads(p.stdout))
        print(f"pandas: {refs[-1]['rfm_matrix_abc_seconds']:.3f} s, sklearn KMeans {refs[-1]['kmeans_seconds']:.2f} s", file=sys.stderr)
    ref = refs[-1]
    agree = ref["segment_sizes"] == clv_sizes and ref["abc_sizes"] == clv_abc
    pandas_s = statistics.median(r["rfm_matrix_abc_seconds"] for r in refs)
    km_s = statistics.median(r["kmeans_seconds"] for r in refs)
    mb_s = statistics.median(r["minibatch_seconds"] for r in refs)
    rfm_med, km_med = statistics.median(rfm_times), statistics.median(km_times)
    lines = ["<!-- segments:start (written by Scripts/bench/segment_benchmark.py) -->",
             "## Segmentation on 1M customers (issue 5)", "",
             f"Command: `python3 Scripts/bench/segment_benchmark.py --customers {args.customers} --runs {args.runs}`  ",
             f"Machine: {machine()}  ", f"Date: {datetime.date.today().isoformat()}. Release build.", "",
             f"Input: the ingest benchmark's log ({args.customers:,} customers). Times are the segmentation phase only",
             "(`CLVKIT_TIMING=1`; the log is read first, see the ingest section); pandas/scikit-learn get the same",
             "per-customer summary already loaded.", "",
             "| work | clv (median) | target | reference, same run | ratio |",
             "| --- | --- | --- | --- | --- |",
             f"| RFM scores + 8 segments + value matrix + ABC | **{rfm_med:.3f} s** | ≤ 1 s | pandas/NumPy {pandas_s:.3f} s | {pandas_s / rfm_med:.1f}× |",
             f"| K-Means, k = 8, 4 features | **{km_med:.2f} s** | ≤ 5 s | scikit-learn KMeans {km_s:.2f} s, MiniBatchKMeans {mb_s:.2f} s | {km_s / km_med:.1f}× / {mb_s / km_med:.1f}× |",
             "",
             f"RFM segment sizes and ABC class sizes {'agree exactly' if agree else 'DIFFER'} between clv and the pandas reference"
             f" ({', '.join(f'{k} {v:,}' for k, v in zip(keys, clv_sizes))}).",
             "<!-- segments:end -->"]
    section = "\n".join(lines)
    write_section(args.write, "segments", section)
    print(section)
    if not agree:
        sys.exit(f"clv {clv_sizes} {clv_abc} vs pandas {ref['segment_sizes']} {ref['abc_sizes']}")


if __name__ == "__main__":
    main()
