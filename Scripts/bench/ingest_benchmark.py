#!/usr/bin/env python3
"""Ingest benchmark: `clv summary` against pandas + lifetimes on the same generated file, same run.

    python3 Scripts/bench/ingest_benchmark.py [--customers 1000000] [--runs 5] [--dir /tmp/clvkit-bench]
                                              [--skip-lifetimes] [--write BENCHMARKS.md]

Steps: build `clv` in release mode (scratch path .build-release), generate the log with
`clv generate` (1M customers, about 5M rows), read it once to warm the page cache, time
`clv summary` --runs times with two threads and with one (CLVKIT_THREADS=1) into a new output file,
and with two threads over an existing output file (the configurations take turns), time lifetimes once
(Scripts/bench/lifetimes_summary.py in the golden venv), check that both list the same number of
customers and that every 1000th agrees to 1e-9, and replace the "ingest" section of BENCHMARKS.md
with the figures, the command, the machine and the date. Wall time and peak RSS come from GNU time (/usr/bin/time).
"""
import argparse, csv, datetime, json, os, platform, re, statistics, subprocess, sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLV = os.path.join(REPO, ".build-release", "release", "clv")
GENERATE = ["--seed", "7", "--end", "2026-12-31", "--r", "0.5", "--alpha", "6"]


def run(cmd, env=None, stdout=subprocess.DEVNULL):
    """Runs cmd under GNU time; returns (wall seconds, peak RSS MiB, stdout text or None)."""
    full = ["/usr/bin/time", "-f", "TIME %e %M"] + cmd
    p = subprocess.run(full, env={**os.environ, **(env or {})}, stdout=stdout, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    m = re.findall(r"TIME ([0-9.]+) ([0-9]+)", p.stderr)[-1]
    return float(m[0]), int(m[1]) / 1024, (p.stdout if stdout == subprocess.PIPE else None)


def build_release():
    """Builds `clv` in release mode into .build-release, with the Swift runtime and Foundation linked in
    (`--static-swift-stdlib`, as the README recommends for a release binary: it starts ~9 ms sooner)."""
    subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--scratch-path", ".build-release",
                    "--product", "clv"],
                   cwd=REPO, check=True, stdout=subprocess.DEVNULL)


def benchmark_log(directory, customers):
    """Path of the generated benchmark log for `customers`, generating it unless it exists."""
    log = os.path.join(directory, f"tx-{customers}.csv")
    if not os.path.exists(log):
        run([CLV, "generate", "--customers", str(customers), "-o", log, "-q"] + GENERATE)
    return log


def machine():
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} × {model}, {mem:.0f} GiB RAM, {platform.system()} {platform.release()}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dir", default="/tmp/clvkit-bench")
    ap.add_argument("--skip-lifetimes", action="store_true")
    ap.add_argument("--write", default=os.path.join(REPO, "BENCHMARKS.md"))
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)

    build_release()
    log = os.path.join(args.dir, f"tx-{args.customers}.csv")
    gen_seconds, _, _ = run([CLV, "generate", "--customers", str(args.customers), "-o", log, "-q"] + GENERATE)
    size = os.path.getsize(log)
    rows = sum(1 for _ in open(log, "rb")) - 1
    open(log, "rb").read()  # warm the page cache
    os.sync()  # the freshly generated file's pages are written back now, not during the timed runs

    out = os.path.join(args.dir, "summary.csv")
    base = [CLV, "summary", log, "-o", out, "--as-of", "2030-01-01", "-q"]
    results = {}
    # The configurations take turns run by run, so that a slow phase of the machine hits them alike.
    # The output is removed before each run except in the last configuration: renaming over an existing
    # file makes ext4 flush the new file's pages first (auto_da_alloc), a cost of the file system.
    configs = [("2 threads", {}, True), ("1 thread", {"CLVKIT_THREADS": "1"}, True),
               ("2 threads, replacing the output file", {}, False)]
    walls = {label: [] for label, _, _ in configs}
    rss = {label: [] for label, _, _ in configs}
    for _ in range(args.runs):
        for label, env, fresh in configs:
            if fresh and os.path.exists(out):
                os.remove(out)
            elif not fresh and not os.path.exists(out):
                open(out, "w").write("old\n" * 1000)
            w, r, _ = run(base, env)
            walls[label].append(w)
            rss[label].append(r)
    for label, _, _ in configs:
        results[label] = (statistics.median(walls[label]), min(walls[label]), max(rss[label]))
        print(f"clv summary, {label}: median {statistics.median(walls[label]):.3f} s, best {min(walls[label]):.3f} s, "
              f"{size / 1e6 / statistics.median(walls[label]):.0f} MB/s, peak RSS {max(rss[label]):.0f} MiB", file=sys.stderr)

    ours = {}
    with open(out, newline="") as f:
        for row in csv.DictReader(f):
            ours[row["customer_id"]] = row

    reference = None
    if not args.skip_lifetimes:
        py = subprocess.run([os.path.join(REPO, "Scripts/golden/setup-venv.sh")], capture_output=True, text=True,
                            check=True).stdout.strip().splitlines()[-1]
        sample = os.path.join(args.dir, "lifetimes-sample.csv")
        w, r, text = run([py, os.path.join(REPO, "Scripts/bench/lifetimes_summary.py"), log, "--sample-output", sample],
                         stdout=subprocess.PIPE)
        reference = json.loads(text.strip().splitlines()[-1])
        reference["wall"] = w
        reference["rss"] = r
        print(f"lifetimes: wall {w:.2f} s (read {reference['read_seconds']:.2f} s + summary "
              f"{reference['summary_seconds']:.2f} s), peak RSS {r:.0f} MiB", file=sys.stderr)
        if reference["customers"] != len(ours):
            sys.exit(f"customer counts differ: lifetimes {reference['customers']}, clv {len(ours)}")
        checked = 0
        with open(sample, newline="") as f:
            for row in csv.DictReader(f):
                mine = ours[row["customer_id"]]
                for column in ("frequency", "recency", "T", "monetary_value"):
                    a, b = float(mine[column]), float(row[column])
                    if abs(a - b) > max(1e-9, 1e-9 * max(abs(a), abs(b))):
                        sys.exit(f"{row['customer_id']} {column}: clv {a}, lifetimes {b}")
                checked += 1
        reference["checked"] = checked
        print(f"checked {checked} customers against lifetimes: all four columns agree to 1e-9", file=sys.stderr)

    median2, best2, rss2 = results["2 threads"]
    median1, best1, rss1 = results["1 thread"]
    medianR, bestR, rssR = results["2 threads, replacing the output file"]
    date = datetime.date.today().isoformat()
    lines = [
        "<!-- ingest:start (written by Scripts/bench/ingest_benchmark.py) -->",
        "## Ingest: CSV → per-customer summary (issue 2)",
        "",
        f"Command: `python3 Scripts/bench/ingest_benchmark.py --customers {args.customers} --runs {args.runs}`  ",
        f"Machine: {machine()}  ",
        f"Date: {date}. Release build (`-Ounchecked` on the hot modules, `--static-swift-stdlib`), input in the page cache, output "
        "written to a new file (CSV, temporary file renamed into place); the configurations take turns run by run.",
        "",
        f"Input: `clv generate --customers {args.customers} {' '.join(GENERATE)}` — {rows:,} rows, "
        f"{size / 1e6:.0f} MB, {len(ours):,} customers (generated in {gen_seconds:.1f} s).",
        "",
        "| what | wall (median of runs) | best | throughput | peak RSS |",
        "| --- | --- | --- | --- | --- |",
        f"| `clv summary`, 2 threads | {median2:.3f} s | {best2:.3f} s | {size / 1e6 / median2:.0f} MB/s | {rss2:.0f} MiB |",
        f"| `clv summary`, 1 thread (`CLVKIT_THREADS=1`) | {median1:.3f} s | {best1:.3f} s | {size / 1e6 / median1:.0f} MB/s | {rss1:.0f} MiB |",
        f"| `clv summary`, 2 threads, over an existing output file | {medianR:.3f} s | {bestR:.3f} s | {size / 1e6 / medianR:.0f} MB/s | {rssR:.0f} MiB |",
    ]
    if reference:
        lines.append(f"| pandas `read_csv` + `to_datetime` + lifetimes 0.11.3 `summary_data_from_transaction_data` "
                     f"| {reference['total_seconds']:.2f} s (+ {reference['import_seconds']:.1f} s imports) | – "
                     f"| {size / 1e6 / reference['total_seconds']:.0f} MB/s | {reference['rss']:.0f} MiB |")
        lines += ["", f"Both give {len(ours):,} customers; every 1000th ({reference['checked']:,}) agrees in frequency, "
                      "recency, T and monetary_value to 1e-9.",
                  "", f"Ratio (lifetimes read + summary ÷ clv median, same file, same run): "
                      f"**{reference['total_seconds'] / median2:.1f}×** with 2 threads, "
                      f"{reference['total_seconds'] / median1:.1f}× with 1."]
        # The issue measured lifetimes at ~11 s on this machine: a slower run of it shows a slow phase.
        speed = reference["total_seconds"] / 11.0
        lines += ["", f"lifetimes took {reference['total_seconds']:.2f} s in this run against about 11 s when issue 2 "
                      f"was written on this machine, so the machine ran {abs(speed - 1) * 100:.0f}% "
                      f"{'slower' if speed > 1 else 'faster'} than then; at that speed the 2-thread median would be "
                      f"{size / 1e6 / median2 * speed:.0f} MB/s. (The figures above are as measured.)"]
    lines += ["", "Over an existing output file, the rename makes ext4 write the new file's pages out first "
              "(`auto_da_alloc`, which protects replace-by-rename against a crash) and drop the old file's pages; "
              "the last `clv` row shows what that adds here."]
    lines += ["", "Peak RSS counts the memory-mapped input pages too (the file is "
              f"{size / 2**20:.0f} MiB); see the memory note below.", "<!-- ingest:end -->"]
    section = "\n".join(lines)
    write_section(args.write, "ingest", section)
    print(section)


def write_section(path, name, section):
    """Replaces the `<!-- name:start … name:end -->` section of a Markdown file (or appends it), atomically."""
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    if f"<!-- {name}:start" in text:
        text = re.sub(rf"<!-- {name}:start.*?<!-- {name}:end -->", lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    tmp = path + ".tmp"
    open(tmp, "w").write(text)
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
