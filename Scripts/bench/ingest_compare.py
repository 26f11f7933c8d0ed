#!/usr/bin/env python3
"""A/B check that a change does not slow ingest: two `clv` release binaries on the same logs, same run.

    python3 Scripts/bench/ingest_compare.py --base OLD/clv --new NEW/clv [--runs 15] [--dir /tmp/clvkit-bench]
                                            [--write BENCHMARKS.md --label "issue 11"]

1. Instructions (valgrind cachegrind, one thread) of `clv summary` on the 100k-customer benchmark log
   (`clv generate --customers 100000`, the ingest benchmark's parameters), for each binary.
2. Wall time: `clv summary` on the 1M-customer log (two threads, output to a new file), the two
   binaries taking turns run by run (ABAB…), so that the machine's drifts hit both alike; median and best.
3. The same on a copy of the 1M log in which every 1000th customer's first row is moved to the end of the
   file (a late-arriving row: those customers are out of date order and must be recomputed).
4. Both binaries' outputs are compared byte for byte.
With --write, the "ingest-compare" section of BENCHMARKS.md is replaced by the figures.
Build the binaries with `swift build -c release --static-swift-stdlib --scratch-path .build-release`.
"""
import argparse, datetime, filecmp, os, re, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_benchmark import GENERATE, machine, run  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def log_for(clv, directory, customers):
    path = os.path.join(directory, f"tx-{customers}.csv")
    if not os.path.exists(path):
        run([clv, "generate", "--customers", str(customers), "-o", path, "-q"] + GENERATE)
    return path


def late_rows_log(log, every=1000):
    """A copy of `log` (sorted by customer) with every `every`-th customer's first row moved to the end."""
    path = log.replace(".csv", f"-late-{every}.csv")
    if os.path.exists(path):
        return path, None
    moved, customer, seen = [], None, 0
    with open(log, "rb") as src, open(path + ".part", "wb") as dst:
        dst.write(src.readline())
        for line in src:
            c = line.split(b",", 1)[0]
            if c != customer:
                customer = c
                seen += 1
                if seen % every == 0:
                    moved.append(line)
                    continue
            dst.write(line)
        dst.writelines(moved)
    os.replace(path + ".part", path)
    return path, len(moved)


def timed_turns(binaries, log, outs, runs):
    """Wall times of `clv summary log`, the binaries taking turns (ABAB…)."""
    run(["cat", log], stdout=subprocess.DEVNULL)  # warm the page cache
    times = {k: [] for k in binaries}
    for i in range(runs):
        for k in (("base", "new") if i % 2 == 0 else ("new", "base")):
            if os.path.exists(outs[k]):
                os.remove(outs[k])
            started = time.perf_counter()  # GNU time's wall clock has 10 ms steps: too coarse for an A/B
            subprocess.run([binaries[k], "summary", log, "-o", outs[k], "--as-of", "2030-01-01", "-q"], check=True)
            times[k].append(time.perf_counter() - started)
    return times


def instructions(clv, log, out):
    """Instructions executed by the whole process (cachegrind's I refs), one thread."""
    with tempfile.TemporaryDirectory() as tmp:
        cg = os.path.join(tmp, "cg.out")
        p = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", f"--cachegrind-out-file={cg}",
                            clv, "summary", log, "-o", out, "--as-of", "2030-01-01", "-q"],
                           env={**os.environ, "CLVKIT_THREADS": "1"}, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            sys.exit(f"valgrind failed: {p.stderr[-2000:]}")
        m = re.search(r"I\s+refs:\s+([0-9,]+)", p.stderr)
        return int(m.group(1).replace(",", ""))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--dir", default="/tmp/clvkit-bench")
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--write")
    ap.add_argument("--label", default="this change")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    small = log_for(a.base, a.dir, 100_000)
    big = log_for(a.base, a.dir, a.customers)
    outs = {k: os.path.join(a.dir, f"compare-{k}.csv") for k in ("base", "new")}
    ins = {k: instructions(getattr(a, k), small, outs[k]) for k in ("base", "new")}
    same_small = filecmp.cmp(outs["base"], outs["new"], shallow=False)
    binaries = {"base": a.base, "new": a.new}
    times = timed_turns(binaries, big, outs, a.runs)
    same_big = filecmp.cmp(outs["base"], outs["new"], shallow=False)
    med = {k: statistics.median(v) for k, v in times.items()}
    best = {k: min(v) for k, v in times.items()}
    late, _ = late_rows_log(big)
    late_times = timed_turns(binaries, late, outs, a.runs)
    same_late = filecmp.cmp(outs["base"], outs["new"], shallow=False)
    late_med = {k: statistics.median(v) for k, v in late_times.items()}
    size = os.path.getsize(big) / 1e6
    lines = [
        "<!-- ingest-compare:start (written by Scripts/bench/ingest_compare.py) -->",
        f"## Ingest cost of {a.label}: A/B against the previous commit",
        "",
        f"Command: `python3 Scripts/bench/ingest_compare.py --base BASE/clv --new NEW/clv --runs {a.runs} --label \"{a.label}\"`  ",
        f"Machine: {machine()}  ",
        f"Date: {datetime.date.today().isoformat()}. Release builds (`--static-swift-stdlib`); `base` is `{os.path.abspath(a.base)}`, `new` `{os.path.abspath(a.new)}`.",
        "",
        "| measure | base | new | new ÷ base |",
        "| --- | --- | --- | --- |",
        f"| instructions, `clv summary tx-100000.csv`, one thread (cachegrind) | {ins['base']/1e6:.1f} M | {ins['new']/1e6:.1f} M | {ins['new']/ins['base']:.4f} |",
        f"| wall, `clv summary tx-{a.customers}.csv` ({size:.0f} MB), two threads, median of {a.runs} (turns taken) | {med['base']*1000:.1f} ms | {med['new']*1000:.1f} ms | {med['new']/med['base']:.3f} |",
        f"| wall, best of {a.runs} | {best['base']*1000:.1f} ms | {best['new']*1000:.1f} ms | {best['new']/best['base']:.3f} |",
        f"| wall, the same log with every 1000th customer's first row moved to the end (out of order), median of {a.runs} | {late_med['base']*1000:.1f} ms | {late_med['new']*1000:.1f} ms | {late_med['new']/late_med['base']:.3f} |",
        "",
        f"Outputs byte-identical: 100k log {'yes' if same_small else 'NO'}, {a.customers} log {'yes' if same_big else 'NO'}, "
        f"late-row log {'yes' if same_late else 'NO'}.",
        "<!-- ingest-compare:end -->",
    ]
    text = "\n".join(lines)
    print(text)
    if a.write:
        doc = open(a.write).read()
        pattern = re.compile(r"<!-- ingest-compare:start.*?<!-- ingest-compare:end -->", re.S)
        doc = pattern.sub(lambda _: text, doc) if pattern.search(doc) else doc.replace(
            "## Ingest memory", text + "\n\n## Ingest memory", 1)
        open(a.write, "w").write(doc)
    if not (same_small and same_big and same_late):
        sys.exit("outputs differ")


if __name__ == "__main__":
    main()
