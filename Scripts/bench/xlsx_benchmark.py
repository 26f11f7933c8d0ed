#!/usr/bin/env python3
"""Excel input benchmark: `clv summary orders.xlsx` against openpyxl (read-only mode) + pandas, same run.

    /tmp/xlvenv/bin/python Scripts/bench/xlsx_benchmark.py [--customers 40000] [--runs 3]
                                                          [--dir /tmp/clvkit-xlsx-bench] [--write BENCHMARKS.md]

Needs a Python with openpyxl and pandas (python3 -m venv /tmp/xlvenv; /tmp/xlvenv/bin/pip install openpyxl pandas).
Steps: build `clv` in release mode (.build/release/clv); generate a log with `clv generate` and write it as
a workbook with openpyxl's write-only mode (customer ids as text, dates as date cells, amounts as numbers);
time `clv summary` on the workbook --runs times, and on the same log as CSV (what the conversion costs);
time openpyxl read-only + pandas groupby (frequency, recency, T, monetary value per customer) --runs times;
check that both find the same customers with the same order counts; then, for memory, two workbooks with the
same 2,000 customers and 4x as many rows in the second: clv's peak RSS must not grow with the rows.
Wall time and peak RSS come from GNU time (/usr/bin/time). With --write, the "Excel input" section of
BENCHMARKS.md is replaced (or appended) with the figures, the command, the machine and the date.
"""
import argparse, datetime, os, platform, random, re, statistics, subprocess, sys, textwrap

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLV = os.path.join(REPO, ".build", "release", "clv")
GENERATE = ["--seed", "7", "--end", "2026-12-31", "--r", "0.5", "--alpha", "6"]

PANDAS_READER = textwrap.dedent(r"""
    import sys, time
    import openpyxl, pandas as pd
    t0 = time.perf_counter()
    wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
    rows = wb.worksheets[0].iter_rows(values_only=True)
    header = next(rows)
    df = pd.DataFrame(rows, columns=header)
    df["date"] = pd.to_datetime(df["date"]).dt.normalize()
    end = df["date"].max()
    # lifetimes' summary: repeat periods (distinct days - 1), recency, T, mean spend of repeat days.
    daily = df.groupby(["customer_id", "date"], sort=False)["amount"].sum().reset_index()
    g = daily.groupby("customer_id", sort=False)
    first = g["date"].transform("min")
    repeat = daily[daily["date"] != first]
    out = pd.DataFrame({
        "frequency": g.size() - 1,
        "recency": (g["date"].max() - g["date"].min()).dt.days,
        "T": (end - g["date"].min()).dt.days,
        "orders": df.groupby("customer_id", sort=False).size(),
    })
    out["monetary_value"] = repeat.groupby("customer_id")["amount"].mean().reindex(out.index).fillna(0)
    out.to_csv(sys.argv[2])
    print("pandas %.2f s" % (time.perf_counter() - t0), file=sys.stderr)
""")


def run(cmd, stdout=subprocess.DEVNULL):
    """Runs cmd under GNU time; returns (wall seconds, peak RSS MiB)."""
    p = subprocess.run(["/usr/bin/time", "-f", "TIME %e %M"] + cmd, stdout=stdout, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    m = re.findall(r"TIME ([0-9.]+) ([0-9]+)", p.stderr)[-1]
    return float(m[0]), int(m[1]) / 1024


def write_workbook(rows, path):
    """Writes (customer_id, date, amount) rows with openpyxl's write-only mode."""
    import openpyxl
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("orders")
    ws.append(["customer_id", "date", "amount"])
    for r in rows:
        ws.append(r)
    wb.save(path)


def read_log(path):
    import csv
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        c, d, a = header.index("customer_id"), header.index("date"), header.index("amount")
        for row in reader:
            yield [row[c], datetime.date.fromisoformat(row[d][:10]), float(row[a])]


def machine():
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()[:10]
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return nproc, lscpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=40000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", default="/tmp/clvkit-xlsx-bench")
    ap.add_argument("--memory-rows", type=int, default=50000)
    ap.add_argument("--write")
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    load = os.getloadavg()[0]
    subprocess.run(["swift", "build", "-c", "release", "--product", "clv"], cwd=REPO, check=True, stdout=subprocess.DEVNULL)

    log = os.path.join(args.dir, f"tx-{args.customers}.csv")
    if not os.path.exists(log):
        run([CLV, "generate", "--customers", str(args.customers), "-o", log, "-q"] + GENERATE)
    book = os.path.join(args.dir, f"tx-{args.customers}.xlsx")
    csv_log = os.path.join(args.dir, f"tx-{args.customers}-3col.csv")
    if not os.path.exists(book):
        rows = list(read_log(log))
        write_workbook(rows, book)
        with open(csv_log, "w") as f:
            f.write("customer_id,date,amount\n")
            for c, d, a in rows:
                f.write(f"{c},{d.isoformat()},{a!r}\n")
    nrows = sum(1 for _ in open(csv_log)) - 1
    size = os.path.getsize(book) / 2**20

    asof = ["--as-of", "2030-01-01", "--quiet"]
    clv_out = os.path.join(args.dir, "clv-summary.csv")
    pandas_out = os.path.join(args.dir, "pandas-summary.csv")
    reader = os.path.join(args.dir, "pandas_reader.py")
    with open(reader, "w") as f:
        f.write(PANDAS_READER)
    clv_xlsx, clv_csv, pandas = [], [], []
    for _ in range(args.runs):  # the three take turns
        clv_xlsx.append(run([CLV, "summary", book, "-o", clv_out] + asof))
        clv_csv.append(run([CLV, "summary", csv_log, "-o", os.devnull] + asof))
        pandas.append(run([sys.executable, reader, book, pandas_out]))

    # Same customers, same order counts.
    import pandas as pd
    a = pd.read_csv(clv_out, dtype={"customer_id": str}).set_index("customer_id")
    b = pd.read_csv(pandas_out, dtype={"customer_id": str}).set_index("customer_id")
    assert len(a) == len(b), (len(a), len(b))
    assert (a["orders"].sort_index() == b["orders"].sort_index()).all()
    assert (a["frequency"].sort_index().astype(int) == b["frequency"].sort_index()).all()

    # Memory: the same 2,000 customers, n and 4n rows, in date order (so that the ingest keeps no rows
    # for a second pass). The ingest maps the scratch CSV, whose pages count in the RSS: its size (that
    # of the same rows as CSV) is taken off.
    rng = random.Random(3)
    memory = []
    for n in (args.memory_rows, 4 * args.memory_rows):
        path = os.path.join(args.dir, f"sorted-{n}.xlsx")
        csv_path = path[:-5] + ".csv"
        if not os.path.exists(path):
            start = datetime.date(2020, 1, 1)
            rows = sorted(([f"C{rng.randrange(2000):05d}", start + datetime.timedelta(days=rng.randrange(2000)),
                            round(rng.uniform(1, 500), 2)] for _ in range(n)), key=lambda r: r[1])
            write_workbook(rows, path)
            with open(csv_path, "w") as f:
                f.write("customer_id,date,amount\n")
                for customer, day, amount in rows:
                    f.write(f"{customer},{day.isoformat()},{amount!r}\n")
        t, m = run([CLV, "summary", path, "-o", os.devnull] + asof)
        memory.append((n, (t, m, os.path.getsize(csv_path) / 2**20)))

    med = lambda xs, k: statistics.median(x[k] for x in xs)
    nproc, lscpu = machine()
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "## Excel input: `clv summary` on an .xlsx workbook (issue 11)",
        "",
        f"{nrows:,} rows × 3 columns ({args.customers:,} generated customers; customer ids as text, dates as date cells,",
        f"amounts as numbers), written by openpyxl's write-only mode: {size:.1f} MiB. Median of {args.runs} runs, taking turns.",
        "",
        "| reader | wall time | peak RSS |",
        "| --- | ---: | ---: |",
        f"| `clv summary orders.xlsx` (release) | {med(clv_xlsx, 0):.2f} s | {med(clv_xlsx, 1):.0f} MiB |",
        f"| `clv summary` of the same log as CSV | {med(clv_csv, 0):.2f} s | {med(clv_csv, 1):.0f} MiB |",
        f"| openpyxl 3.1 read-only + pandas groupby | {med(pandas, 0):.2f} s | {med(pandas, 1):.0f} MiB |",
        "",
        f"clv reads the workbook **{med(pandas, 0) / med(clv_xlsx, 0):.1f}× faster** than openpyxl + pandas, in "
        f"{med(pandas, 1) / med(clv_xlsx, 1):.1f}× less memory; both list the same {len(a):,} customers with the same order counts.",
        "The sheet is decompressed to a scratch file and parsed by Foundation's streaming `XMLParser` into a scratch CSV",
        "that the ordinary ingest reads; the XML parse is most of the time.",
        "",
        "Memory does not grow with the rows beyond the pages of the mapped scratch CSV (the file's page cache,",
        "which the kernel can drop at any time, as for a CSV input): the same 2,000 customers, rows in date order,",
        "",
        "| rows | wall time | peak RSS | scratch CSV | RSS − CSV |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ] + [f"| {n:,} | {t:.2f} s | {m:.0f} MiB | {c:.1f} MiB | {m - c:.0f} MiB |" for n, (t, m, c) in memory] + [
        "",
        f"Load average at the start: {load:.1f} on {os.cpu_count()} cores (times on a shared machine are noisy; the ratio",
        "is from runs taking turns in one session).",
        "",
        f"Command: `{os.path.basename(sys.executable)} Scripts/bench/xlsx_benchmark.py --customers {args.customers} --runs {args.runs} --memory-rows {args.memory_rows}`, {date}.",
        f"Machine: `nproc` = {nproc}; `lscpu | head`:",
        "",
        "```",
    ] + lscpu + ["```", ""]
    text = "\n".join(lines)
    print(text)
    if args.write:
        path = os.path.join(REPO, args.write)
        doc = open(path).read()
        pattern = re.compile(r"## Excel input.*?(?=\n## |\Z)", re.S)
        doc = pattern.sub(text.rstrip() + "\n", doc) if pattern.search(doc) else doc.rstrip() + "\n\n" + text
        open(path, "w").write(doc)


if __name__ == "__main__":
    main()
