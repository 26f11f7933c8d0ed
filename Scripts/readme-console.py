#!/usr/bin/env python3
"""Keep the ```console blocks of README.md true.

Every `$ ` line of a console block is run (in order, in one scratch directory holding a copy of
Examples/ and, when present, the CDNOW sample from ../shared/data) with the built `clv` first on
PATH. What a command prints is its standard output, then its standard error. Only timings
("in 0.29 s") and the scratch directory's path are normalised.

  --check  compare and print a diff of every block that differs (exit 1 if any)
  --write  rewrite README.md with the real output (timings that only differ in value are kept)

The binary is --binary, else the newer of .build/release/clv and .build/debug/clv.
"""
import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIMING = re.compile(r"\d+(?:\.\d+)? s\b")


def find_binary(given):
    if given:
        return os.path.abspath(given)
    candidates = [os.path.join(ROOT, ".build", c, "clv") for c in ("release", "debug")]
    existing = [c for c in candidates if os.access(c, os.X_OK)]
    if not existing:
        sys.exit("error: no clv binary; run `swift build` first (or pass --binary)")
    return max(existing, key=os.path.getmtime)


def parse(lines):
    """The console blocks: (first line index, last line index exclusive, [(command lines, output lines)])."""
    blocks, i = [], 0
    while i < len(lines):
        if lines[i].strip() == "```console":
            start = i + 1
            end = start
            while lines[end].strip() != "```":
                end += 1
            steps, k = [], start
            while k < end:
                if not lines[k].startswith("$ "):
                    sys.exit(f"error: README.md:{k + 1}: a console block must start with a `$ ` command")
                command = [lines[k]]
                while command[-1].endswith("\\") and k + 1 < end:
                    k += 1
                    command.append(lines[k])
                k += 1
                output = []
                while k < end and not lines[k].startswith("$ "):
                    output.append(lines[k])
                    k += 1
                steps.append((command, output))
            blocks.append((start, end, steps))
            i = end + 1
        else:
            i += 1
    return blocks


def depath(line, scratch):
    return line.replace(scratch + "/", "").replace(scratch, ".")


def normalise(line, scratch):
    return TIMING.sub("<t> s", depath(line, scratch))


def run(command_lines, scratch, env, previous_status):
    text = "\n".join(command_lines)[2:]
    script = f"(exit {previous_status}); {text}"
    r = subprocess.run(["bash", "-c", script], cwd=scratch, env=env, capture_output=True, text=True, timeout=900)
    out = (r.stdout + r.stderr).splitlines()
    return [line.rstrip() for line in out], r.returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true")
    mode.add_argument("--write", action="store_true")
    parser.add_argument("--binary")
    parser.add_argument("--readme", default=os.path.join(ROOT, "README.md"))
    parser.add_argument("--data", default=os.path.join(os.path.dirname(ROOT), "shared", "data"),
                        help="directory with CDNOW_sample.txt (default ../shared/data)")
    args = parser.parse_args()

    binary = find_binary(args.binary)
    with open(args.readme, encoding="utf-8") as f:
        lines = f.read().split("\n")
    blocks = parse(lines)

    scratch = tempfile.mkdtemp(prefix="clv-readme-")
    try:
        shutil.copytree(os.path.join(ROOT, "Examples"), os.path.join(scratch, "Examples"))
        for name in ("CDNOW_sample.txt",):
            source = os.path.join(args.data, name)
            if os.path.exists(source):
                os.symlink(source, os.path.join(scratch, name))
        bindir = os.path.join(scratch, ".bin")
        os.mkdir(bindir)
        os.symlink(binary, os.path.join(bindir, "clv"))
        env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""), LC_ALL="C.UTF-8", TZ="UTC")
        env.pop("CLVKIT_TIMING", None)

        replacements, mismatches, status = [], 0, 0
        for start, end, steps in blocks:
            old_block = lines[start:end]
            new_block = []
            for command, expected in steps:
                actual, status = run(command, scratch, env, status)
                # Lines that match the README's but for a timing keep the README's text (matched in order,
                # so that a line added or removed elsewhere does not shift the comparison).
                old = [normalise(x, scratch) for x in expected]
                new = [normalise(x, scratch) for x in actual]
                kept = [depath(x, scratch) for x in actual]
                for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
                    if tag == "equal":
                        kept[j1:j2] = expected[i1:i2]
                actual = kept
                new_block += command + actual
            if [normalise(x, scratch) for x in new_block] != [normalise(x, scratch) for x in old_block]:
                mismatches += 1
                if args.check:
                    sys.stdout.writelines(difflib.unified_diff(
                        [x + "\n" for x in old_block], [x + "\n" for x in new_block],
                        f"README.md:{start + 1} (as written)", f"README.md:{start + 1} (as run)"))
            replacements.append((start, end, new_block))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    if args.write:
        for start, end, new_block in reversed(replacements):
            lines[start:end] = new_block
        with open(args.readme, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        print(f"readme-console: {len(blocks)} console blocks, {mismatches} rewritten (clv: {binary})")
        return 0
    if mismatches:
        print(f"readme-console: {mismatches} of {len(blocks)} console blocks differ from what the commands print "
              f"(clv: {binary}); run Scripts/readme-console.py --write", file=sys.stderr)
        return 1
    print(f"readme-console: all {len(blocks)} console blocks match (clv: {binary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
