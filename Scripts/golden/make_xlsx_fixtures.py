#!/usr/bin/env python3
"""Writes the .xlsx test fixtures of Tests/CLVExcelTests/Fixtures with openpyxl and XlsxWriter (real
spreadsheet writers, independent of clv's own), and checks clv's `--format xlsx` output by reading it back.

    python3 -m venv /tmp/xlvenv && /tmp/xlvenv/bin/pip install openpyxl xlsxwriter
    /tmp/xlvenv/bin/python Scripts/golden/make_xlsx_fixtures.py            # (re)write the fixtures
    /tmp/xlvenv/bin/python Scripts/golden/make_xlsx_fixtures.py --check    # read back clv's workbooks

Fixtures:
  sales.xlsx      (XlsxWriter) sheets "说明" (notes) and "Sales" (a transaction log: shared strings, one
                  of them rich text, date cells in the
                  built-in format 14, the CJK built-in 31 and the custom yyyy"年"m"月"d"日", numbers with
                  binary noise such as 12.300000000000001, amounts stored as text); sales.csv is the
                  Sales sheet as a spreadsheet saves it as CSV (dates ISO, numbers at 15 digits).
  (openpyxl writes inline strings and rounds numbers to 16 digits; two numbers are set back to the
  17 digits Excel stores.)
  orders.xlsx     sheet "订单" with Chinese headers and an unparsable amount in C7.
  cells.xlsx      one row per kind of cell: label in A, value in B, and in C the text clv must show.
  dates1904.xlsx  the 1904 date system.
  legacy.xls      the OLE2 signature of an Excel 97-2003 file (clv must refuse it).
"""
import csv
import datetime as dt
import io
import os
import re
import subprocess
import sys
import tempfile
import zipfile

import openpyxl
import xlsxwriter
from openpyxl.utils.datetime import CALENDAR_MAC_1904

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "Tests", "CLVExcelTests", "Fixtures")
CJK31_MARKER = '"CJK31"yyyy-mm-dd'
CJK_CUSTOM = 'yyyy"年"m"月"d"日"'


def patch_builtin_31(path):
    """openpyxl writes every non-built-in format as a custom one; the CJK built-ins (27-36, 50-58) are
    only known by id. Re-number the marker format to id 31 and drop its definition."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    styles = parts["xl/styles.xml"].decode("utf-8")
    marker = CJK31_MARKER.replace('"', "&quot;")
    m = re.search(r'<numFmt numFmtId="(\d+)" formatCode="' + re.escape(marker) + r'"\s*/>', styles)
    if not m:
        return
    fid = m.group(1)
    styles = styles.replace(m.group(0), "")
    styles = re.sub(r'(<xf[^>]*numFmtId=")' + fid + '"', r"\g<1>31" + '"', styles)
    parts["xl/styles.xml"] = styles.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def patch_values(path, sheet, replacements):
    """Writes numbers as Excel stores them (17 significant digits, e.g. 12.300000000000001), where the
    Python writers round to 16."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts[sheet].decode("utf-8")
    for old, new in replacements:
        xml = xml.replace("<v>%s</v>" % old, "<v>%s</v>" % new)
    parts[sheet] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def sales():
    """Written with XlsxWriter: shared strings (one of them rich text), built-in formats by id."""
    path = os.path.join(FIXTURES, "sales.xlsx")
    wb = xlsxwriter.Workbook(path)
    notes = wb.add_worksheet("说明")
    notes.write_string(0, 0, "订单明细报表")
    notes.write_string(1, 0, "The data are on the sheet Sales.")
    ws = wb.add_worksheet("Sales")
    formats = [wb.add_format({"num_format": 14}), wb.add_format({"num_format": 31}),
               wb.add_format({"num_format": CJK_CUSTOM}), wb.add_format({"num_format": "yyyy-mm-dd"})]
    bold = wb.add_format({"bold": True})
    header = ["customer_id", "date", "amount", "channel"]
    for k, h in enumerate(header):
        ws.write_string(0, k, h)
    rows = []
    start = dt.date(2023, 1, 2)
    for i in range(60):
        customer = "C%03d" % (i % 13)
        day = start + dt.timedelta(days=(i * 7919) % 400)
        amount = ((i * 3571) % 20000) / 100
        if i % 11 == 3:
            amount = 12.3  # stored as 12.300000000000001 (patched below): shown as 12.3
        channel = ["门店", "online", "微信"][i % 3]
        rows.append((customer, day, amount, channel))
    rows.sort(key=lambda r: (r[1], r[0]))
    csv_rows = [header]
    for k, (customer, day, amount, channel) in enumerate(rows):
        r = k + 1
        ws.write_string(r, 0, customer)
        ws.write_datetime(r, 1, dt.datetime.combine(day, dt.time()), formats[k % 4])
        shown = "%.15g" % amount
        if k % 9 == 5:
            ws.write_string(r, 2, "%.2f" % amount)  # a number stored as text
            shown = "%.2f" % amount
        else:
            ws.write_number(r, 2, amount)
        if channel == "微信" and k % 2 == 0:
            ws.write_rich_string(r, 3, bold, "微", "信")
        else:
            ws.write_string(r, 3, channel)
        csv_rows.append([customer, day.isoformat(), shown, channel])
    wb.close()
    patch_values(path, "xl/worksheets/sheet2.xml", [("12.3", "12.300000000000001")])
    with open(os.path.join(FIXTURES, "sales.csv"), "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(csv_rows)


def orders():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单"
    ws.append(["客户ID", "下单日期", "金额"])
    # Data on rows 2-3 and 5-10 (row 4 left empty, so the CSV's lines and the sheet's rows part);
    # the amount of row 7 is unparsable: C7.
    rows = [2, 3, 5, 6, 7, 8, 9, 10]
    for k, r in enumerate(rows):
        amount = "n/a" if r == 7 else 10 + k
        ws.cell(r, 1, "客户%d" % (k % 3))
        ws.cell(r, 2, dt.date(2024, 1, 1 + k))
        ws.cell(r, 3, amount)
    wb.create_sheet("Sheet2")["A1"] = "x"
    wb.save(os.path.join(FIXTURES, "orders.xlsx"))


def cells():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "cells"
    ws.append(["kind", "value", "expected"])
    cases = [
        ("float noise", 12.300000000000001, None, "12.3"),
        ("sum noise", 0.1 + 0.2, None, "0.3"),
        ("integer", 100.0, None, "100"),
        ("negative", -2.5, None, "-2.5"),
        ("large", 123456789012345678.0, None, "123456789012346000"),
        ("tiny", 1.5e-7, None, "0.00000015"),
        ("huge", 1.5e21, None, "1.5E+21"),
        ("number as text", "00123", None, "00123"),
        ("decimal as text", "45.60", None, "45.60"),
        ("true", True, None, "TRUE"),
        ("false", False, None, "FALSE"),
        ("date builtin 14", dt.date(2024, 3, 9), "mm-dd-yy", "2024-03-09"),
        ("date CJK builtin 31", dt.date(2024, 3, 10), CJK31_MARKER, "2024-03-10"),
        ("date custom 年月日", dt.date(2024, 3, 11), CJK_CUSTOM, "2024-03-11"),
        ("date and time", dt.datetime(2024, 3, 12, 13, 45, 30), "yyyy-mm-dd hh:mm:ss", "2024-03-12 13:45:30"),
        ("time only", dt.time(8, 30), "h:mm", "08:30:00"),
        ("1900-02-28", dt.date(1900, 2, 28), "yyyy-mm-dd", "1900-02-28"),
        ("1900-03-01", dt.date(1900, 3, 1), "yyyy-mm-dd", "1900-03-01"),
        ("percent is a number", 0.25, "0%", "0.25"),
        ("quoted date text", 45000, '0" days"', "45000"),
        ("chinese text", "上海市, 浦东", None, "上海市, 浦东"),
        ("quote and line break", 'say "hi"\nthere', None, 'say "hi"\nthere'),
        ("after the line break", "x", None, "x"),
    ]
    for kind, value, fmt, expected in cases:
        ws.append([kind, value, expected])
        if fmt:
            ws.cell(ws.max_row, 2).number_format = fmt
    path = os.path.join(FIXTURES, "cells.xlsx")
    wb.save(path)
    patch_builtin_31(path)
    patch_values(path, "xl/worksheets/sheet1.xml", [("12.3", "12.300000000000001"), ("0.3", "0.30000000000000004")])


def dates1904():
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "orders"
    ws.append(["customer_id", "date", "amount"])
    for k in range(6):
        ws.append(["A%d" % (k % 2), dt.date(2024, 5, 1 + k), 5 + k])
        ws.cell(ws.max_row, 2).number_format = "yyyy-mm-dd"
    wb.save(os.path.join(FIXTURES, "dates1904.xlsx"))


def legacy():
    with open(os.path.join(FIXTURES, "legacy.xls"), "wb") as f:
        f.write(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504))


def check():
    """Runs clv's --format xlsx and reads the workbooks back with openpyxl: numbers must be numbers,
    dates dates, ids text."""
    clv = os.environ.get("CLV_BINARY", os.path.join(ROOT, ".build", "debug", "clv"))
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "summary.xlsx")
        subprocess.run([clv, "summary", os.path.join(FIXTURES, "sales.xlsx"), "--sheet", "Sales", "--as-of", "2030-01-01",
                        "--format", "xlsx", "-o", out, "--quiet"], check=True)
        wb = openpyxl.load_workbook(out, read_only=True)
        ws = wb.worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
        header = list(rows[0])
        assert header[0] == "customer_id", header
        first = rows[1]
        assert isinstance(first[0], str), first
        assert isinstance(first[header.index("frequency")], (int, float)), first
        assert isinstance(first[header.index("first_purchase")], dt.datetime), first
        expected = list(csv.reader(io.StringIO(subprocess.run(
            [clv, "summary", os.path.join(FIXTURES, "sales.csv"), "--as-of", "2030-01-01", "--quiet"],
            check=True, capture_output=True, text=True).stdout)))
        assert len(rows) == len(expected), (len(rows), len(expected))
        for got, want in zip(rows[1:], expected[1:]):
            for g, w in zip(got, want):
                if isinstance(g, dt.datetime):
                    assert g.date().isoformat() == w, (g, w)
                elif isinstance(g, (int, float)):
                    assert abs(g - float(w)) <= 1e-9 * max(1, abs(g)), (g, w)
                else:
                    assert (g or "") == w, (g, w)
        print("openpyxl read %d rows of %s: numbers, dates and ids as written" % (len(rows) - 1, out))


if __name__ == "__main__":
    if "--check" in sys.argv:
        check()
    else:
        os.makedirs(FIXTURES, exist_ok=True)
        sales()
        orders()
        cells()
        dates1904()
        legacy()
        print("wrote", sorted(os.listdir(FIXTURES)))
