#!/usr/bin/env python3
"""What release-mode checks cost: instruction counts of the same commands, checked build against unchecked.

    python3 Scripts/bench/checked_builds.py [--dir /tmp/clvkit-bench] [--no-build] [--write BENCHMARKS.md]

Builds `clv` twice in release mode: as committed (every module checked: overflow traps, preconditions and
exclusivity enforcement kept, apart from the named kernels that opt out in code), into .build-release, and with
every module unchecked (CLVKIT_UNCHECKED_EVERYWHERE=1, -Ounchecked -enforce-exclusivity=unchecked), into
.build-release-unchecked. Runs each command of COMMANDS under valgrind cachegrind (one thread) with both
binaries: ingest and the models on the 100k-customer benchmark log, churn training on a 20k-customer log with
channels. Checks that their outputs are identical (model files: apart from their creation time) and replaces
the "checked-builds" section of BENCHMARKS.md with the ratio checked ÷ unchecked.
"""
import argparse, datetime, filecmp, json, os, re, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_benchmark import GENERATE, REPO, machine, write_section  # noqa: E402

AS_OF = ["--as-of", "2030-01-01"]
CHURN = ["--horizon", "13w", "--as-of", "2026-12-31"]
COMMANDS = [
    ("ingest: summary", ["summary", "LOG"] + AS_OF, "csv"),
    ("BG/NBD fit", ["fit", "LOG", "--model", "bgnbd", "--time-unit", "week"] + AS_OF, "json"),
    ("Pareto/NBD fit", ["fit", "LOG", "--model", "pnbd", "--time-unit", "week"] + AS_OF, "json"),
    ("RFM + value matrix + ABC", ["segment", "LOG", "--method", "rfm,value-matrix,abc"] + AS_OF, "csv"),
    ("K-Means, k = 8", ["segment", "LOG", "--method", "kmeans", "--k", "8"] + AS_OF, "csv"),
    ("churn training: logistic", ["churn", "train", "CHURNLOG", "--classifier", "logistic"] + CHURN, "json"),
    ("churn training: MLP", ["churn", "train", "CHURNLOG", "--classifier", "mlp"] + CHURN, "json"),
    ("churn training: random forest", ["churn", "train", "CHURNLOG", "--classifier", "forest"] + CHURN, "json"),
]
LOGS = {"LOG": "tx-100000.csv", "CHURNLOG": "churn-20000.csv"}


def without_times(value):
    """A JSON document without its creation time and measured durations (they differ between any two runs)."""
    if isinstance(value, dict):
        return {k: without_times(v) for k, v in value.items() if not re.search(r"created|timestamp|fitted_at|trained_at|seconds", k)}
    if isinstance(value, list):
        return [without_times(v) for v in value]
    return value


def same_output(a, b, ext):
    if ext == "csv":
        return filecmp.cmp(a, b, shallow=False)
    with open(a) as fa, open(b) as fb:
        return without_times(json.load(fa)) == without_times(json.load(fb))


def build(scratch, env):
    subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--scratch-path", scratch, "--product", "clv"],
                   cwd=REPO, check=True, stdout=subprocess.DEVNULL, env={**os.environ, **env})
    return os.path.join(REPO, scratch, "release", "clv")


def instructions(clv, args, out):
    with tempfile.TemporaryDirectory() as tmp:
        binary = os.path.join(tmp, "clv")
        shutil.copy(clv, binary)
        subprocess.run(["strip", "--strip-debug", binary], check=True)  # valgrind cannot read Swift's DWARF 5
        p = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", binary]
                           + args + ["-o", out, "-q"],
                           env={**os.environ, "CLVKIT_THREADS": "1"}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            sys.exit(f"failed: {' '.join(args)}\n{p.stderr[-2000:]}")
        return int(re.search(r"I\s+refs:\s+([0-9,]+)", p.stderr).group(1).replace(",", ""))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="/tmp/clvkit-bench")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--write", default=os.path.join(REPO, "BENCHMARKS.md"))
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    if args.no_build:
        checked = os.path.join(REPO, ".build-release", "release", "clv")
        unchecked = os.path.join(REPO, ".build-release-unchecked", "release", "clv")
    else:
        checked = build(".build-release", {})
        unchecked = build(".build-release-unchecked", {"CLVKIT_UNCHECKED_EVERYWHERE": "1"})
    logs = {key: os.path.join(args.dir, name) for key, name in LOGS.items()}
    if not os.path.exists(logs["LOG"]):
        subprocess.run([checked, "generate", "--customers", "100000", "-o", logs["LOG"], "-q"] + GENERATE, check=True)
    if not os.path.exists(logs["CHURNLOG"]):
        subprocess.run([checked, "generate", "--customers", "20000", "--channels", "--seed", "11", "--end", "2026-12-31",
                        "-o", logs["CHURNLOG"], "-q"], check=True)
    rows = []
    for name, command, ext in COMMANDS:
        argv = [logs.get(a, a) for a in command]
        outs = {k: os.path.join(args.dir, f"checked-{k}.{ext}") for k in ("checked", "unchecked")}
        a = instructions(unchecked, argv, outs["unchecked"])
        b = instructions(checked, argv, outs["checked"])
        same = same_output(outs["checked"], outs["unchecked"], ext)
        rows.append((name, " ".join(LOGS.get(a, a) for a in command), a, b, same))
        print(f"{name}: {a / 1e6:,.0f} M -> {b / 1e6:,.0f} M ({b / a:.3f})", file=sys.stderr)
    lines = [
        "<!-- checked-builds:start (written by Scripts/bench/checked_builds.py) -->",
        "## What release-mode checks cost (issue 12)",
        "",
        "Command: `python3 Scripts/bench/checked_builds.py`. Instructions (valgrind cachegrind, one thread) of the same",
        "command with the committed build (every module keeps overflow traps, preconditions and exclusivity checks in",
        "release; only named kernels opt out in code: unsafe buffers, wrapping index arithmetic, `@exclusivity(unchecked)`",
        "on ingest's per-row state) and with every module built `-Ounchecked -enforce-exclusivity=unchecked`",
        "(`CLVKIT_UNCHECKED_EVERYWHERE=1`). Ingest and the models read the 100k-customer benchmark log; churn training a",
        "20k-customer log with channels (`clv generate --customers 20000 --channels --seed 11 --end 2026-12-31`).",
        f"Machine: {machine()}. Date: {datetime.date.today().isoformat()}.",
        "",
        "| work | command | unchecked | checked | checked ÷ unchecked | outputs |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, cmd, a, b, same in rows:
        lines.append(f"| {name} | `clv {cmd}` | {a / 1e6:,.0f} M | {b / 1e6:,.0f} M | {b / a:.3f} | "
                     f"{'identical' if same else 'differ'} |")
    lines += [
        "",
        "Model files are compared without their creation time and measured durations (`created`, `seconds`).",
        "<!-- checked-builds:end -->",
    ]
    section = "\n".join(lines)
    write_section(args.write, "checked-builds", section)
    print(section)
    if any(same is False for *_, same in rows):
        sys.exit("outputs differ between the builds")


if __name__ == "__main__":
    main()
