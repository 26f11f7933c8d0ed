#!/usr/bin/env python3
"""Scoring one customer: FittedModel.score, one call per customer, against the batch scorer, same run.

    python3 Scripts/bench/score_benchmark.py [--log Examples/transactions.csv] [--no-build] [--write BENCHMARKS.md]

Builds `clv-bench` in release mode (scratch path .build-release), runs `clv-bench score LOG` (BG/NBD,
MBG/NBD, Pareto/NBD fitted in weeks with Gamma-Gamma; 1-year horizon with monthly-discounted CLV, the
default of `clv predict`; every customer of the log scored alone, 7 repetitions, median) and replaces
the "score" section of BENCHMARKS.md. Targets (issue 12): ≤ 5 µs for BG/NBD, ≤ 50 µs for Pareto/NBD.
"""
import argparse, datetime, json, os, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_benchmark import REPO, machine, write_section  # noqa: E402

BENCH = os.path.join(REPO, ".build-release", "release", "clv-bench")
TARGETS = {"bgnbd": 5000, "pnbd": 50000}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", default=os.path.join(REPO, "Examples", "transactions.csv"))
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--write", default=os.path.join(REPO, "BENCHMARKS.md"))
    args = ap.parse_args()
    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--scratch-path", ".build-release",
                        "--product", "clv-bench"], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run([BENCH, "score", args.log], cwd=REPO, check=True, capture_output=True, text=True).stdout
    results = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    lines = [
        "<!-- score:start (written by Scripts/bench/score_benchmark.py) -->",
        "## Scoring one customer (issue 12)",
        "",
        f"Command: `python3 Scripts/bench/score_benchmark.py` (release `clv-bench score {os.path.relpath(args.log, REPO)}`).",
        f"Machine: {machine()}. Date: {datetime.date.today().isoformat()}. {results[0]['customers']} customers, each scored alone "
        "(`FittedModel.score(frequency:recency:T:monetaryValue:timeUnit:options:)`: expected purchases, P(alive), "
        "expected spend and CLV over one year, discounted monthly), 7 repetitions, median; the batch scorer on the same "
        "customers in the same run for comparison.",
        "",
        "| model | one customer | target | batch, per customer | one alone ÷ batch |",
        "| --- | --- | --- | --- | --- |",
    ]
    failed = []
    for r in results:
        target = TARGETS.get(r["model"])
        ok = target is None or r["single_ns"] <= target
        if not ok:
            failed.append(r["model"])
        lines.append(f"| {r['model']} | {r['single_ns'] / 1000:.2f} µs | {'≤ %g µs' % (target / 1000) if target else '—'}"
                     f"{'' if ok else ' (missed)'} | {r['batch_ns_per_customer'] / 1000:.2f} µs | "
                     f"{r['single_ns'] / r['batch_ns_per_customer']:.1f}× |")
    lines += ["", "The batch scorer shares the terms that depend on (x, T) between customers and uses both cores; "
              "one customer alone pays for its twelve monthly CLV steps itself.", "<!-- score:end -->"]
    section = "\n".join(lines)
    write_section(args.write, "score", section)
    print(section)
    if failed:
        sys.exit(f"targets missed: {failed}")


if __name__ == "__main__":
    main()
