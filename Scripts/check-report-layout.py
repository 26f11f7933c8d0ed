#!/usr/bin/env python3
"""Layout test of CLVKit's HTML pages in headless Chromium (python3 standard library + chromium only).

    Scripts/check-report-layout.py [--width 1280 --width 420] [--screenshots DIR] page.html ...

For every page and width it loads a copy of the page with a small measuring script added (the pages
themselves have no scripts), reads the laid-out box of every chart, chart text, legend entry, bar, table
cell, headline card and paragraph, and checks that:
  * the page does not overflow the window sideways;
  * no box lies outside its container (chart parts inside their chart, charts inside their figure or cell,
    cells inside their table, tables and cards inside the page, text inside its element);
  * no two pieces of text overlap (SVG text boxes, and the line boxes of every HTML text node);
  * no bar is narrower than its value implies (segment share bars against their 100% track, chart bars
    against the plot area and its linear or logarithmic y range).
It prints one line per page and width and every failure, and exits 1 on any failure, 2 when Chromium is
missing. With --screenshots it also saves a full-page PNG per page and width.
"""
import argparse
import base64
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

# The measuring script runs in a wrapper page that shows the page in an iframe of the tested width (a
# headless window is at least 500 px wide; an iframe can be narrower, and media queries follow it).
MEASURE = r"""
(function () {
  var frame = document.getElementById('page'), win = frame.contentWindow, doc = frame.contentDocument;
  function box(el) { var r = el.getBoundingClientRect(); return [r.left + win.scrollX, r.top + win.scrollY, r.right + win.scrollX, r.bottom + win.scrollY]; }
  function desc(el) {
    var s = el.tagName.toLowerCase(), c = el.getAttribute('class');
    if (c) s += '.' + c.split(' ').join('.');
    var t = (el.textContent || '').replace(/\s+/g, ' ').trim();
    if (t) s += ' "' + t.slice(0, 50) + '"';
    var svg = el.closest && el.closest('svg');
    if (svg && svg !== el && svg.getAttribute('aria-label')) s += ' in chart "' + svg.getAttribute('aria-label').slice(0, 40) + '"';
    return s;
  }
  var out = {viewport: doc.documentElement.clientWidth, scrollWidth: doc.documentElement.scrollWidth,
             height: doc.documentElement.scrollHeight, scripts: doc.querySelectorAll('script').length, items: [], texts: [], bars: []};
  function contain(el, container) {
    if (!container) return;
    var b = box(el);
    if (b[2] - b[0] <= 0 && b[3] - b[1] <= 0) return;
    out.items.push({what: desc(el), box: b, container: box(container), where: desc(container).slice(0, 60)});
  }
  var content = doc.body;
  doc.querySelectorAll('svg').forEach(function (svg) {
    contain(svg, svg.parentElement);
    svg.querySelectorAll('text, g.legend-entry, rect, circle').forEach(function (el) {
      if (el.closest('g.legend-entry') && el.tagName !== 'g') return;
      contain(el, svg);
    });
    svg.querySelectorAll('text').forEach(function (el) {
      if (!el.textContent.trim()) return;
      out.texts.push({what: desc(el), box: box(el), group: 'svg'});
    });
    var plot = svg.querySelector('rect.plot');
    svg.querySelectorAll('rect.bar').forEach(function (bar) {
      var entry = {what: desc(bar) + ' value ' + bar.getAttribute('data-value'), value: parseFloat(bar.getAttribute('data-value')), box: box(bar)};
      var track = bar.previousElementSibling;
      if (track && track.classList.contains('track')) { entry.track = box(track); }
      else if (plot) {
        entry.plot = box(plot); entry.lo = parseFloat(plot.getAttribute('data-y-lo')); entry.hi = parseFloat(plot.getAttribute('data-y-hi'));
        entry.scale = plot.getAttribute('data-y-scale');
        contain(bar, plot);
      }
      out.bars.push(entry);
    });
  });
  doc.querySelectorAll('td, th').forEach(function (el) { contain(el, el.closest('table')); });
  doc.querySelectorAll('table, .cards, ul, p, h1, h2, h3, .charts').forEach(function (el) { contain(el, content); });
  doc.querySelectorAll('.card').forEach(function (el) { contain(el, el.parentElement); });
  doc.querySelectorAll('figure').forEach(function (el) { contain(el, el.parentElement); });
  // The line boxes of every HTML text node.
  var walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
  var node;
  while ((node = walker.nextNode())) {
    if (!node.textContent.trim() || node.parentElement.closest('svg, script, style')) continue;
    var range = doc.createRange();
    range.selectNodeContents(node);
    var rects = range.getClientRects();
    for (var i = 0; i < rects.length; i++) {
      var r = rects[i];
      if (r.width < 0.5 || r.height < 0.5) continue;
      var line = [r.left + win.scrollX, r.top + win.scrollY, r.right + win.scrollX, r.bottom + win.scrollY];
      out.texts.push({what: desc(node.parentElement), box: line, group: 'html'});
      // Text stays inside its element sideways (lines may be taller than a tight box).
      var parent = box(node.parentElement);
      out.items.push({what: 'text of ' + desc(node.parentElement), box: [line[0], parent[1], line[2], parent[3]], container: parent,
                      where: desc(node.parentElement).slice(0, 60)});
    }
  }
  var json = JSON.stringify(out);
  document.body.setAttribute('data-clv-layout', btoa(unescape(encodeURIComponent(json))));
})();
"""


def wrapper(html, width, height, script):
    """A page showing `html` in an iframe `width` px wide (srcdoc: same origin, so the script can read it)."""
    escaped = html.replace("&", "&amp;").replace('"', "&quot;")
    run = f"<script>document.getElementById('page').addEventListener('load', function () {{ {script} }});</script>" if script else ""
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0;background:#fff">'
            f'<iframe id="page" style="border:0;display:block;width:{width}px;height:{height}px" srcdoc="{escaped}"></iframe>{run}</body></html>')


TOLERANCE = 1.0  # px: sub-pixel rounding and anti-aliasing


def chromium():
    for name in [os.environ.get("CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]:
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def run_chromium(binary, args, url, work):
    profile = tempfile.mkdtemp(prefix="profile-", dir=work)
    cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
           "--disable-extensions", "--mute-audio", f"--user-data-dir={profile}", "--virtual-time-budget=10000"] + args + [url]
    return subprocess.run(cmd, capture_output=True, timeout=180)


def measure(binary, page, width, work):
    html = open(page, encoding="utf-8").read()
    if "<script" in html.lower():
        raise SystemExit(f"{page}: the page holds a script; the report must be script-free")
    copy = os.path.join(work, f"measure-{width}-" + os.path.basename(page))
    with open(copy, "w", encoding="utf-8") as f:
        f.write(wrapper(html, width, 1000, MEASURE))
    result = run_chromium(binary, [f"--window-size={max(width, 500) + 40},1100", "--dump-dom"], "file://" + os.path.abspath(copy), work)
    m = re.search(rb'data-clv-layout="([A-Za-z0-9+/=]+)"', result.stdout)
    if not m:
        raise SystemExit(f"{page} at {width} px: Chromium returned no measurements (exit {result.returncode}): "
                         + result.stderr.decode(errors="replace")[-500:])
    return json.loads(base64.b64decode(m.group(1)).decode("utf-8"))


def screenshot(binary, page, width, height, shot, work):
    html = open(page, encoding="utf-8").read()
    copy = os.path.join(work, f"shot-{width}-" + os.path.basename(page))
    with open(copy, "w", encoding="utf-8") as f:
        f.write(wrapper(html, width, height, None))
    run_chromium(binary, [f"--window-size={max(width, 500)},{height}", f"--screenshot={shot}"], "file://" + os.path.abspath(copy), work)


def overlap(a, b):
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w > TOLERANCE and h > TOLERANCE


def outside(b, c):
    return b[0] < c[0] - TOLERANCE or b[1] < c[1] - TOLERANCE or b[2] > c[2] + TOLERANCE or b[3] > c[3] + TOLERANCE


def fmt(b):
    return "[" + ", ".join(f"{v:.1f}" for v in b) + "]"


def check(layout, width):
    failures = []
    if layout["scripts"]:
        failures.append("the page holds a script")
    if layout["viewport"] > width + 1 or layout["viewport"] < width - 20:
        failures.append(f"the window is {layout['viewport']} px wide, not {width}")
    if layout["scrollWidth"] > layout["viewport"] + TOLERANCE:
        failures.append(f"the page is {layout['scrollWidth']} px wide in a {layout['viewport']} px window (sideways scrolling)")
    page = [0, 0, layout["viewport"], math.inf]
    for item in layout["items"]:
        if outside(item["box"], item["container"]):
            failures.append(f"outside its container: {item['what']} {fmt(item['box'])} in {item['where']} {fmt(item['container'])}")
        elif outside(item["box"], page):
            failures.append(f"outside the window: {item['what']} {fmt(item['box'])}")
    texts = sorted(layout["texts"], key=lambda t: t["box"][1])
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            if b["box"][1] >= a["box"][3] - TOLERANCE:
                break
            if overlap(a["box"], b["box"]):
                failures.append(f"text overlaps: {a['what']} {fmt(a['box'])} and {b['what']} {fmt(b['box'])}")
    for bar in layout["bars"]:
        v, b = bar["value"], bar["box"]
        if "track" in bar:
            full = bar["track"][2] - bar["track"][0]
            expected, actual = v * full, b[2] - b[0]
            least = expected - TOLERANCE
            most = max(expected, full / 240) + TOLERANCE
        else:
            p, lo, hi = bar["plot"], bar["lo"], bar["hi"]
            height = p[3] - p[1]
            if bar["scale"] == "log":
                frac = (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) if v > 0 else 0
            else:
                base = min(max(0.0, lo), hi)
                frac = abs(v - base) / (hi - lo)
            expected, actual = frac * height, b[3] - b[1]
            least, most = expected - TOLERANCE, expected + TOLERANCE
        if actual < least:
            failures.append(f"bar narrower than its value: {bar['what']}: {actual:.1f} px, the value implies {expected:.1f} px")
        elif actual > most:
            failures.append(f"bar longer than its value: {bar['what']}: {actual:.1f} px, the value implies {expected:.1f} px")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pages", nargs="+")
    parser.add_argument("--width", type=int, action="append", help="window width in px (default: 1280 and 420)")
    parser.add_argument("--screenshots", help="directory for full-page screenshots")
    args = parser.parse_args()
    widths = args.width or [1280, 420]
    binary = chromium()
    if not binary:
        print("check-report-layout: no chromium on PATH (apt-get install chromium fonts-noto-cjk)", file=sys.stderr)
        return 2
    failed = False
    with tempfile.TemporaryDirectory(prefix="clv-layout-") as work:
        for page in args.pages:
            for width in widths:
                layout = measure(binary, page, width, work)
                failures = check(layout, width)
                print(f"{page} at {width} px: {len(layout['items'])} boxes, {len(layout['texts'])} text boxes, "
                      f"{len(layout['bars'])} bars: {'ok' if not failures else f'{len(failures)} failures'}")
                for f in failures[:40]:
                    print("  " + f)
                if len(failures) > 40:
                    print(f"  … and {len(failures) - 40} more")
                failed = failed or bool(failures)
                if args.screenshots:
                    os.makedirs(args.screenshots, exist_ok=True)
                    name = os.path.splitext(os.path.basename(page))[0]
                    shot = os.path.abspath(os.path.join(args.screenshots, f"{name}-{width}.png"))
                    screenshot(binary, page, width, int(layout["height"]) + 8, shot, work)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
