#!/usr/bin/env python3
"""Customer histories at 1M customers: `clv summary --engine history` against the streaming reader, same run.

    python3 Scripts/bench/history_benchmark.py [--customers 1000000] [--runs 3] [--dir /tmp/clvkit-bench]
                                               [--no-build] [--write BENCHMARKS.md]

Builds `clv` in release mode, generates (or reuses) the ingest benchmark log, warms the page cache, then
runs `clv summary` with the streaming reader and with customer histories (`--engine history`, which
reads the file once into a CustomerBook and summarises it) in turns, --runs times each, under GNU time.
Checks that the two outputs are byte-identical, and reports wall time, peak RSS, the histories' own
estimate of their bytes (CLVKIT_TIMING) and the bytes per customer. Replaces the "history" section of
BENCHMARKS.md.
"""
import argparse, datetime, os, re, statistics, subprocess, sys, filecmp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_benchmark import CLV, REPO, benchmark_log, build_release, machine, write_section  # noqa: E402


def timed(cmd, env=None):
    p = subprocess.run(["/usr/bin/time", "-f", "TIME %e %M"] + cmd, env={**os.environ, **(env or {})},
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    m = re.findall(r"TIME ([0-9.]+) ([0-9]+)", p.stderr)[-1]
    return float(m[0]), int(m[1]) / 1024, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", default="/tmp/clvkit-bench")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--write", default=os.path.join(REPO, "BENCHMARKS.md"))
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    if not args.no_build:
        build_release()
    log = benchmark_log(args.dir, args.customers)
    open(log, "rb").read()  # warm the page cache
    outputs = {e: os.path.join(args.dir, f"summary-{e}.csv") for e in ("streaming", "history")}
    results = {e: [] for e in outputs}
    estimate = None
    for _ in range(args.runs):
        for engine, out in outputs.items():
            wall, rss, err = timed([CLV, "summary", log, "--as-of", "2030-01-01", "--engine", engine, "-o", out, "-q"], env={"CLVKIT_TIMING": "1"})
            results[engine].append((wall, rss))
            m = re.search(r"history: ([0-9]+) customers, estimated ([0-9]+) bytes", err)
            if m:
                estimate = (int(m.group(1)), int(m.group(2)))
    identical = filecmp.cmp(outputs["streaming"], outputs["history"], shallow=False)
    rows = sum(1 for _ in open(log)) - 1
    wall = {e: statistics.median(w for w, _ in r) for e, r in results.items()}
    rss = {e: statistics.median(m for _, m in r) for e, r in results.items()}
    customers = estimate[0] if estimate else args.customers
    per_customer_rss = (rss["history"] - rss["streaming"]) * 2**20 / customers
    per_customer_estimate = estimate[1] / customers if estimate else float("nan")
    today = datetime.date.today().isoformat()
    lines = [
        "<!-- history:start (written by Scripts/bench/history_benchmark.py) -->",
        "## Customer histories at 1M customers (issue 12)",
        "",
        f"Command: `python3 Scripts/bench/history_benchmark.py --customers {args.customers} --runs {args.runs}`",
        f"(release build; `clv summary FILE --as-of 2030-01-01 -o OUT -q` with `--engine streaming` and `--engine history`, in turns).",
        f"Machine: {machine()}. Date: {today}. Input: `{os.path.basename(log)}`, {rows:,} rows, {customers:,} customers.",
        "",
        "| engine | wall (median) | peak RSS (median) |",
        "| --- | --- | --- |",
        f"| streaming reader (default) | {wall['streaming']:.2f} s | {rss['streaming']:.0f} MiB |",
        f"| customer histories (`--engine history`) | {wall['history']:.2f} s ({wall['history'] / wall['streaming']:.1f}×) | {rss['history']:.0f} MiB |",
        "",
        f"- Outputs byte-identical: **{'yes' if identical else 'NO'}**.",
        f"- Bytes per customer, measured: peak RSS difference / customers = **{per_customer_rss:.0f} B** "
        f"(the book, the transaction batch of 65,536 rows and the summaries, above what the streaming reader holds).",
        f"- Bytes per customer, the histories' own estimate (`CustomerBook.estimatedByteCount`): **{per_customer_estimate:.0f} B** "
        f"(this log has about {rows / customers:.1f} rows per customer).",
        "<!-- history:end -->",
    ]
    section = "\n".join(lines)
    write_section(args.write, "history", section)
    print(section)
    if not identical:
        sys.exit("the two engines' outputs differ")


if __name__ == "__main__":
    main()
