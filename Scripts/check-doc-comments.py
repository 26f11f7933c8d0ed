#!/usr/bin/env python3
"""Lists public declarations of the library modules without a doc comment (`///` or `/** */`).

    python3 Scripts/check-doc-comments.py [--modules CLVHistory,CLVCore] [--max N]

A declaration counts as documented when the nearest non-attribute line above it is a doc comment, or when
it implements a standard protocol requirement (`description`, `hash(into:)`, `==`, `init(from:)`,
`encode(to:)`, `<`, arithmetic operators, `zero`), whose meaning the protocol documents. Exits 1 when more
than --max (default 0) are missing.
"""
import argparse, os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIBRARY = ["CLVCore", "CLVHistory", "CLVIngest", "CLVNumerics", "CLVModels", "CLVSegments", "CLVPredict", "CLVReport",
           "CLVExcel", "CLVSimulation"]
DECL = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*public\s+(?:(?:static|final|mutating|nonmutating|override|prefix|indirect|internal\(set\)|private\(set\))\s+)*"
                  r"(struct|enum|class|protocol|func|var|let|init|subscript|typealias|case|actor)\b\s*([^\s(:<{=]*)")
PROTOCOL_MEMBERS = {"description", "hash", "==", "<", "+", "-", "*", "/", "zero", "encode", "category", "debugDescription"}


def missing(module):
    out = []
    for dirpath, _, files in os.walk(os.path.join(ROOT, "Sources", module)):
        for f in sorted(files):
            if not f.endswith(".swift"):
                continue
            path = os.path.join(dirpath, f)
            lines = open(path, encoding="utf-8").read().split("\n")
            for i, line in enumerate(lines):
                m = DECL.match(line)
                if not m:
                    continue
                kind, name = m.group(1), m.group(2)
                if name in PROTOCOL_MEMBERS or (kind == "func" and name == "") or (kind == "init" and "from decoder" in line):
                    continue
                j = i - 1
                while j >= 0 and (lines[j].strip().startswith("@") or lines[j].strip() == ""):
                    if lines[j].strip() == "":
                        break
                    j -= 1
                above = lines[j].strip() if j >= 0 else ""
                if above.startswith("///") or above.endswith("*/"):
                    continue
                out.append(f"{os.path.relpath(path, ROOT)}:{i + 1}: {kind} {name}")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--modules", default=",".join(LIBRARY))
    ap.add_argument("--max", type=int, default=0)
    args = ap.parse_args()
    total = []
    for module in args.modules.split(","):
        found = missing(module)
        print(f"{module}: {len(found)} public declarations without a doc comment")
        total += found
    for line in total[:40]:
        print("  " + line)
    if len(total) > args.max:
        sys.exit(1)


if __name__ == "__main__":
    main()
