#!/usr/bin/env bash
# Create (or reuse) the Python venv that runs the real `lifetimes` package for
# the golden files. Idempotent: a venv whose stamp matches requirements.txt is
# reused as is.
#
#   VENV: "${CLV_GOLDEN_VENV:-$REPO/.venv-golden}"
#   Python used to create it: "$CLV_GOLDEN_PYTHON" if set, else python3.11, else python3
#   (must be >= 3.11: pandas 3 needs it).
#
# Progress goes to stderr; the last line on stdout is the venv's python path:
#   PY="$(Scripts/golden/setup-venv.sh | tail -n 1)"
#   "$PY" Scripts/golden/summary_lifetimes.py
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="${CLV_GOLDEN_VENV:-$REPO/.venv-golden}"
REQ="$HERE/requirements.txt"
STAMP="$VENV/.clv-golden-requirements.sha256"

log() { echo "setup-venv: $*" >&2; }

want="$(sha256sum "$REQ" | cut -d' ' -f1)"
py="$VENV/bin/python"

if [[ -x "$py" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]] && "$py" -c 'import lifetimes, pandas, numpy, mpmath' 2>/dev/null; then
    log "reusing $VENV"
    echo "$py"
    exit 0
fi

if [[ -n "${CLV_GOLDEN_PYTHON:-}" ]]; then
    base="$CLV_GOLDEN_PYTHON"
elif command -v python3.11 >/dev/null 2>&1; then
    base="python3.11"
else
    base="python3"
fi
if ! "$base" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    log "error: $base is not Python >= 3.11 (set CLV_GOLDEN_PYTHON)"
    exit 1
fi

if [[ ! -x "$py" ]]; then
    log "creating $VENV with $("$base" --version 2>&1)"
    "$base" -m venv "$VENV"
fi
rm -f "$STAMP"
log "installing $(grep -cv '^\s*\(#\|$\)' "$REQ") pinned packages from $REQ"
"$py" -m pip install --quiet --disable-pip-version-check -r "$REQ" >&2
"$py" -c 'import lifetimes.utils, pandas, numpy, mpmath' >&2
echo "$want" > "$STAMP"
log "ready: $("$py" -c 'import lifetimes, pandas, numpy, platform; print("lifetimes", lifetimes.__version__, "pandas", pandas.__version__, "numpy", numpy.__version__, "python", platform.python_version())')"
echo "$py"
