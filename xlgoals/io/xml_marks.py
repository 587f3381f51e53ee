"""The marks of ``xlgoals.marks`` written straight into an .xlsx/.xlsm package (``xlgoals.io.ooxml``).

Only the parts 校验 changes are rewritten — the sheets it marks, the styles, the marked sheets'
comments and their VML shapes, 校验结果, the hidden _xlgoals sheet, the workbook's print names and
the custom document properties. Every other part (the VBA project, the buttons' drawings, charts,
pictures, slicers, extensions openpyxl does not know) is copied as it is; a workbook is never loaded
into a model and saved again. So a clerk's workbook comes back whole, and marking costs a parse of
the small parts that change, not a read of everything: the marks on a sheet are spliced into its text
(``xlgoals.io.sheet_text``, through ``ooxml.Sheet``), and the parts made new (校验结果, a sheet's first
notes and their drawing) are written as text. For a package the editor does not handle it raises
``Unpatchable``; ``xlgoals.annotate`` then marks through openpyxl.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache, partial

from lxml import etree

from xlgoals import layout as L
from xlgoals import printing
from xlgoals.findings import Finding
from xlgoals.io.namespaces import CUSTOM, MAIN, VT
from xlgoals.io.namespaces import REL as REL_NS
from xlgoals.io.ooxml import (
    CT_CUSTOM,
    CUSTOM_FMTID,
    DECLARATION,
    REF,
    T_CUSTOM,
    Notes,
    Package,
    SharedStrings,
    Sheet,
    Unpatchable,
    Workbook,
    cell_value,
    m,
    q,
    split_ref,
)
from xlgoals.io.xmltext import attribute, text
from xlgoals.marks import cell_marks, fill, footer_formulas, link_target, note_text, result_rows, worst
from xlgoals.safetext import xml_safe

__all__ = ["Unpatchable", "annotate"]


def _custom_properties(pkg: Package, properties: dict[str, str]) -> None:
    """Add each custom document property the package does not have yet."""
    found = pkg.related("", T_CUSTOM)
    if found:
        part = found[0][1]
        root = pkg.xml(part)
    else:
        part = "docProps/custom.xml"
        root = etree.Element(q(CUSTOM, "Properties"), nsmap={None: CUSTOM, "vt": VT})
        pkg.content_type(part, CT_CUSTOM)
        pkg.relate("", T_CUSTOM, part)
    have = {p.get("name") for p in root}
    pids = [int(p.get("pid", "1")) for p in root if p.get("pid", "").isdigit()]
    for name, value in properties.items():
        if name in have:
            continue
        prop = etree.SubElement(
            root, q(CUSTOM, "property"), fmtid=CUSTOM_FMTID, pid=str(max(pids, default=1) + 1), name=name
        )
        pids.append(int(prop.get("pid")))
        etree.SubElement(prop, q(VT, "lpwstr"), nsmap={"vt": VT}).text = value  # vt:, declared if need be
    pkg.touch(part, root)


def _meta_rows(sheet: Sheet, strings: SharedStrings) -> list[tuple[str, str]]:
    """The (sheet, cell) of every mark the last 校验 recorded, and drop those rows."""
    if L.MARK_KEY not in sheet.column_a(strings):
        return []  # none (a workbook's first 校验): the sheet need not be parsed
    out = []
    shift = 0
    for r, row in list(sheet.rows().items()):
        cells = list(row.iterchildren(m("c")))
        values = [cell_value(c, strings) for c in cells]
        if values and values[0] == L.MARK_KEY:
            if len(values) >= 3 and isinstance(values[1], str) and isinstance(values[2], str):
                out.append((values[1], values[2]))
            sheet.data.remove(row)
            shift += 1
            continue
        if shift:
            row.set("r", str(r - shift))
            for c in cells:
                ref = c.get("r")
                if ref:
                    rr, cc = split_ref(ref)
                    c.set("r", f"{L.column_letter(cc)}{rr - shift}")
    if out or shift:
        sheet.forget_rows()
        sheet.changed()
    return out


@lru_cache(maxsize=4096)  # a report repeats its rules' messages and fixes on row after row
def _cell_text(value: str) -> str:
    """``value`` as an inline string's content: what XML cannot hold replaced, the rest escaped."""
    return text(xml_safe(value))


def _row_xml(r: int, cells: Sequence[tuple[str, int]], extra: str = "") -> str:
    """Row ``r`` of text cells (value, style) from column A, as XML text ("" leaves a cell blank)."""
    out = [f'<row r="{r}"{extra}>']
    for k, (value, style) in enumerate(cells, start=1):
        s = f' s="{style}"' if style else ""
        ref = f"{L.column_letter(k)}{r}"
        if value:
            out.append(
                f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_cell_text(value)}</t></is></c>'
            )
        else:
            out.append(f'<c r="{ref}"{s}/>')
    out.append("</row>")
    return "".join(out)


def _results_sheet(wb: Workbook, findings: Sequence[Finding], labels: dict[int, str]) -> None:
    """校验结果 written anew: one row per finding, linked to its cell. The sheet is made whole
    as text (it is new every time; building it as a tree cost a fifth of marking a workbook)."""
    spec = L.RESULTS
    if L.RESULTS_SHEET in wb.order and L.RESULTS_SHEET not in wb.parts:
        raise Unpatchable("the results sheet is a chart sheet")
    st = wb.styles
    head = st.derive(0, fill=st.solid_fill(L.HEADER_FILL.lstrip("#")), font=st.font(bold=True, name=L.FONT))
    link_font = st.font(color=L.LINK_COLOR, underline=True)
    top_left = f"A{spec.freeze_rows + 1}"
    out = [
        f'<worksheet xmlns="{MAIN}" xmlns:r="{REL_NS}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
        f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{spec.freeze_rows}" topLeftCell="{top_left}"'
        f' activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="{top_left}"'
        f' sqref="{top_left}"/></sheetView></sheetViews><cols>',
        *(
            f'<col min="{k}" max="{k}" width="{width}" customWidth="1"/>'
            for k, width in enumerate(spec.widths, start=1)
        ),
        "</cols><sheetData>",
        _row_xml(1, [(label, head) for label in spec.columns]),
    ]
    body = {k: st.derive(0, wrap=k >= spec.wrap_from, top=True) for k in range(1, len(spec.columns) + 1)}
    body[spec.link_column] = st.derive(0, font=link_font, wrap=spec.link_column >= spec.wrap_from, top=True)
    severity = {
        f.severity: st.derive(0, fill=st.solid_fill(fill(f.severity)), wrap=spec.wrap_from <= 1, top=True)
        for f in findings
    }
    links = []
    for r, (f, row) in enumerate(zip(findings, result_rows(findings, labels), strict=True), start=2):
        cells = [(v, severity[f.severity] if k == 1 else body[k]) for k, v in enumerate(row, start=1)]
        height = printing.row_height(
            [v if k >= spec.wrap_from else "" for k, v in enumerate(row, start=1)], spec.widths
        )
        out.append(_row_xml(r, cells, f' ht="{height:g}" customHeight="1"'))
        target = link_target(f)
        if target is not None:
            ref = f"{L.column_letter(spec.link_column)}{r}"
            display = xml_safe(row[spec.link_column - 1])
            links.append(
                f'<hyperlink ref="{ref}" location="{attribute(target)}" display="{attribute(display)}"/>'
            )
    if not findings:
        out.append(_row_xml(spec.freeze_rows + 1, [(spec.empty, 0)]))
    out.append("</sheetData>")
    if links:
        out += ["<hyperlinks>", *links, "</hyperlinks>"]
    out.append(
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        f'<pageSetup paperSize="{spec.page.paper}" orientation="{"landscape" if spec.page.landscape else "portrait"}"'
        f' fitToWidth="{spec.page.fit_width}" fitToHeight="{spec.page.fit_height}"/></worksheet>'
    )
    wb.put_sheet(L.RESULTS_SHEET, spec.position, DECLARATION + "".join(out).encode("utf-8"))
    wb.set_local_name(
        "_xlnm.Print_Titles", L.RESULTS_SHEET, f"{L.quote_sheet(L.RESULTS_SHEET)}!$1:${spec.freeze_rows}"
    )


def annotate(
    data: bytes, findings: Sequence[Finding], labels: dict[int, str], properties: dict[str, str]
) -> bytes:
    """The package ``data`` with 校验's marks for ``findings``: the earlier marks cleared, each
    located finding's cell filled and noted, the results sheet rewritten, each project sheet's
    表内校验 row saying what was found, and ``properties`` added to the custom document properties."""
    pkg = Package(data)
    wb = Workbook(pkg)
    st = wb.styles
    marks = {key: fs for key, fs in cell_marks(findings).items() if key[0] in wb.parts}
    meta = wb.sheet(L.META_SHEET)
    earlier = _meta_rows(meta, wb.strings) if meta is not None else []

    by_sheet: dict[str, tuple[set[str], dict[str, tuple[str, int, int]]]] = {}
    for sheet_name, ref in dict.fromkeys(earlier):  # each once (a cell restyled twice settles its text)
        sheet = wb.sheet(sheet_name)
        if sheet is None or not REF.match(ref) or sheet.merged_inside(ref) or (sheet_name, ref) in marks:
            continue
        sheet.restyle(ref, partial(st.derive, fill=0))
        by_sheet.setdefault(sheet_name, (set(), {}))[0].add(ref)

    width, base, per, cap = L.NOTE_SIZE
    recorded: list[tuple[str, str]] = []
    for (sheet_name, ref), fs in marks.items():
        sheet = wb.sheet(sheet_name)
        assert sheet is not None
        if sheet.merged_inside(ref):
            continue
        shade = st.solid_fill(fill(worst(fs)))
        sheet.restyle(ref, partial(st.derive, fill=shade))
        by_sheet.setdefault(sheet_name, (set(), {}))[1][ref] = (
            xml_safe(note_text(fs)),
            width,
            min(base + per * len(fs), cap),
        )
        recorded.append((sheet_name, ref))

    for sheet_name, (cleared, added) in by_sheet.items():
        sheet = wb.sheet(sheet_name)
        assert sheet is not None
        notes = Notes(sheet)
        ours = {ref for ref, who in notes.authors().items() if who == L.NOTE_AUTHOR}
        notes.replace(cleared & ours, added, L.NOTE_AUTHOR)

    _results_sheet(wb, findings, labels)

    projects = [s for name in wb.order if name not in L.RESERVED_SHEETS and (s := wb.sheet(name)) is not None]
    column_a = {s.name: s.column_a(wb.strings) for s in projects}  # reserved sheets are never parsed
    for name, (row, formula) in footer_formulas(column_a, findings).items():
        sheet = wb.sheet(name)
        assert sheet is not None
        sheet.set_formula(L.cell_name(2, row), formula)
        sheet.set_attribute("pageSetup", "cellComments", "atEnd")
        flag = L.column_letter(L.PROJECT.flag_column)
        wb.set_local_name("_xlnm.Print_Area", name, f"{L.quote_sheet(name)}!$A$1:${flag}${row}")
    if column_a:
        wb.recalculate_on_open()

    if meta is not None and recorded:
        start = meta.last_row() + 1
        styles = [meta.column_style(col) for col in (1, 2, 3)]
        rows = [
            _row_xml(r, list(zip(values, styles, strict=True)))
            for r, values in enumerate(((L.MARK_KEY, *key) for key in recorded), start=start)
        ]
        meta.append_rows("".join(rows))  # below every row
    _custom_properties(pkg, properties)
    return wb.save()
