"""Measuring documents as a reviewer would: positions and sizes from the PDF's text layer
(pdfplumber), properties from the DOCX's XML. Lengths in millimetres, sizes in points."""

import io
import os
import re
import subprocess

import pdfplumber

PT_PER_MM = 72 / 25.4
POSITION_TOLERANCE_MM = 0.5
SIZE_TOLERANCE_PT = 0.25


def mm(points):
    return points / PT_PER_MM


def is_upright(char):
    """Text laid along the page (the diagonal watermark's letters are not)."""
    a, b, c, d, _e, _f = char["matrix"]
    return abs(b) < 1e-6 and abs(c) < 1e-6


class Page:
    def __init__(self, page):
        self.page = page
        self.chars = [c for c in page.chars if is_upright(c)]
        self.rotated = [c for c in page.chars if not is_upright(c)]
        self.text = "".join(c["text"] for c in self.chars)

    def find(self, text, start=0):
        """The characters of the first occurrence of ``text`` (as drawn, spaces included)."""
        index = self.text.find(text, start)
        assert index >= 0, f"{text!r} not on page {self.page.page_number}"
        return self.chars[index : index + len(text)]

    def has(self, text):
        return text in self.text

    def lines(self):
        """Upright text lines as (top mm, x0 mm, x1 mm, baseline pt, size, fontname, text)."""
        rows = {}
        for char in self.chars:
            rows.setdefault(round(char["bottom"], 0), []).append(char)
        result = []
        for _key, chars in sorted(rows.items()):
            chars.sort(key=lambda c: c["x0"])
            result.append(
                {
                    "top": mm(min(c["top"] for c in chars)),
                    "x0": mm(chars[0]["x0"]),
                    "x1": mm(chars[-1]["x1"]),
                    "baseline": chars[0]["bottom"],
                    "size": chars[0]["size"],
                    "font": chars[0]["fontname"],
                    "text": "".join(c["text"] for c in chars),
                }
            )
        return result

    def rules(self):
        """Thin horizontal rules (borders drawn as filled rectangles, or lines) as (x0, x1, top) in mm."""
        found = []
        for rect in self.page.rects:
            if rect["height"] <= 1.5 and rect["width"] > 5:
                found.append((mm(rect["x0"]), mm(rect["x1"]), mm(rect["top"])))
        for line in self.page.lines:
            if abs(line["top"] - line["bottom"]) < 0.5 and line["width"] > 5:
                found.append((mm(line["x0"]), mm(line["x1"]), mm(line["top"])))
        return found


def open_pdf(data):
    return pdfplumber.open(io.BytesIO(data))


def span(chars):
    """(x0, x1, top, bottom) in mm of some characters."""
    return (
        mm(min(c["x0"] for c in chars)),
        mm(max(c["x1"] for c in chars)),
        mm(min(c["top"] for c in chars)),
        mm(max(c["bottom"] for c in chars)),
    )


def sizes(chars):
    return {round(c["size"], 2) for c in chars if c["text"].strip()}


def is_bold(chars):
    return all(re.search(r"Bold", c["fontname"]) for c in chars if c["text"].strip())


def is_italic(chars):
    return all(re.search(r"Italic|Oblique", c["fontname"]) for c in chars if c["text"].strip())


def is_regular(chars):
    return not any(re.search(r"Bold|Italic", c["fontname"]) for c in chars if c["text"].strip())


def one_line(chars):
    return len({round(c["bottom"], 1) for c in chars if c["text"].strip()}) == 1


def near(value, target, tolerance=POSITION_TOLERANCE_MM):
    return abs(value - target) <= tolerance


class Checklist:
    """Rows of a measurement table: every failing row is reported, not only the first."""

    def __init__(self):
        self.rows = []

    def check(self, name, ok, measured):
        self.rows.append((name, bool(ok), measured))

    def failures(self):
        return [f"{name}: measured {measured}" for name, ok, measured in self.rows if not ok]


def libreoffice_convert(source, to, *, locale=None):
    """``source`` converted by LibreOffice (headless, a profile of its own beside the file) with
    the filter ``to`` ("pdf", "csv:…"), in ``locale`` if given; returns the converted file's path."""
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{source.parent}/profile",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(source.parent),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "LC_ALL": locale, "LANG": locale} if locale else None,
    )
    return source.with_suffix("." + to.split(":")[0])
