#!/usr/bin/env python3
"""Model benchmark: CLVKit fits and scoring against lifetimes 0.11.3 on the same 1M-customer data, same run.

    python3 Scripts/bench/models_benchmark.py [--customers 1000000] [--dir /tmp/clvkit-bench]
                                              [--skip-pnbd-reference] [--write BENCHMARKS.md]

Steps: build `clv` in release mode; generate the log as Scripts/bench/ingest_benchmark.py does (reused
if present); write its weekly RFM summary with `clv summary --time-unit week` (the input lifetimes gets);
for each model time `clv fit` (the fit alone, from the model file's `seconds`: ingest is measured
separately) and `clv predict` scoring (CLVKIT_TIMING); time lifetimes' fit (Scripts/bench/lifetimes_fit.py)
and scoring (Scripts/bench/lifetimes_score.py) on the summary; check that the fitted parameters agree;
replace the "models" section of BENCHMARKS.md.
"""
import argparse, datetime, json, os, re, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_benchmark import CLV, GENERATE, REPO, benchmark_log, build_release, machine, run, write_section  # noqa: E402

MODELS = ["bgnbd", "mbgnbd", "pnbd", "gg"]
TARGETS = {"bgnbd": 0.5, "mbgnbd": 0.5, "pnbd": 3.0, "gg": 0.3}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--dir", default="/tmp/clvkit-bench")
    ap.add_argument("--skip-pnbd-reference", action="store_true", help="lifetimes' Pareto/NBD fit takes minutes")
    ap.add_argument("--write", default=os.path.join(REPO, "BENCHMARKS.md"))
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    build_release()
    log = benchmark_log(args.dir, args.customers)
    summary = os.path.join(args.dir, "summary-weeks.csv")
    run([CLV, "summary", log, "--time-unit", "week", "--as-of", "2030-01-01", "-q", "-o", summary])
    py = subprocess.run([os.path.join(REPO, "Scripts/golden/setup-venv.sh")], capture_output=True, text=True,
                        check=True).stdout.strip().splitlines()[-1]

    rows, ours = [], {}
    for model in MODELS:
        out = os.path.join(args.dir, f"model-{model}.json")
        cmd = [CLV, "fit", log, "--model", model, "--time-unit", "week", "--as-of", "2030-01-01", "-q", "-o", out]
        if model != "gg":
            cmd += ["--spend-model", "gg"]
        wall, rss, _ = run(cmd)
        fitted = json.load(open(out))
        entry = fitted["fit"]
        if model != "gg":
            distinct = fitted["data"]["distinct_histories"]
        ours[model] = fitted
        scoring = None
        if model != "gg":
            p = subprocess.run([CLV, "predict", log, "--model-file", out, "--horizon", "52", "--as-of", "2030-01-01",
                                "-q", "-o", os.devnull], env={**os.environ, "CLVKIT_TIMING": "1"},
                               capture_output=True, text=True, check=True)
            scoring = float(re.search(r"scored \d+ customers in ([0-9.]+) s", p.stderr).group(1))
        print(f"clv {model}: fit {entry['seconds']:.3f} s (process {wall:.2f} s, {rss:.0f} MiB)"
              + (f", scoring {scoring:.3f} s" if scoring else ""), file=sys.stderr)
        reference = reference_score = None
        if not (model == "pnbd" and args.skip_pnbd_reference):
            _, rrss, text = run([py, os.path.join(REPO, "Scripts/bench/lifetimes_fit.py"), summary, "--model", model],
                                stdout=subprocess.PIPE)
            reference = json.loads(text.strip().splitlines()[-1])
            reference["rss"] = rrss
            print(f"lifetimes {model}: fit {reference['seconds']:.2f} s, {rrss:.0f} MiB", file=sys.stderr)
            # The estimates must agree (lifetimes' own optimiser stops earlier; 1e-3 relative).
            names = {"gg": {"gamma": "v"}}.get(model, {})
            for name, value in entry["parameters"].items():
                theirs = reference["params"][names.get(name, name)]
                if abs(value - theirs) > 1e-3 * abs(theirs):
                    print(f"  note: {name} differs: clv {value}, lifetimes {theirs}", file=sys.stderr)
        if model != "gg":
            params = ",".join(str(entry["parameters"][n]) for n in entry["parameter_order"])
            gg = fitted["spend_model"]["parameters"]
            _, _, text = run([py, os.path.join(REPO, "Scripts/bench/lifetimes_score.py"), summary, "--model", model,
                              "--params", params, "--gg", f"{gg['p']},{gg['q']},{gg['gamma']}"], stdout=subprocess.PIPE)
            reference_score = json.loads(text.strip().splitlines()[-1])
            print(f"lifetimes {model}: scoring {reference_score['seconds']:.2f} s", file=sys.stderr)
        rows.append((model, entry, wall, rss, scoring, reference, reference_score, fitted["data"]["distinct_histories"]))

    names = {"bgnbd": "BG/NBD", "mbgnbd": "MBG/NBD", "pnbd": "Pareto/NBD", "gg": "Gamma-Gamma"}
    lines = ["<!-- models:start (written by Scripts/bench/models_benchmark.py) -->",
             "## Models: fitting and scoring 1M customers (issue 3)", "",
             f"Command: `python3 Scripts/bench/models_benchmark.py --customers {args.customers}"
             + (" --skip-pnbd-reference" if args.skip_pnbd_reference else "") + "`  ",
             f"Machine: {machine()}  ", f"Date: {datetime.date.today().isoformat()}. Release build.", "",
             f"Data: the ingest benchmark's log (`clv generate --customers {args.customers} {' '.join(GENERATE)}`), "
             f"summarised in weeks; {rows[0][7]:,} distinct (x, tₓ, T) histories. lifetimes gets the same summary as CSV.",
             "",
             "| model | clv fit | target | lifetimes fit | ratio | clv scoring¹ | lifetimes scoring¹ | ratio | clv peak RSS² | lifetimes peak RSS |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for model, entry, wall, rss, scoring, ref, refs, _ in rows:
        fit = entry["seconds"]
        lines.append(f"| {names[model]} | {fit:.3f} s | ≤ {TARGETS[model]} s | "
                     + (f"{ref['seconds']:.2f} s | **{ref['seconds'] / fit:.0f}×** | " if ref else "not run | – | ")
                     + (f"{scoring:.3f} s | {refs['seconds']:.2f} s | **{refs['seconds'] / scoring:.0f}×** | " if scoring and refs else "– | – | – | ")
                     + f"{rss:.0f} MiB | " + (f"{ref['rss']:.0f} MiB |" if ref else "– |"))
    lines += ["", "¹ Scoring: expected purchases over 52 weeks, P(alive), expected spend and 12-month CLV for all "
              "customers (clv: `clv predict`'s scoring step; lifetimes: its three functions at the same parameters).",
              f"² Peak RSS of the whole `clv fit` process, reading the {os.path.getsize(log) / 1e6:.0f} MB log included (most of it is the "
              "ingest, see above); the fit itself holds the "
              f"{distinct / 1000:.0f}k distinct histories in ~40 bytes each plus five 4-byte indexes, about "
              f"{distinct * 60 / 1e6:.0f} MB. lifetimes' figure is its fit process reading the much smaller summary CSV.",
              "<!-- models:end -->"]
    section = "\n".join(lines)
    write_section(args.write, "models", section)
    print(section)


if __name__ == "__main__":
    main()
