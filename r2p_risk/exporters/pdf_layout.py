"""The page and text primitives of the PDF briefing: an FPDF page with the handling marking on it.

Every text is printed as plain text with `cell()` (fpdf2's markdown and HTML rendering are never
used), so `<script>` or `**x**` typed by an analyst show as typed. Lines are wrapped here, word
by word with cached widths, and a word wider than its column is cut into pieces that fit, after a
"/", "?", "&", "=", "-", "_" or "." where it has one (so a URL breaks between its parts).
fpdf2 2.8.9's own `multi_cell`/`table` re-measure a line once per character added (quadratic in
line length), and `table` refuses a row taller than a page, which a 20,000-character evidence
text can be; wrapping here keeps a briefing linear in its length and lets a long row run onto
the next page. Text shaping (HarfBuzz) is on for the texts that need it, right-to-left letters
and combining marks, and off for the rest, where it changes nothing but the time taken.
"""

from __future__ import annotations

import contextlib
import io
import unicodedata
from collections.abc import Iterator

import matplotlib
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from r2p_risk.exporters.text_direction import right_to_left

FONT_DIR = matplotlib.get_data_path() + "/fonts/ttf/"
FAMILY = "DejaVu"
BODY_SIZE = 9
LINE = 4.4  # mm per line of body text
PAD = 1.0  # mm inside a table cell
BOTTOM_MARGIN = 18
MARKING_COLOUR = (160, 20, 40)
WATERMARK_COLOUR = (236, 226, 228)
URL_BREAKS = "/?&=-_.#"
MUTED = (90, 90, 90)
HEADING_FILL = (232, 232, 236)


def needs_shaping(*texts: str) -> bool:
    """True when a text holds right-to-left letters or combining marks that only a shaper places right."""
    return any(
        ord(c) > 0x2FF and (unicodedata.bidirectional(c) in ("R", "AL", "AN") or unicodedata.combining(c))
        for text in texts
        for c in text
    )


def png_height(data: bytes, width: float) -> float:
    """The height of a PNG shown `width` wide, from the pixel size in its IHDR chunk."""
    return width * int.from_bytes(data[20:24], "big") / int.from_bytes(data[16:20], "big")


def plain(text: str) -> str:
    return str(text).replace("\t", "    ").rstrip()


class BriefingPage(FPDF):
    """A4 pages whose header and footer carry the handling marking, the situation and the page number."""

    def __init__(self, marking: str, situation: str, draft: bool = False) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.marking, self.situation, self.draft = marking.upper(), situation, draft
        self.add_font(FAMILY, "", FONT_DIR + "DejaVuSans.ttf")
        self.add_font(FAMILY, "B", FONT_DIR + "DejaVuSans-Bold.ttf")
        self.set_margins(18, 22, 18)
        self.set_auto_page_break(True, margin=BOTTOM_MARGIN)
        self.set_font(FAMILY, size=BODY_SIZE)
        self._widths: dict[tuple[str, str, float, bool], float] = {}

    @contextlib.contextmanager
    def shaping_for(self, *texts: str) -> Iterator[None]:
        before = self.text_shaping
        if needs_shaping(*texts):
            self.set_text_shaping(True)
        else:
            self.text_shaping = None
        try:
            yield
        finally:
            self.text_shaping = before

    def width_of(self, text: str) -> float:
        """The width of one line of text in mm, cached; unshaped text is a plain sum of advance widths."""
        key = (text, self.font_style, self.font_size_pt, bool(self.text_shaping))
        if key not in self._widths:
            font = self.current_font
            if font is None:
                raise ValueError("text is measured in the current font: set a font first")
            self._widths[key] = (
                self.get_string_width(text)
                if self.text_shaping
                else font.get_text_width(text, self.font_size_pt, None)[1] / self.k
            )
        return self._widths[key]

    def _pieces(self, word: str, width: float) -> list[str]:
        """The word, or cut into pieces no wider than `width` when it is an over-long token such as a URL: after its
        last separator that fits ("/", "?", "&", ...), else where the width runs out."""
        if self.width_of(word) <= width:
            return [word]
        pieces, piece, used, cut = [], "", 0.0, 0
        for c in word:
            w = self.width_of(c)
            if piece and used + w > width:
                head, piece = (piece[:cut], piece[cut:]) if cut else (piece, "")
                pieces.append(head)
                used, cut = self.width_of(piece) if piece else 0.0, 0
            piece, used = piece + c, used + w
            if c in URL_BREAKS and len(piece) > 1:
                cut = len(piece)
        return [*pieces, piece]

    def wrap(self, text: str, width: float) -> list[str]:
        """The lines of `text` that fit `width`, breaking at spaces and keeping its own line breaks."""
        space, lines = self.width_of(" "), []
        for source_line in text.split("\n"):
            words: list[str] = []
            used = 0.0
            for piece in (p for word in source_line.split(" ") for p in self._pieces(word, width)):
                w = self.width_of(piece)
                if words and used + space + w > width:
                    lines.append(" ".join(words))
                    words, used = [], 0.0
                used += (space if words else 0.0) + w
                words.append(piece)
            lines.append(" ".join(words).rstrip())
        return lines

    def fitted(self, text: str, width: float) -> str:
        """The text cut with an ellipsis so that one line of it fits the width."""
        if self.width_of(text) <= width:
            return text
        low, high = 0, len(text)
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (middle, high) if self.width_of(text[:middle].rstrip() + "…") <= width else (low, middle - 1)
        return text[:low].rstrip() + "…"

    def watermark(self) -> None:
        """DRAFT across the page, pale, under the text (the header is drawn before the page's content)."""
        self.set_font(FAMILY, "B", 110)
        self.set_text_color(*WATERMARK_COLOUR)
        x, y = self.w / 2 - self.width_of("DRAFT") / 2 * 0.707, self.h / 2 + self.width_of("DRAFT") / 2 * 0.707
        with self.rotation(45, x, y):
            self.text(x, y, "DRAFT")
        self.set_text_color(0, 0, 0)

    def header(self) -> None:
        if self.draft:
            with self.shaping_for():
                self.watermark()
        with self.shaping_for(self.situation):
            self.set_y(8)
            self.set_font(FAMILY, "B", 11)
            self.set_text_color(*MARKING_COLOUR)
            self.cell(60, 6, self.marking + ("  ·  DRAFT" if self.draft else ""), new_x=XPos.RIGHT, new_y=YPos.TOP)
            self.set_font(FAMILY, "", 8)
            self.set_text_color(*MUTED)
            self.cell(0, 6, self.fitted(plain(self.situation), self.epw - 62), align="R")
            self.set_draw_color(*MARKING_COLOUR)
            self.line(self.l_margin, 15, self.w - self.r_margin, 15)
            self.set_draw_color(0, 0, 0)
            self.set_text_color(0, 0, 0)
            self.set_xy(self.l_margin, self.t_margin)

    def footer(self) -> None:
        with self.shaping_for():
            self.set_y(-13)
            self.set_font(FAMILY, "B", 10)
            self.set_text_color(*MARKING_COLOUR)
            self.cell(self.epw / 2, 6, self.marking, new_x=XPos.RIGHT, new_y=YPos.TOP)
            self.set_font(FAMILY, "", 8)
            self.set_text_color(*MUTED)
            self.cell(0, 6, f"Page {self.page_no()}", align="R")
            self.set_text_color(0, 0, 0)

    def lines(self, text: str, height: float, indent: float = 0) -> None:
        """Wrapped plain text from the left margin plus `indent`, right-aligned when it reads right to left."""
        text = plain(text)
        with self.shaping_for(text):
            align = "R" if right_to_left(text) else "L"
            for line in self.wrap(text, self.epw - indent):
                self.set_x(self.l_margin + indent)
                self.cell(self.epw - indent, height, line, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, text: str, level: int = 1, keep: float = 30) -> None:
        """A section heading, moved to the next page unless `keep` mm of what follows fit under it."""
        size, space = {0: (16, 0), 1: (13, 4), 2: (11, 3), 3: (9.5, 2)}[level]
        if self.will_page_break(space + keep):
            self.add_page()
        self.ln(space)
        self.set_font(FAMILY, "B", size)
        self.lines(text, size * 0.5)
        self.set_font(FAMILY, "", BODY_SIZE)
        self.ln(1)

    def paragraph(
        self,
        text: str,
        bold: bool = False,
        indent: float = 0,
        colour: tuple[int, int, int] | None = None,
        size: float = BODY_SIZE,
    ) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*(colour or (0, 0, 0)))
        self.lines(text, LINE * size / BODY_SIZE, indent)
        self.set_text_color(0, 0, 0)
        self.set_font(FAMILY, "", BODY_SIZE)

    def bullet(self, text: str, indent: float = 0, size: float = BODY_SIZE) -> None:
        line = LINE * size / BODY_SIZE
        if self.will_page_break(line):
            self.add_page()
        y = self.y
        self.set_font(FAMILY, "", size)
        self.set_xy(self.l_margin + indent, y)
        self.cell(4, line, "•")
        self.set_y(y)
        self.paragraph(text, indent=indent + 4, size=size)

    def gap(self, height: float = 2) -> None:
        self.ln(height)

    def png(self, data: bytes, width: float = 170) -> None:
        """A chart centred on the page, on a new page when it would not fit."""
        if self.will_page_break(png_height(data, width) + 2):
            self.add_page()
        self.image(io.BytesIO(data), x=self.l_margin + (self.epw - width) / 2, w=width)
        self.ln(2)

    def table_of(
        self, rows: list[list[str]], widths: tuple[float, ...], size: float = BODY_SIZE, heading: bool = True
    ) -> None:
        """A bordered table of plain text across the page width; `widths` are relative.

        The first row is the heading when `heading` is set: shaded, bold, and repeated at the top of
        every page the table runs onto. A row too tall for the rest of the page moves to the next
        one; a row taller than a whole page is split between pages.
        """
        widths = tuple(w * self.epw / sum(widths) for w in widths)
        head = rows[0] if heading and rows else None
        line_height = size * 0.45
        self.set_auto_page_break(False, margin=BOTTOM_MARGIN)  # rows are placed here, page by page
        try:
            if head and self.y + 4 * line_height + 4 * PAD > self.page_break_trigger:
                self.add_page()
            for index, row in enumerate(rows):
                self._table_row(
                    [plain(c) for c in row],
                    widths,
                    size,
                    line_height,
                    head if index else None,
                    index == 0 and bool(head),
                )
        finally:
            self.set_auto_page_break(True, margin=BOTTOM_MARGIN)
            self.set_font(FAMILY, "", BODY_SIZE)
        self.ln(2)

    def _table_row(
        self,
        row: list[str],
        widths: tuple[float, ...],
        size: float,
        line_height: float,
        head: list[str] | None,
        is_head: bool,
    ) -> None:
        self.set_font(FAMILY, "B" if is_head else "", size)
        remaining = []
        for text, width in zip(row, widths, strict=True):
            with self.shaping_for(text):
                remaining.append(self.wrap(text, width - 2 * PAD) if text else [])
        page_lines = int((self.page_break_trigger - self.t_margin - 2 * PAD) // line_height) - (6 if head else 0)
        fresh_page = False
        while True:
            needed = max(1, *(len(lines) for lines in remaining))
            room = int((self.page_break_trigger - self.y - 2 * PAD) // line_height)
            if room < needed and not fresh_page and (needed <= page_lines or room < 3):
                self.add_page()
                if head:
                    self._table_row([plain(c) for c in head], widths, size, line_height, None, True)
                    self.set_font(FAMILY, "", size)
                fresh_page = True
                continue
            room, fresh_page = max(room, 1), False
            self._table_cells(row, [lines[:room] for lines in remaining], widths, line_height, is_head)
            remaining = [lines[room:] for lines in remaining]
            if not any(remaining):
                return

    def _table_cells(
        self, texts: list[str], parts: list[list[str]], widths: tuple[float, ...], line_height: float, shaded: bool
    ) -> None:
        height = max(1, *(len(p) for p in parts)) * line_height + 2 * PAD
        x, y = self.l_margin, self.y
        self.set_fill_color(*HEADING_FILL)
        self.set_draw_color(150, 150, 150)
        for text, lines, width in zip(texts, parts, widths, strict=True):
            self.rect(x, y, width, height, style="DF" if shaded else "D")
            with self.shaping_for(text):
                align = "R" if right_to_left(text) else "L"
                for number, line in enumerate(lines):
                    self.set_xy(x + PAD, y + PAD + number * line_height)
                    self.cell(width - 2 * PAD, line_height, line, align=align)
            x += width
        self.set_draw_color(0, 0, 0)
        self.set_xy(self.l_margin, y + height)
