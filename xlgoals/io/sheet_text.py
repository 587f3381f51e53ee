"""A worksheet part edited as text: the few edits 校验's marks make to a project sheet — a cell's
style, the 表内校验 row's formula, an attribute of <pageSetup>, the reference to a legacy drawing —
spliced into the part's bytes. A project sheet is ~55 KB (its cells and the live checks' conditional
formats) and 校验 changes a few dozen attributes in it; parsing it into a tree and writing it back
cost more than the rest of marking a sheet.

Only text it fully understands is edited so:
- UTF-8, with no comment, CDATA section, DTD or processing instruction (so ``<`` always opens a tag);
- one default namespace, SpreadsheetML's, declared on <worksheet> (so an unprefixed name is always
  SpreadsheetML's), and a <sheetData> with content (the first, as the tree takes it);
- every tag it reads or rewrites matched whole by a strict pattern: double-quoted attributes holding
  neither ``<`` nor ``>`` (so the tag's end is where the pattern says).
Anything else, and any edit it cannot make in place (a cell the sheet does not have, an element to
create among others), raises ``Unsure``; ``ooxml.Sheet`` then parses the part and makes the edit on the
tree, as it does for every other part. The edits written here are the ones the tree would get: the
same attributes in the same order, a new one last, as lxml writes them.

Well-formedness is not checked again here: a sheet reaches marking only after 校验 read it with an XML
reader that checks it (python-calamine's quick-xml, or openpyxl's lxml).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from xlgoals.io import namespaces, xmltext

MAIN = namespaces.MAIN.encode()
REL = namespaces.REL.encode()

_NAME = rb"[A-Za-z_][\w.-]*"
_SPACE = (b" ", b"\t", b"\n", b"\r")  # XML's white space, a byte each
_NAME_END = (*_SPACE, b"/", b">")  # what may follow a tag's name
_TAG = re.compile(rb"<(" + _NAME + rb")((?:\s+" + _NAME + rb'(?::[\w.-]+)?\s*=\s*"[^"<>]*")*)\s*(/?)>')
_ATTR = re.compile(rb"(" + _NAME + rb'(?::[\w.-]+)?)\s*=\s*"([^"<>]*)"')
_HEAD = re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:<\?xml\s([^<>?]*)\?>\s*)?(?=<worksheet[\s>])")
_UTF8 = re.compile(rb"""encoding\s*=\s*["']utf-8["']""", re.IGNORECASE)
_ROW_FIRST_A = re.compile(
    rb'<row(?:\s+[\w:.-]+\s*=\s*"[^"<>]*")*\s*>\s*(<c r="A(\d+)")'
    # the common cells: a shared string or a number, or empty
    rb'(?:((?: [\w:.-]+="[^"<>]*")*)(?:><v>(\d+)</v></c>|(/)>))?'
)
_INLINE_T = re.compile(rb"<t(?:\s[^<>]*)?>([^<]*)</t>|<t(?:\s[^<>]*)?/>")
_VALUE = re.compile(rb"<v>([^<]*)</v>|<v/>")
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3}[0-9]{1,7})"')
_INDEX_AFTER = 32  # cells sought one search each before all are found in one pass
_MERGE = re.compile(rb'<mergeCell ref="([^"<>]*)"\s*/>')

# The children of <worksheet>, in the order the schema requires (ECMA-376 Part 1, CT_Worksheet).
WORKSHEET_ORDER = [
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate",
    "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations",
    "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
    "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing",
    "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
    "tableParts", "extLst",
]  # fmt: skip
_RANK = {name.encode(): k for k, name in enumerate(WORKSHEET_ORDER)}


class Unsure(Exception):
    """The text is not one this module edits safely, or the edit needs the tree."""


class Tag(NamedTuple):
    start: int
    end: int
    name: bytes
    attrs: dict[bytes, bytes]
    empty: bool  # <x/>

    def written(self, **changed: bytes | None) -> bytes:
        """The tag again with attributes changed (None: removed; a new one goes last, as lxml puts it)."""
        attrs = dict(self.attrs)
        for key, value in changed.items():
            if value is None:
                attrs.pop(key.encode(), None)
            else:
                attrs[key.encode()] = value
        inner = b"".join(b" " + k + b'="' + v + b'"' for k, v in attrs.items())
        return b"<" + self.name + inner + (b"/>" if self.empty else b">")


class SheetText:
    """A worksheet part's bytes, with edits spliced in. ``of`` gives one only for text it understands."""

    def __init__(self, text: bytes, lo: int, hi: int, root: Tag) -> None:
        self._raw = text
        self.lo, self.hi = lo, hi  # <sheetData>'s content: text[lo:hi]
        # restyled cells' tags, waiting to be put in together (start → end, new tag), in _raw's
        # positions: a sheet takes dozens and each splice copied the whole text
        self._restyled: dict[int, tuple[int, bytes]] = {}
        self._searches = 0  # cells sought by a search of the text
        self._cells: dict[bytes, int] | None = None  # every cell's place in _raw, once many are sought
        self.scanned = 0  # bytes of <sheetData> searched for cells (the tests' measure of the work)
        bound = [
            key[len(b"xmlns:") :]
            for key, value in root.attrs.items()
            if key.startswith(b"xmlns:") and value == REL
        ]
        # the prefix <worksheet> binds to relationships (b"" for none, None for more than one)
        self.rel_prefix = bound[0] if len(bound) == 1 else (b"" if not bound else None)

    @classmethod
    def of(cls, text: bytes) -> SheetText | None:
        head = _HEAD.match(text)
        if head is None or (
            head.group(1) and b"encoding" in head.group(1) and not _UTF8.search(head.group(1))
        ):
            return None
        if _opens(text, b"!", 0) or _opens(text, b"?", head.end()):
            return None
        root = _tag(text, head.end())
        if root is None or root.attrs.get(b"xmlns") != MAIN or text.find(b"xmlns=", root.end) >= 0:
            return None
        lo = text.find(b"<sheetData>", root.end)
        hi = text.find(b"</sheetData>", lo)
        if lo < 0 or hi < 0:
            return None
        return cls(text, lo + len(b"<sheetData>"), hi, root)

    @property
    def text(self) -> bytes:
        """The part with every edit so far."""
        self._settle()
        return self._raw

    def _settle(self) -> None:
        """Put the waiting restyles in."""
        if self._restyled:
            pieces, at, grown = [], 0, 0
            for start in sorted(self._restyled):
                end, tag = self._restyled[start]
                pieces += [self._raw[at:start], tag]
                at, grown = end, grown + len(tag) - (end - start)
            pieces.append(self._raw[at:])
            self._raw, self.hi = b"".join(pieces), self.hi + grown  # restyled cells are in <sheetData>
            self._restyled.clear()
            self._cells = None  # where they were

    def _splice(self, a: int, b: int, new: bytes) -> None:
        """``new`` in place of text[a:b] (positions in ``text``, restyles in)."""
        assert not self._restyled, "positions taken before the restyles went in"
        self._raw = self._raw[:a] + new + self._raw[b:]
        self._cells = None
        if a < self.hi:
            self.hi += len(new) - (b - a)

    def _cell(self, ref: str, text: bytes) -> Tag:
        key = ref.encode("ascii")
        if self._cells is None and text is self._raw and self._searches >= _INDEX_AFTER:
            self._cells = {}  # many cells asked for: one pass finds them all (a search each is n²)
            for found in _CELL_REF.finditer(text, self.lo, self.hi):
                self._cells.setdefault(found.group(1), found.start())
            self.scanned += self.hi - self.lo
        if self._cells is not None and text is self._raw:
            at = self._cells.get(key, -1)
        else:
            at = text.find(b'<c r="' + key + b'"', self.lo, self.hi)
            self._searches += 1
            self.scanned += (at if at >= 0 else self.hi) - self.lo
        tag = _tag(text, at) if at >= 0 else None
        if tag is None:
            raise Unsure(f"no cell {ref} to edit in place")
        return tag

    def restyle(self, ref: str, style: Callable[[int], int]) -> None:
        """Cell ``ref``'s style ``s`` becomes ``style(s)`` (put in with the next edit or read)."""
        tag = self._cell(ref, self._raw)  # a restyle changes a tag's attributes, not where tags are
        if tag.start in self._restyled:  # restyled before: from the tag as it now is
            tag = self._cell(ref, self.text)
        now = tag.attrs.get(b"s", b"0")
        if not now.isdigit():
            raise Unsure(f"cell {ref}: style {now!r}")
        self._restyled[tag.start] = (tag.end, tag.written(s=str(style(int(now))).encode()))

    def set_formula(self, ref: str, formula: str) -> None:
        """Cell ``ref`` holds ``formula`` (without its "=") and nothing else; its type goes."""
        tag = self._cell(ref, self.text)
        end = tag.end
        if not tag.empty:
            close = self.text.find(b"</c>", tag.end, self.hi)
            if close < 0:
                raise Unsure(f"cell {ref} without its end")
            end = close + len(b"</c>")
        opened = tag._replace(empty=False).written(t=None)
        content = b"<f>" + xmltext.text(formula.removeprefix("=")).encode("utf-8") + b"</f></c>"
        self._splice(tag.start, end, opened + content)

    def _element(self, name: bytes) -> Tag | None:
        """The worksheet's child <name> (one the schema allows once; found from the end, near which
        they stand, behind the conditional formats), or None."""
        at = len(self.text)
        while (at := self.text.rfind(b"<" + name, self.hi, at)) >= 0:
            if self.text[at + 1 + len(name) : at + 2 + len(name)] in _NAME_END:
                tag = _tag(self.text, at)
                if tag is None:
                    raise Unsure(f"<{name.decode()}> not understood")
                return tag
        return None

    def set_attribute(self, element: str, name: str, value: str) -> None:
        """Attribute ``name`` of the worksheet's child ``element`` (which it must have) is ``value``."""
        tag = self._element(element.encode())
        if tag is None:
            raise Unsure(f"no <{element}> to edit in place")
        self._splice(tag.start, tag.end, tag.written(**{name: xmltext.attribute(value).encode("utf-8")}))

    def legacy_drawing(self) -> str | None:
        """The r:id of the sheet's <legacyDrawing>, None if it has none."""
        tag = self._element(b"legacyDrawing")
        if tag is None:
            return None
        prefix = self._rel_prefix(tag)
        rid = tag.attrs.get(prefix + b":id") if prefix else None
        if rid is None:
            raise Unsure("a legacy drawing's reference not understood")
        return rid.decode("utf-8")

    def _rel_prefix(self, tag: Tag) -> bytes | None:
        """The prefix bound to relationships where ``tag`` stands (declared on it, or on the root)."""
        local = [key[len(b"xmlns:") :] for key, value in tag.attrs.items() if key.startswith(b"xmlns:")]
        if local:
            return local[0] if len(local) == 1 and tag.attrs[b"xmlns:" + local[0]] == REL else None
        return self.rel_prefix or None

    def add_legacy_drawing(self, rid: str) -> None:
        """A <legacyDrawing r:id="rid"/> where lxml's ``insert_ordered`` puts it: before the first
        child the schema orders after it, else last. Found walking back from </worksheet> over those
        children (there are seldom any) to the last one ordered before it."""
        text = self.text
        end = text.rfind(b"</worksheet>")
        if (
            self.rel_prefix is None
            or end < self.hi
            or text[end + len(b"</worksheet>") :].strip()
            or text.find(b"AlternateContent", self.hi) >= 0
        ):
            raise Unsure("a legacy drawing to place among children not understood")
        mine = _RANK[b"legacyDrawing"]
        at = end  # where it goes if the child before is ordered before it
        while True:
            stop = at
            while text[stop - 1 : stop] in _SPACE:
                stop -= 1
            if text[stop - 2 : stop] == b"/>":
                start = text.rfind(b"<", self.hi, stop)
            else:
                close = text.rfind(b"</", self.hi, stop)
                name = text[close + 2 : stop - 1]
                start = text.rfind(b"<" + name + b" ", self.hi, close)
                plain = text.rfind(b"<" + name + b">", self.hi, close)
                start = max(start, plain) if close >= 0 else -1
            tag = _tag(text, start) if start > self.hi else None
            rank = _RANK.get(tag.name) if tag is not None else None
            if rank is None or rank == mine:
                raise Unsure("a legacy drawing to place among children not understood")
            if rank < mine:
                # under the root's prefix for relationships, else r: declared on it (as lxml does)
                prefix = self.rel_prefix or b'xmlns:r="' + REL + b'" r'
                self._splice(at, at, b"<legacyDrawing " + prefix + b':id="' + rid.encode("utf-8") + b'"/>')
                return
            at = start

    def last_row(self) -> int:
        """The number of the sheet's last row (0 if it has none)."""
        at = self.text.rfind(b"<row", self.lo, self.hi)
        while at >= 0 and self.text[at + 4 : at + 5] not in _NAME_END:
            at = self.text.rfind(b"<row", self.lo, at)
        if at < 0:
            if self.text.find(b"<row", self.lo, self.hi) >= 0:
                raise Unsure("rows not understood")
            return 0
        tag = _tag(self.text, at)
        number = tag.attrs.get(b"r", b"") if tag is not None else b""
        if not number.isdigit():
            raise Unsure("a row without its number")
        return int(number)

    def append_rows(self, rows: bytes) -> None:
        """``rows`` (<row> elements, numbered after ``last_row``) put after the last row."""
        self._settle()  # first: <sheetData>'s end moves with the restyles
        self._splice(self.hi, self.hi, rows)
        self.hi += len(rows)  # inside <sheetData> (a splice at its end is taken to be after it)

    def columns(self) -> list[tuple[int, int, int]]:
        """(min, max, style) of each <col> of the sheet's <cols> that has all three."""
        start = self.text.rfind(b"<cols>", 0, self.lo)
        if start < 0:
            return []
        end = self.text.find(b"</cols>", start, self.lo)
        if end < 0:
            raise Unsure("columns not understood")
        out = []
        at = start + len(b"<cols>")
        while (at := self.text.find(b"<col ", at, end)) >= 0:
            tag = _tag(self.text, at)
            if tag is None:
                raise Unsure("a column not understood")
            lo, hi, style = (tag.attrs.get(k, b"") for k in (b"min", b"max", b"style"))
            if lo.isdigit() and hi.isdigit() and style.isdigit():
                out.append((int(lo), int(hi), int(style)))
            at = tag.end
        if self.text.count(b"<col", start + len(b"<cols>"), end) != self.text.count(b"<col ", start, end):
            raise Unsure("columns not understood")
        return out

    def merged(self) -> list[str]:
        """The ref of each merged range."""
        found = _MERGE.findall(self.text, self.hi)
        if len(found) != self.text.count(b"<mergeCell ", self.hi):
            raise Unsure("merged ranges not understood")
        return [ref.decode("ascii", "replace") for ref in found]

    def column_a(self, string: Callable[[int], str | None]) -> list[object]:
        """The values of column A from row 1 (None where empty) — of each row whose first cell is in
        column A, as ``ooxml.Sheet.column_a`` reads them from the tree; ``string``: a shared string."""
        out: list[object] = []
        for found in _ROW_FIRST_A.finditer(self.text, self.lo, self.hi):
            r = int(found.group(2))
            if r <= len(out):
                raise Unsure("rows out of order")
            out.extend([None] * (r - 1 - len(out)))
            attrs, digits, empty = found.group(3, 4, 5)
            if empty is not None and b" t=" not in attrs:
                out.append(None)
            elif digits is not None and b" t=" not in attrs:
                out.append(digits.decode("ascii"))
            elif digits is not None and b' t="s"' in attrs and attrs.count(b" t=") == 1:
                out.append(string(int(digits)))
            else:
                out.append(self._value(_tag(self.text, found.start(1)), string))
        return out

    def _value(self, tag: Tag | None, string: Callable[[int], str | None]) -> object:
        if tag is None:
            raise Unsure("a cell of column A not understood")
        if tag.empty:
            return None if tag.attrs.get(b"t") != b"inlineStr" else ""
        close = self.text.find(b"</c>", tag.end, self.hi)
        if close < 0:
            raise Unsure("a cell of column A without its end")
        content = self.text[tag.end : close]
        if tag.attrs.get(b"t") == b"inlineStr":
            return "".join(unescape(t) for t in _INLINE_T.findall(content))
        v = _VALUE.search(content)
        if v is None or not v.group(1):
            return None
        raw = unescape(v.group(1))
        if tag.attrs.get(b"t") == b"s":
            return string(int(raw) if raw.strip().isdigit() else -1)
        return raw


_REFERENCE = re.compile(r"&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(amp|lt|gt|quot|apos));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def unescape(raw: bytes) -> str:
    """An element's text as XML reads it: UTF-8, with its character and entity references."""
    text = raw.decode("utf-8")
    if "&" not in text:
        return text
    if "&" in _REFERENCE.sub("", text):
        raise Unsure("a reference XML does not define")
    try:
        return _REFERENCE.sub(
            lambda m: _NAMED[m[3]] if m[3] else chr(int(m[1], 16) if m[1] else int(m[2])), text
        )
    except (ValueError, OverflowError) as exc:  # past the last character
        raise Unsure("a character reference out of range") from exc


def _opens(text: bytes, mark: bytes, start: int) -> bool:
    """Whether "<" + ``mark`` occurs in ``text`` from ``start``: ``mark`` (a rare byte) is found at
    memchr's speed, where a search for the pair would stop at every "<"."""
    at = text.find(mark, start)
    while at >= 0:
        if text[at - 1 : at] == b"<":
            return True
        at = text.find(mark, at + 1)
    return False


def _tag(text: bytes, at: int) -> Tag | None:
    found = _TAG.match(text, at)
    if found is None:
        return None
    return Tag(at, found.end(), found.group(1), dict(_ATTR.findall(found.group(2))), bool(found.group(3)))
