"""A spreadsheet package (.xlsx/.xlsm, transitional SpreadsheetML) edited part by part.

The parts that change are parsed with lxml, edited and serialised again — keeping every namespace
prefix a writer chose (Excel's mc:Ignorable lists prefixes by name) — and every other part is copied
as it is. Cells are found by their reference; a new row or cell goes where the schema's order puts
it; new cell formats are derived from a cell's own (identical ones shared); a sheet's comments and
the note shapes of its legacy VML drawing (which may also hold buttons) are edited together.

``Unpatchable``: a package this editor does not handle (strict OOXML, rows without their numbers,
VML that is not XML, threaded comments …); the caller chooses another way.
"""

from __future__ import annotations

import copy
import io
import posixpath
import re
import time
import zipfile
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from lxml import etree

from xlgoals.io import xmltext
from xlgoals.io.namespaces import CONTENT_TYPES, EXCEL, MAIN, OFFICE, PKG_REL, REL, VML
from xlgoals.io.sheet_text import WORKSHEET_ORDER, SheetText, Unsure, unescape
from xlgoals.io.zipout import Copied, TooLarge, ZipOut, copied
from xlgoals.layout import column_index

T_OFFICE_DOCUMENT = REL + "/officeDocument"
T_WORKSHEET = REL + "/worksheet"
T_SHARED_STRINGS = REL + "/sharedStrings"
T_STYLES = REL + "/styles"
T_COMMENTS = REL + "/comments"
T_VML = REL + "/vmlDrawing"
T_CUSTOM = REL + "/custom-properties"
T_THREADED = "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
CT_CUSTOM = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"

# The children of <workbook> up to <calcPr> (CT_Workbook).
WORKBOOK_ORDER = [
    "fileVersion",
    "fileSharing",
    "workbookPr",
    "workbookProtection",
    "bookViews",
    "sheets",
    "functionGroups",
    "externalReferences",
    "definedNames",
    "calcPr",
]

# The prefix an element made here gives its r:id attribute: without it lxml takes one from a registry
# that openpyxl fills when it is imported ("r"), else it makes one up ("ns1") — the same edit written
# two ways depending on what else the process had loaded.
R_PREFIX = {"r": REL}
# The same for the note shapes put into a drawing, where it matters more: Excel reads VML by its
# prefixes, so a shape put into a drawing that does not declare o: or x: (another program's) must
# declare them itself rather than take ns1:, ns2:. Where the drawing declares them, lxml writes none.
VML_PREFIXES = {"v": VML, "o": OFFICE, "x": EXCEL}
DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
REF = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})$")
# Sheets held as text where they can be (``Sheet``); the tests turn it off to compare with the tree.
SPLICE = True
TALL_MERGE = 200  # merged ranges taller than this are checked for every cell, not indexed by row
_SHAPE_ID = re.compile(r"_x0000_s(\d+)")


class Unpatchable(Exception):
    """The package is of a kind this editor does not handle; mark it through openpyxl instead."""


def q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def m(name: str) -> str:
    return q(MAIN, name)


def _local(tag: object) -> str:
    return tag.split("}", 1)[-1] if isinstance(tag, str) else ""


@lru_cache(maxsize=1 << 16)  # finding a cell reads its row's references; the same few hundred per sheet
def split_ref(ref: str) -> tuple[int, int]:
    """'C4' → (row 4, column 3)."""
    hit = REF.match(ref)
    if hit is None:
        raise Unpatchable(f"cell reference {ref!r}")
    return int(hit.group(2)), column_index(hit.group(1))


def _ref_key(ref: str | None) -> tuple[int, int]:
    try:
        return split_ref(ref or "")
    except Unpatchable:
        return (0, 0)


def insert_ordered(parent: Any, child: Any, order: Sequence[str], unknown_after: str) -> None:
    """Insert ``child`` among ``parent``'s children where ``order`` puts it. A child of an unknown
    kind (mc:AlternateContent, say) is taken to stand where ``unknown_after`` stands."""
    rank = {name: k for k, name in enumerate(order)}
    mine = rank[_local(child.tag)]
    for k, other in enumerate(parent):
        if not isinstance(other.tag, str):
            continue
        theirs = rank.get(_local(other.tag), rank[unknown_after] + 0.5)
        if theirs > mine:
            parent.insert(k, child)
            return
    parent.append(child)


def _parser() -> Any:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=False)


class Package:
    """The parts of a zip package; parsed on first use, written back only if changed."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError) as exc:
            raise Unpatchable("not a zip package") from exc
        self.names = [i.filename for i in self.zip.infolist()]
        self.trees: dict[str, Any] = {}
        self.new: dict[str, bytes | None] = {}  # changed or added parts: their bytes, or None (tree's)
        self.removed: set[str] = set()
        self._shape_blocks: set[int] | None = None

    def has(self, name: str) -> bool:
        return name in self.trees or name in self.new or (name in self.names and name not in self.removed)

    def raw(self, name: str) -> bytes | None:
        """Part ``name``'s bytes as they stand (None if it is held as a tree)."""
        if name in self.trees:
            return None
        written = self.new.get(name)
        if written is not None:
            return written
        try:
            return self.zip.read(name)
        except KeyError as exc:
            raise Unpatchable(f"{name}: {exc}") from exc

    def xml(self, name: str) -> Any:
        if name not in self.trees:
            written = self.new.get(name)
            try:
                self.trees[name] = etree.fromstring(
                    self.zip.read(name) if written is None else written, _parser()
                )
            except (KeyError, etree.XMLSyntaxError) as exc:
                raise Unpatchable(f"{name}: {exc}") from exc
        return self.trees[name]

    def touch(self, name: str, tree: Any) -> None:
        """Record ``tree`` as the (new or changed) content of part ``name``."""
        self.trees[name] = tree
        self.new[name] = None  # serialised at save time
        self.removed.discard(name)

    def put(self, name: str, data: bytes) -> None:
        """Record ``data`` (a whole serialised part, declaration included) as the content of ``name``."""
        self.trees.pop(name, None)
        self.new[name] = data
        self.removed.discard(name)

    def remove(self, name: str) -> None:
        self.removed.add(name)
        self.new.pop(name, None)
        self.trees.pop(name, None)

    def shape_blocks(self) -> set[int]:
        """The blocks of 1 024 shape ids the package's VML drawings claim (their o:idmap), those
        drawn in this edit included: a new drawing takes a block no other one has, as Excel does."""
        if self._shape_blocks is None:
            self._shape_blocks = set()
            for name in self.names:
                if name.lower().endswith(".vml") and self.has(name):
                    for found in re.findall(rb'idmap[^>]*data="([0-9, ]+)"', self.zip.read(name)):
                        self._shape_blocks |= {int(x) for x in found.split(b",") if x.strip().isdigit()}
        return self._shape_blocks

    def free_name(self, pattern: str) -> str:
        k = 1
        while self.has(pattern.format(k)):
            k += 1
        return pattern.format(k)

    def save(self) -> bytes:
        """The package with its changed parts: those compressed at the fastest level (an annotated
        copy is a working file: about a sixth larger than at zlib's default, written in half the time),
        every other part copied as it was compressed (``zipout.copied``)."""
        out = ZipOut(level=1)
        written = set()
        try:
            for info in self.zip.infolist():
                name = info.filename
                if name in self.removed:
                    continue
                if name in self.new:
                    content: bytes | Copied = self._bytes(name)
                else:
                    content = copied(self.data, info) or self.zip.read(info)
                out.add(name, info.date_time, info.external_attr, content)
                written.add(name)
            now = time.localtime()[:6]
            for name in self.new:
                if name not in written:
                    out.add(name, now, 0, self._bytes(name))
            return out.getvalue()
        except TooLarge as exc:
            raise Unpatchable(f"the package needs ZIP64 ({exc})") from exc

    def _bytes(self, name: str) -> bytes:
        written = self.new.get(name)
        if written is not None:
            return written
        body: bytes = etree.tostring(self.trees[name], encoding="UTF-8", xml_declaration=False)
        if name.lower().endswith(".vml"):
            return body  # legacy VML: no declaration, as Excel writes it
        return DECLARATION + body

    # --- relationships and content types ---------------------------------------------------

    @staticmethod
    def rels_name(part: str) -> str:
        folder, base = posixpath.split(part)
        return posixpath.join(folder, "_rels", base + ".rels")

    def rels(self, part: str) -> Any:
        name = self.rels_name(part)
        if self.has(name):
            return self.xml(name)
        root = etree.Element(q(PKG_REL, "Relationships"), nsmap={None: PKG_REL})
        self.touch(name, root)
        return root

    def related(self, part: str, kind: str) -> list[tuple[str, str]]:
        """(relationship id, target part) of ``part``'s internal relationships of type ``kind``."""
        name = self.rels_name(part)
        if not self.has(name):
            return []
        out = []
        for rel in self.xml(name):
            if rel.get("Type") == kind and rel.get("TargetMode") != "External":
                out.append((rel.get("Id", ""), self.target(part, rel.get("Target", ""))))
        return out

    @staticmethod
    def target(part: str, target: str) -> str:
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))

    def relate(self, part: str, kind: str, target: str) -> str:
        """Add a relationship from ``part`` to ``target``; its new id."""
        root = self.rels(part)
        ids = {rel.get("Id") for rel in root}
        k = 1
        while f"rId{k}" in ids:
            k += 1
        rel = etree.SubElement(root, q(PKG_REL, "Relationship"))
        rel.set("Id", f"rId{k}")
        rel.set("Type", kind)
        rel.set("Target", posixpath.relpath(target, posixpath.dirname(part) or "."))
        self.touch(self.rels_name(part), root)
        return f"rId{k}"

    def unrelate(self, part: str, rid: str) -> None:
        root = self.rels(part)
        for rel in list(root):
            if rel.get("Id") == rid:
                root.remove(rel)
        self.touch(self.rels_name(part), root)

    def content_type(self, part: str, kind: str | None) -> None:
        """Declare (``kind``) or forget (None) the content type of ``part``."""
        root = self.xml("[Content_Types].xml")
        for o in root.findall(q(CONTENT_TYPES, "Override")):
            if o.get("PartName") == "/" + part:
                root.remove(o)
        if kind is not None:
            o = etree.SubElement(root, q(CONTENT_TYPES, "Override"))
            o.set("PartName", "/" + part)
            o.set("ContentType", kind)
        self.touch("[Content_Types].xml", root)

    def default_type(self, extension: str, kind: str) -> None:
        root = self.xml("[Content_Types].xml")
        if any(
            d.get("Extension", "").lower() == extension for d in root.findall(q(CONTENT_TYPES, "Default"))
        ):
            return
        d = etree.Element(q(CONTENT_TYPES, "Default"))
        d.set("Extension", extension)
        d.set("ContentType", kind)
        root.insert(0, d)
        self.touch("[Content_Types].xml", root)


class Styles:
    """The workbook's cell formats: new ones derived from existing ones, identical ones shared."""

    def __init__(self, pkg: Package, part: str) -> None:
        self.pkg, self.part = pkg, part
        self.root = pkg.xml(part)
        self.fills = self._list("fills")
        self.fonts = self._list("fonts")
        self.xfs = self._list("cellXfs")
        self._known: dict[bytes, int] | None = None
        self._fill_ids: dict[str, int] = {}
        self._derived: dict[tuple[int, int | None, int | None, bool | None, bool], int] = {}

    def _list(self, name: str) -> Any:
        found = self.root.find(m(name))
        if found is None or len(found) == 0:
            raise Unpatchable(f"styles without {name}")
        return found

    def _append(self, parent: Any, child: Any) -> int:
        parent.append(child)
        parent.set("count", str(len(parent)))
        self.pkg.touch(self.part, self.root)
        return len(parent) - 1

    def solid_fill(self, rgb: str) -> int:
        if rgb not in self._fill_ids:
            f = etree.Element(m("fill"))
            p = etree.SubElement(f, m("patternFill"), patternType="solid")
            etree.SubElement(p, m("fgColor"), rgb="FF" + rgb)
            etree.SubElement(p, m("bgColor"), rgb="FF" + rgb)
            self._fill_ids[rgb] = self._append(self.fills, f)
        return self._fill_ids[rgb]

    def font(
        self,
        *,
        bold: bool = False,
        color: str | None = None,
        underline: bool = False,
        name: str | None = None,
    ) -> int:
        base = self.fonts[0]
        f = etree.Element(m("font"))
        if bold:
            etree.SubElement(f, m("b"))
        if underline:
            etree.SubElement(f, m("u"))
        size = base.find(m("sz"))
        if size is not None:
            f.append(copy.deepcopy(size))
        if color is not None:
            etree.SubElement(f, m("color"), rgb="FF" + color)
        face = base.find(m("name"))
        if name is not None:
            etree.SubElement(f, m("name"), val=name)
        elif face is not None:
            f.append(copy.deepcopy(face))
        return self._append(self.fonts, f)

    def derive(
        self,
        base: int,
        *,
        fill: int | None = None,
        font: int | None = None,
        wrap: bool | None = None,
        top: bool = False,
    ) -> int:
        """A cell format like ``base`` with another fill (0: none), font or alignment."""
        wanted = (base, fill, font, wrap, top)
        if wanted in self._derived:
            return self._derived[wanted]
        source = self.xfs[base] if 0 <= base < len(self.xfs) else self.xfs[0]
        xf = copy.deepcopy(source)
        if fill is not None:
            xf.set("fillId", str(fill))
            xf.set("applyFill", "1")
        if font is not None:
            xf.set("fontId", str(font))
            xf.set("applyFont", "1")
        if wrap is not None or top:
            old = xf.find(m("alignment"))
            align = etree.Element(m("alignment"), attrib=dict(old.attrib) if old is not None else {})
            if old is not None:
                xf.remove(old)
            if wrap:
                align.set("wrapText", "1")
            elif wrap is False:
                align.attrib.pop("wrapText", None)
            if top:
                align.set("vertical", "top")
            xf.insert(0, align)
            xf.set("applyAlignment", "1")
        key = etree.tostring(xf, method="c14n")
        known = self._index()
        if key not in known:
            known[key] = self._append(self.xfs, xf)
        self._derived[wanted] = known[key]
        return known[key]

    def _index(self) -> dict[bytes, int]:
        if self._known is None:
            self._known = {}
            for k, xf in enumerate(self.xfs):
                self._known.setdefault(etree.tostring(xf, method="c14n"), k)
        return self._known


class Sheet:
    """One worksheet part: its cells found by reference, new cells and rows put in their order.

    A sheet is first held as text (``sheet_text``) when its text is one that module edits safely: the
    edits marking makes to a project sheet are spliced in, and the part is never parsed. The first
    edit or question the text cannot take (a cell to create, an element to remove, its rows) parses
    the part, edits so far included, and the sheet is a tree from then on."""

    def __init__(self, pkg: Package, name: str, part: str) -> None:
        self.pkg, self.name, self.part = pkg, name, part
        raw = pkg.raw(part) if SPLICE else None
        self._text = SheetText.of(raw) if raw is not None else None
        self._root: Any = None
        self._data: Any = None
        self._edited = False
        if self._text is None:
            self._parse()
        self._rows: dict[int, Any] | None = None
        self._merged: dict[int, list[tuple[int, int, int, int]]] | None = None  # by row (0: tall ones)
        self._cols: list[tuple[int, int, int]] | None = None

    def _parse(self) -> None:
        self.flush()
        self._text = None  # its edits are in the package's copy of the part, parsed here
        root = self.pkg.xml(self.part)
        if root.tag != m("worksheet"):
            raise Unpatchable(f"{self.part} is not a worksheet")
        data = root.find(m("sheetData"))
        if data is None:
            data = etree.Element(m("sheetData"))
            insert_ordered(root, data, WORKSHEET_ORDER, "oleObjects")
        self._root, self._data = root, data

    @property
    def root(self) -> Any:
        """The part as a tree (parsed now if it was held as text)."""
        if self._root is None:
            self._parse()
        return self._root

    @property
    def data(self) -> Any:
        """Its <sheetData> element (the part parsed now if it was held as text)."""
        if self._data is None:
            self._parse()
        return self._data

    def _in_text(self, edit: Callable[[SheetText], None]) -> bool:
        """Make ``edit`` on the text, if the sheet is held as text and the text can take it; False
        when the tree must make it (the sheet is parsed then, with the edits so far). An edit made
        on the text goes to the package when the workbook is saved (``flush``)."""
        if self._text is None:
            return False
        try:
            edit(self._text)
        except Unsure:
            self._parse()
            return False
        self._edited = True
        return True

    def flush(self) -> None:
        """Give the package the text with its edits (a sheet held as text that was edited)."""
        if self._text is not None and self._edited:
            self.pkg.put(self.part, self._text.text)
            self._edited = False

    def changed(self) -> None:
        if self._text is not None:
            self._edited = True
        else:
            self.pkg.touch(self.part, self.root)

    def rows(self) -> dict[int, Any]:
        if self._rows is None:
            rows: dict[int, Any] = {}
            last = 0
            for row in self.data.iterchildren(m("row")):
                r = row.get("r")
                if r is None or not r.isdigit() or int(r) <= last:
                    raise Unpatchable(f"{self.part}: rows without numbers or out of order")
                last = int(r)
                rows[last] = row
            self._rows = rows
        return self._rows

    def last_row(self) -> int:
        """The number of the sheet's last row (0 if it has none)."""
        if self._text is not None:
            try:
                return self._text.last_row()
            except Unsure:
                self._parse()
        return max(self.rows(), default=0)

    def append_rows(self, rows: str) -> None:
        """Rows given as XML text (``<row>`` elements of the main namespace, unprefixed) put after
        the sheet's last row; their numbers must follow it."""
        if self._in_text(lambda text: text.append_rows(rows.encode("utf-8"))):
            return
        fragment = etree.fromstring(f'<sheetData xmlns="{MAIN}">{rows}</sheetData>', _parser())
        self.data.extend(list(fragment))
        self.forget_rows()
        self.changed()

    def forget_rows(self) -> None:
        """Rows were added or renumbered behind ``cell``'s back: index them again when next needed."""
        self._rows = None

    def merged_inside(self, ref: str) -> bool:
        """Whether ``ref`` is covered by a merged range but is not its top-left cell."""
        if self._merged is None:
            self._merged = {}
            for merged in self._merge_refs():
                a, _, b = merged.partition(":")
                if b:
                    (r1, c1), (r2, c2) = split_ref(a), split_ref(b)
                    for r in range(r1, min(r2, r1 + TALL_MERGE) + 1):
                        self._merged.setdefault(r, []).append((r1, c1, r2, c2))
                    if r2 - r1 > TALL_MERGE:
                        self._merged.setdefault(0, []).append((r1, c1, r2, c2))
        row, col = split_ref(ref)
        return any(
            r1 <= row <= r2 and c1 <= col <= c2 and (row, col) != (r1, c1)
            for r1, c1, r2, c2 in (*self._merged.get(row, ()), *self._merged.get(0, ()))
        )

    def _merge_refs(self) -> list[str]:
        if self._text is not None:
            try:
                return self._text.merged()
            except Unsure:
                self._parse()
        return [mc.get("ref", "") for mc in self.root.iterfind(f"{m('mergeCells')}/{m('mergeCell')}")]

    def restyle(self, ref: str, style: Callable[[int], int]) -> None:
        """Cell ``ref`` (created if the sheet has none) takes style ``style(its style now)``."""
        if self._in_text(lambda text: text.restyle(ref, style)):
            return
        c = self.cell(ref)
        c.set("s", str(style(int(c.get("s", "0")))))
        self.changed()

    def cell(self, ref: str) -> Any:
        """The <c> element of ``ref``, created (with its row) if the sheet has none."""
        row_n, col_n = split_ref(ref)
        rows = self.rows()
        row = rows.get(row_n)
        if row is None:
            row = etree.Element(m("row"), r=str(row_n))
            last = next(reversed(rows), 0)
            if last < row_n:  # the common case: below every row (dict order is row order then)
                self.data.append(row)
                rows[row_n] = row
            else:
                before = [r for r in rows if r < row_n]
                if before:
                    rows[max(before)].addnext(row)
                else:
                    self.data.insert(0, row)
                rows[row_n] = row
                self._rows = dict(sorted(rows.items()))
        prev = None
        for c in row.iterchildren(m("c")):
            r = c.get("r")
            if r is None:
                raise Unpatchable(f"{self.part}: a cell without its reference")
            _, col = split_ref(r)
            if col == col_n:
                return c
            if col > col_n:
                break
            prev = c
        c = etree.Element(m("c"), r=ref)
        style = self._default_style(row, col_n)
        if style:
            c.set("s", str(style))
        if prev is None:
            row.insert(0, c)
        else:
            prev.addnext(c)
        row.attrib.pop("spans", None)  # an optional hint the new cell may fall outside of
        return c

    def _default_style(self, row: Any, col: int) -> int:
        if row.get("customFormat") in ("1", "true") and row.get("s", "").isdigit():
            return int(row.get("s"))
        return self.column_style(col)

    def column_style(self, col: int) -> int:
        """The style a new cell of column ``col`` takes in a row without a style of its own."""
        if self._cols is None and self._text is not None:
            try:
                self._cols = self._text.columns()
            except Unsure:
                self._parse()
        if self._cols is None:
            self._cols = [
                (int(c.get("min")), int(c.get("max")), int(c.get("style")))
                for c in self.root.iterfind(f"{m('cols')}/{m('col')}")
                if c.get("min", "").isdigit() and c.get("max", "").isdigit() and c.get("style", "").isdigit()
            ]
        return next((style for lo, hi, style in self._cols if lo <= col <= hi), 0)

    def column_a(self, strings: SharedStrings) -> list[object]:
        """The values of column A from row 1 (None where empty), as ``layout`` finds labels in them."""
        if self._text is not None:
            try:
                return self._text.column_a(strings.get)
            except Unsure:
                self._parse()
        out: list[object] = []
        for r, row in self.rows().items():
            first = next(row.iterchildren(m("c")), None)
            if (
                first is None
                or not (first.get("r") or "").startswith("A")
                or first.get("r", "")[1:2].isalpha()
            ):
                continue
            out.extend([None] * (r - 1 - len(out)))
            out.append(cell_value(first, strings))
        return out

    def set_formula(self, ref: str, formula: str) -> None:
        """Cell ``ref`` (created if need be) holds ``formula`` and nothing else."""
        if self._in_text(lambda text: text.set_formula(ref, formula)):
            return
        c = self.cell(ref)
        for child in list(c):
            c.remove(child)
        c.text = None  # what indented it too
        c.attrib.pop("t", None)
        etree.SubElement(c, m("f")).text = formula.removeprefix("=")
        self.changed()

    def set_attribute(self, element: str, name: str, value: str) -> None:
        """Attribute ``name`` of the worksheet's child ``element`` (created if need be) is ``value``."""
        if self._in_text(lambda text: text.set_attribute(element, name, value)):
            return
        found = self.root.find(m(element))
        if found is None:
            found = etree.Element(m(element))
            insert_ordered(self.root, found, WORKSHEET_ORDER, "oleObjects")
        found.set(name, value)
        self.changed()

    def legacy_drawing(self) -> tuple[str, str] | None:
        """(relationship id, VML part) of the sheet's legacy drawing, if it has one."""
        rid: str | None = None
        if self._text is not None:
            try:
                rid = self._text.legacy_drawing()
            except Unsure:
                self._parse()
        if self._text is None:
            found = self.root.find(m("legacyDrawing"))
            rid = None if found is None else found.get(q(REL, "id"), "")
        if rid is None:
            return None
        for rel_id, target in self.pkg.related(self.part, T_VML):
            if rel_id == rid:
                return rid, target
        raise Unpatchable(f"{self.part}: legacy drawing without its part")

    def add_legacy_drawing(self, rid: str) -> None:
        """Refer to the legacy drawing related as ``rid`` (the sheet has none yet)."""
        if self._in_text(lambda text: text.add_legacy_drawing(rid)):
            return
        el = etree.Element(m("legacyDrawing"), nsmap=R_PREFIX)
        el.set(q(REL, "id"), rid)
        insert_ordered(self.root, el, WORKSHEET_ORDER, "oleObjects")
        self.changed()

    def remove_legacy_drawing(self) -> None:
        self.root.remove(self.root.find(m("legacyDrawing")))
        self.changed()


def cell_value(c: Any, strings: SharedStrings) -> object:
    t = c.get("t")
    if t == "inlineStr":
        return "".join(c.itertext(m("t")))
    v = c.find(m("v"))
    if v is None or v.text is None:
        return None
    if t == "s":
        return strings.get(int(v.text) if v.text.strip().isdigit() else -1)
    return v.text


class SharedStrings:
    """A workbook's shared strings, each one's text put together when first asked for: marking reads
    a few dozen of them (labels in column A, the records of earlier marks) out of hundreds. The part
    is cut into its <si> items as text, and an item that is more than one plain <t> is parsed on its
    own; a part written otherwise is parsed whole."""

    def __init__(self, pkg: Package, part: str | None) -> None:
        self._texts: dict[int, str] = {}
        self._items: list[Any] | None = None  # the <si> elements, when the part is parsed whole
        self._pieces: list[bytes] = []  # else each item's text from its <si>
        if part is None or not pkg.has(part):
            return
        raw = pkg.raw(part)
        pieces = _string_items(raw) if raw is not None else None
        if pieces is None:
            self._items = pkg.xml(part).findall(m("si"))
        else:
            self._pieces = pieces

    def get(self, k: int) -> str | None:
        """The text of string ``k`` (its phonetic runs left out), or None if there is no such string."""
        if not 0 <= k < (len(self._items) if self._items is not None else len(self._pieces)):
            return None
        if k not in self._texts:
            if self._items is not None:
                self._texts[k] = _item_text(self._items[k])
            else:
                self._texts[k] = self._piece_text(self._pieces[k])
        return self._texts[k]

    @staticmethod
    def _piece_text(piece: bytes) -> str:
        plain = _PLAIN_ITEM.match(piece)
        if plain is not None:
            try:
                return unescape(plain.group(1))
            except Unsure:
                pass  # a reference XML does not define: lxml says what it is
        end = piece.find(b"</si>")
        try:
            return _item_text(
                etree.fromstring(b'<si xmlns="' + MAIN.encode() + b'">' + piece[:end] + b"</si>", _parser())
            )
        except etree.XMLSyntaxError as exc:
            raise Unpatchable(f"a shared string: {exc}") from exc


_PLAIN_ITEM = re.compile(rb'<t(?: xml:space="preserve")?>([^<]*)</t></si>')
_SST_HEAD = re.compile(
    rb'(?:\xef\xbb\xbf)?\s*(?:<\?xml\s[^<>?]*\?>\s*)?<sst\s+xmlns="' + MAIN.encode() + rb'"[\s/>]'
)


def _string_items(raw: bytes) -> list[bytes] | None:
    """The text after each <si> of a shared-strings part, or None if the part is not one cut so safely
    (no comment, CDATA or DTD; unprefixed, with every item an unadorned <si>)."""
    if _SST_HEAD.match(raw) is None or b"<!" in raw or raw.count(b"<si") != raw.count(b"<si>"):
        return None
    return raw.split(b"<si>")[1:]


def _item_text(si: Any) -> str:
    return "".join(t.text or "" for t in si.iter(m("t")) if t.getparent().tag != m("rPh"))


class Workbook:
    """The workbook part: its sheets in order, their parts, the sheet-scoped defined names."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        main = [t for _, t in pkg.related("", T_OFFICE_DOCUMENT)]
        if not main:
            raise Unpatchable("no workbook part")
        self.part = main[0]
        self.root = pkg.xml(self.part)
        if self.root.tag != m("workbook"):
            raise Unpatchable("not a transitional SpreadsheetML workbook")
        sheets = self.root.find(m("sheets"))
        if sheets is None:
            raise Unpatchable("no sheets")
        self.sheets_el = sheets
        targets = {rid: t for rid, t in pkg.related(self.part, T_WORKSHEET)}
        self.order: list[str] = []
        self.parts: dict[str, str] = {}  # worksheets only (not chart sheets)
        for s in sheets.iterchildren(m("sheet")):
            name = s.get("name", "")
            self.order.append(name)
            rid = s.get(q(REL, "id"), "")
            if rid in targets:
                self.parts[name] = targets[rid]
        self._sheets: dict[str, Sheet] = {}
        sst = pkg.related(self.part, T_SHARED_STRINGS)
        self.strings = SharedStrings(pkg, sst[0][1] if sst else None)
        styles = pkg.related(self.part, T_STYLES)
        if not styles:
            raise Unpatchable("no styles part")
        self.styles = Styles(pkg, styles[0][1])

    def changed(self) -> None:
        self.pkg.touch(self.part, self.root)

    def sheet(self, name: str) -> Sheet | None:
        if name not in self.parts:
            return None
        if name not in self._sheets:
            self._sheets[name] = Sheet(self.pkg, name, self.parts[name])
        return self._sheets[name]

    def _names(self) -> Any:
        found = self.root.find(m("definedNames"))
        if found is None:
            found = etree.Element(m("definedNames"))
            insert_ordered(self.root, found, WORKBOOK_ORDER, "calcPr")
        return found

    def set_local_name(self, name: str, sheet: str, value: str) -> None:
        """Set the sheet-scoped defined name ``name`` (e.g. _xlnm.Print_Area) of ``sheet``."""
        index = str(self.order.index(sheet))
        names = self._names()
        for dn in list(names):
            if dn.get("name") == name and dn.get("localSheetId") == index:
                names.remove(dn)
        dn = etree.SubElement(names, m("definedName"), name=name, localSheetId=index)
        dn.text = value
        self.changed()

    def put_sheet(self, name: str, position: int, data: bytes) -> None:
        """Worksheet ``name`` given the whole serialised content ``data``: in its place (its notes
        dropped) if the workbook has it, else added at ``position`` (0-based)."""
        if name in self.parts:
            part = self.parts[name]
            for rid, _ in self.pkg.related(part, T_COMMENTS) + self.pkg.related(part, T_VML):
                self.pkg.unrelate(part, rid)
        else:
            part = self._add_sheet(name, position)
        self.pkg.put(part, data)
        self._sheets.pop(name, None)  # a tree read before is the old content

    def _add_sheet(self, name: str, position: int) -> str:
        """The part of a new worksheet named ``name`` at ``position`` (0-based) among the sheets."""
        part = self.pkg.free_name("xl/worksheets/sheet{}.xml")
        self.pkg.content_type(part, CT_WORKSHEET)
        rid = self.pkg.relate(self.part, T_WORKSHEET, part)
        ids = [int(s.get("sheetId", "0")) for s in self.sheets_el if s.get("sheetId", "").isdigit()]
        el = etree.Element(m("sheet"), name=name, sheetId=str(max(ids, default=0) + 1), nsmap=R_PREFIX)
        el.set(q(REL, "id"), rid)
        position = min(position, len(self.order))
        self.sheets_el.insert(position, el)
        for dn in self.root.iterfind(f"{m('definedNames')}/{m('definedName')}"):
            local = dn.get("localSheetId")
            if local is not None and local.isdigit() and int(local) >= position:
                dn.set("localSheetId", str(int(local) + 1))
        for view in self.root.iterfind(f"{m('bookViews')}/{m('workbookView')}"):
            for attr in ("activeTab", "firstSheet"):
                v = view.get(attr)
                if v is not None and v.isdigit() and int(v) >= position:
                    view.set(attr, str(int(v) + 1))
        self.order.insert(position, name)
        self.parts[name] = part
        self.changed()
        return part

    def save(self) -> bytes:
        """The package with every edit, those of the sheets held as text included."""
        for sheet in self._sheets.values():
            sheet.flush()
        return self.pkg.save()

    def recalculate_on_open(self) -> None:
        calc = self.root.find(m("calcPr"))
        if calc is None:
            calc = etree.Element(m("calcPr"))
            insert_ordered(self.root, calc, WORKBOOK_ORDER, "calcPr")
        calc.set("fullCalcOnLoad", "1")
        self.changed()


# --- comments and their shapes ------------------------------------------------------------


class Notes:
    """A sheet's comments part and the note shapes of its legacy drawing, edited together."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet, self.pkg = sheet, sheet.pkg
        if sheet.pkg.related(sheet.part, T_THREADED):
            raise Unpatchable(f"{sheet.part}: threaded comments")
        found = sheet.pkg.related(sheet.part, T_COMMENTS)
        self.part = found[0][1] if found else None
        self.rid = found[0][0] if found else None
        self.root = sheet.pkg.xml(self.part) if self.part else None
        self.drawing = sheet.legacy_drawing()
        self.vml = sheet.pkg.xml(self.drawing[1]) if self.drawing else None

    def authors(self) -> dict[str, str]:
        """Cell reference → author of its comment."""
        if self.root is None:
            return {}
        names = [a.text or "" for a in self.root.iterfind(f"{m('authors')}/{m('author')}")]
        out = {}
        for c in self.root.iterfind(f"{m('commentList')}/{m('comment')}"):
            k = int(c.get("authorId", "0"))
            out[c.get("ref", "")] = names[k] if 0 <= k < len(names) else ""
        return out

    def replace(self, remove: set[str], add: dict[str, tuple[str, int, int]], author: str) -> None:
        """Drop the comments at the cells ``remove`` names; add ``add`` (cell → text, width, height)
        by ``author``."""
        gone = remove | set(add)
        if self.root is None and not add:
            return
        if self.root is None and self.vml is None and SPLICE:
            self._first_notes(add, author)
            return
        if self.root is None:
            self._create_part()
        assert self.root is not None
        authors = self.root.find(m("authors"))
        if authors is None:
            authors = etree.Element(m("authors"))
            self.root.insert(0, authors)
        listing = self.root.find(m("commentList"))
        if listing is None:
            listing = etree.SubElement(self.root, m("commentList"))
        for c in list(listing):
            if c.get("ref") in gone:
                listing.remove(c)
        names = [a.text for a in authors]
        if add and author not in names:
            etree.SubElement(authors, m("author")).text = author
            names.append(author)
        for ref, (text, _, _) in add.items():
            c = etree.SubElement(listing, m("comment"), ref=ref, authorId=str(names.index(author)))
            t = etree.SubElement(etree.SubElement(c, m("text")), m("t"))
            t.text = text
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        listing[:] = sorted(listing, key=lambda c: _ref_key(c.get("ref")))
        assert self.part is not None
        self.pkg.touch(self.part, self.root)
        self._shapes(gone, add)
        if len(listing) == 0:
            self._drop_part()

    def _first_notes(self, add: dict[str, tuple[str, int, int]], author: str) -> None:
        """A sheet's first notes, with their drawing: both parts written as text, byte for byte what
        the tree would write (a sheet's notes are new on a clerk's first 校验 and on every fresh file
        of a batch)."""
        comments = "".join(
            f'<comment ref="{xmltext.attribute(ref)}" authorId="0"><text><t xml:space="preserve">'
            f"{xmltext.text(text)}</t></text></comment>"
            for ref, (text, _, _) in sorted(add.items(), key=lambda item: _ref_key(item[0]))
        )
        self._create_part(
            DECLARATION
            + f'<comments xmlns="{MAIN}"><authors><author>{xmltext.text(author)}</author></authors>'
            f"<commentList>{comments}</commentList></comments>".encode()
        )
        self._create_drawing(add)

    def _create_part(self, data: bytes | None = None) -> None:
        """The sheet's comments part: empty (a tree) or ``data``."""
        self.part = self.pkg.free_name("xl/comments{}.xml")
        if data is None:
            self.root = etree.Element(m("comments"), nsmap={None: MAIN})
            self.pkg.touch(self.part, self.root)
        else:
            self.pkg.put(self.part, data)
        self.pkg.content_type(self.part, CT_COMMENTS)
        self.rid = self.pkg.relate(self.sheet.part, T_COMMENTS, self.part)

    def _drop_part(self) -> None:
        assert self.part is not None and self.rid is not None
        self.pkg.unrelate(self.sheet.part, self.rid)
        self.pkg.content_type(self.part, None)
        self.pkg.remove(self.part)

    def _shapes(self, gone: set[str], add: dict[str, tuple[str, int, int]]) -> None:
        if self.vml is None:
            if not add:
                return
            self._create_drawing()
        assert self.vml is not None and self.drawing is not None
        cells = {split_ref(ref) for ref in gone}
        for shape in list(self.vml.iter(q(VML, "shape"))):
            data = shape.find(q(EXCEL, "ClientData"))
            if data is None or data.get("ObjectType") != "Note":
                continue
            row, col = data.findtext(q(EXCEL, "Row")), data.findtext(q(EXCEL, "Column"))
            numbers = (row or "").strip(), (col or "").strip()
            if all(n.isdigit() for n in numbers) and (int(numbers[0]) + 1, int(numbers[1]) + 1) in cells:
                shape.getparent().remove(shape)
        if add and self.vml.find(f"{q(VML, 'shapetype')}[@id='_x0000_t202']") is None:
            self.vml.append(_note_shapetype())
        ids = [int(x) for x in _SHAPE_ID.findall(etree.tostring(self.vml).decode("utf-8", "replace"))]
        next_id = max(ids, default=1024 * self._block()) + 1
        for ref, (_, width, height) in add.items():
            self.vml.append(_note_shape(next_id, ref, width, height))
            next_id += 1
        self.pkg.touch(self.drawing[1], self.vml)
        if not any(True for _ in self.vml.iter(q(VML, "shape"))):
            self.sheet.remove_legacy_drawing()
            self.pkg.unrelate(self.sheet.part, self.drawing[0])
            self.pkg.remove(self.drawing[1])

    def _block(self) -> int:
        assert self.vml is not None
        idmap = self.vml.find(f"{q(OFFICE, 'shapelayout')}/{q(OFFICE, 'idmap')}")
        data = (idmap.get("data") or "1") if idmap is not None else "1"
        first = data.split(",")[0].strip()
        return int(first) if first.isdigit() else 1

    def _create_drawing(self, notes: dict[str, tuple[str, int, int]] | None = None) -> None:
        """The sheet's legacy drawing, in a block of shape ids of its own: with the shape type of
        notes (a tree), or with the shapes of ``notes`` too (text)."""
        used = self.pkg.shape_blocks()
        block = max(used, default=0) + 1
        used.add(block)
        part = self.pkg.free_name("xl/drawings/vmlDrawing{}.vml")
        head = f'<o:shapelayout v:ext="edit"><o:idmap data="{block}" v:ext="edit"/></o:shapelayout>'
        if notes is None:
            self.vml = _vml(head + _SHAPETYPE)
            self.pkg.touch(part, self.vml)
        else:
            shapes = "".join(
                _shape_text(1024 * block + k, ref, width, height)
                for k, (ref, (_, width, height)) in enumerate(notes.items(), start=1)
            )
            self.pkg.put(part, f"<xml {_VML_DECLARED}>{head}{_SHAPETYPE}{shapes}</xml>".encode())
        self.pkg.default_type("vml", CT_VML)
        rid = self.pkg.relate(self.sheet.part, T_VML, part)
        self.sheet.add_legacy_drawing(rid)
        self.drawing = (rid, part)


# A note's shape type and shape as Excel and openpyxl write them (Excel places the note beside its
# cell): written as text into a new drawing, parsed into a tree for one that has shapes already.
_VML_DECLARED = " ".join(f'xmlns:{prefix}="{ns}"' for prefix, ns in VML_PREFIXES.items())
_SHAPETYPE = (
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" path="m,l,21600r21600,l21600,xe" o:spt="202">'
    '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
)


def _shape_text(number: int, ref: str, width: int, height: int) -> str:
    row, col = split_ref(ref)
    return (
        f'<v:shape id="_x0000_s{number}" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;'
        f'margin-top:1.5pt;width:{width}px;height:{height}px;z-index:1;visibility:hidden" fillcolor="#ffffe1"'
        ' o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow color="black" obscured="t"/>'
        '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"/>'
        '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
        f"<x:AutoFill>False</x:AutoFill><x:Row>{row - 1}</x:Row><x:Column>{col - 1}</x:Column></x:ClientData>"
        "</v:shape>"
    )


def _vml(fragment: str) -> Any:
    """A drawing's root holding ``fragment`` (VML elements under the prefixes Excel reads)."""
    return etree.fromstring(f"<xml {_VML_DECLARED}>{fragment}</xml>", _parser())


def _note_shapetype() -> Any:
    return _vml(_SHAPETYPE)[0]


def _note_shape(number: int, ref: str, width: int, height: int) -> Any:
    """A hidden note's shape (``_shape_text``), to put into a drawing's tree."""
    return _vml(_shape_text(number, ref, width, height))[0]
