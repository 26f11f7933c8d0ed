#!/usr/bin/env python3
"""Import speed: `clv import` of the benchmark logs into the SQLite store and a PostgreSQL store, each against the
plain bulk load of the same file in the same run.

    python3 Scripts/bench/import_benchmark.py --clv .build-release/release/clv [--dir /tmp/clvkit-bench]
                                              [--write BENCHMARKS.md]

1. SQLite: `clv import tx-1000000.csv --store FILE` (5.1M rows: the unique row keys, the customer index and
   every customer's history, in one transaction) against `sqlite3 FILE ".import"` into a plain table.
2. PostgreSQL: a throwaway server (Scripts/ci/postgres-start.sh); `clv import tx-100000.csv` into a fresh schema
   against `psql \\copy` of the same file into a plain table.
With --write, the "import" section of BENCHMARKS.md is replaced by the figures.
Build the binary with `swift build -c release --static-swift-stdlib --scratch-path .build-release --product clv`.
"""
import argparse, datetime, os, re, shlex, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_benchmark import machine  # noqa: E402
from ingest_compare import log_for  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def timed(cmd, env=None):
    started = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clv", required=True)
    ap.add_argument("--dir", default="/tmp/clvkit-bench")
    ap.add_argument("--write")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    big = log_for(a.clv, a.dir, 1_000_000)
    small = log_for(a.clv, a.dir, 100_000)
    rows = {p: sum(1 for _ in open(p)) - 1 for p in (big, small)}
    with tempfile.TemporaryDirectory() as tmp:
        store = os.path.join(tmp, "store.sqlite")
        sqlite_clv = timed([a.clv, "import", big, "--store", store, "--as-of", "2030-01-01", "-q"])
        size = os.path.getsize(store)
        plain = os.path.join(tmp, "plain.sqlite")
        sqlite_ref = timed(["sqlite3", plain, "-cmd", ".mode csv", f".import {big} tx"])
    out = subprocess.run([os.path.join(REPO, "Scripts/ci/postgres-start.sh")], check=True, capture_output=True, text=True).stdout
    env = dict(os.environ)
    for name, value in re.findall(r"(\w+)='([^']*)'", out):
        env[name] = value
    try:
        url = env["CLVKIT_TEST_POSTGRES"]
        pg_clv = timed([a.clv, "import", small, "--store", url + "&schema=bench", "--as-of", "2030-01-01", "-q"], env=env)
        psql = ["psql", "-h", "127.0.0.1", "-p", url.split(":")[2].split("/")[0], "-U", "postgres", "clv_test", "-q"]
        subprocess.run(psql + ["-c", "CREATE TABLE plain (customer_id text, date text, amount text)"], check=True, env=env)
        pg_ref = timed(psql + ["-c", f"\\copy plain FROM {shlex.quote(small)} CSV HEADER"], env=env)
    finally:
        subprocess.run([os.path.join(REPO, "Scripts/ci/postgres-stop.sh")], env=env, capture_output=True)
    lines = [
        "<!-- import:start (written by Scripts/bench/import_benchmark.py) -->",
        "## Import into the store (issue 13; targets not met yet)",
        "",
        f"Command: `python3 Scripts/bench/import_benchmark.py --clv .build-release/release/clv`  ",
        f"Machine: {machine()}  ",
        f"Date: {datetime.date.today().isoformat()}. Release build (`--static-swift-stdlib`); one run each.",
        "",
        "| import | rows | clv | reference (same file, same run) | clv ÷ reference | target |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| SQLite, `clv import tx-1000000.csv --store FILE` | {rows[big]:,} | {sqlite_clv:.1f} s ({rows[big] / sqlite_clv / 1000:.0f}k rows/s; file {size / 1e6:.0f} MB) | `sqlite3 .import` into a plain table: {sqlite_ref:.1f} s | {sqlite_clv / sqlite_ref:.1f} | ≤ 10 s |",
        f"| PostgreSQL, `clv import tx-100000.csv --store postgres://…` | {rows[small]:,} | {pg_clv:.1f} s ({rows[small] / pg_clv / 1000:.0f}k rows/s) | `psql \\copy` into a plain table: {pg_ref:.2f} s | {pg_clv / pg_ref:.0f} | ≥ 150k rows/s |",
        "",
        "What `clv import` includes and the reference does not: the unique (source, row key) index, the (customer, day)",
        "index, each touched customer's history (built, encoded and saved), the run and source records, all in one",
        "transaction. The identity graph does not exist yet.",
        "<!-- import:end -->",
    ]
    text = "\n".join(lines)
    print(text)
    if a.write:
        doc = open(a.write).read()
        pattern = re.compile(r"<!-- import:start.*?<!-- import:end -->", re.S)
        doc = pattern.sub(lambda _: text, doc) if pattern.search(doc) else doc.rstrip("\n") + "\n\n" + text + "\n"
        open(a.write, "w").write(doc)


if __name__ == "__main__":
    main()
