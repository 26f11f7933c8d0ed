#!/usr/bin/env bash
# Renders an HTML report in headless Chromium (Debian's package) and checks that the screenshot is not
# blank (at least 2% of its pixels must differ from white), then runs Scripts/check-report-layout.py on it
# (at 1280 and 420 px: nothing outside its container, no text over text, no bar shorter than its value).
#   Scripts/check-report-render.sh [report.html] [screenshot.png]
# Without a report it runs `clv analyze` on the bundled example first.
set -euo pipefail
cd "$(dirname "$0")/.."
report="${1:-}"
shot="${2:-$(mktemp -d)/report.png}"
if [ -z "$report" ]; then
    out="$(mktemp -d)"
    swift run -q clv analyze Examples/transactions.csv --output "$out" --quiet
    report="$out/report.html"
fi
if ! command -v chromium >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,2500 \
    --screenshot="$shot" "file://$(realpath "$report")" 2>/dev/null
python3 - "$shot" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, width, height, bpp = 8, b"", 0, 0, 4
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, colour = struct.unpack(">IIBB", body[:10])
        bpp = {2: 3, 6: 4}[colour]
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
raw = zlib.decompress(idat)
stride = width * bpp
previous = bytearray(stride)
non_white = 0
for row in range(height):
    line = raw[row * (stride + 1):(row + 1) * (stride + 1)]
    f, cur = line[0], bytearray(line[1:])
    for i in range(stride):
        a = cur[i - bpp] if i >= bpp else 0
        b = previous[i]
        c = previous[i - bpp] if i >= bpp else 0
        if f == 1: cur[i] = (cur[i] + a) & 255
        elif f == 2: cur[i] = (cur[i] + b) & 255
        elif f == 3: cur[i] = (cur[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            cur[i] = (cur[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    non_white += sum(1 for i in range(0, stride, bpp) if cur[i] < 240 or cur[i + 1] < 240 or cur[i + 2] < 240)
    previous = cur
share = non_white / (width * height)
print(f"{sys.argv[1]}: {width}x{height}, {100 * share:.1f}% non-white pixels")
sys.exit(0 if share > 0.02 else 1)
PY
python3 Scripts/check-report-layout.py "$report"
