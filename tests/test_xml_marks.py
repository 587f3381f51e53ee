"""Annotated copies written as XML edits of the package (xlgoals/io/xml_marks.py): the same marks
openpyxl's load-and-save writes, read back by openpyxl; every part 校验 does not change kept byte for
byte (VBA, buttons, parts openpyxl drops); valid where Excel is strict (element order, declared
prefixes, unique shape ids); and the openpyxl path taken for a package the editor does not handle."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from tests.helpers import covering, seed_workbook
from tests.openpyxl_reading import load_for_reading
from xlgoals import layout as L
from xlgoals.annotate import ANNOTATED_MARK, annotate_bytes
from xlgoals.check import check_file
from xlgoals.findings import Finding
from xlgoals.io import ooxml, openpyxl_marks, xml_marks, zipout
from xlgoals.model import Location
from xlgoals.template.builder import build_bytes


def _checked(tmp_path: Path, name: str, data: bytes) -> tuple[bytes, list[Finding], dict[int, str]]:
    path = tmp_path / name
    path.write_bytes(data)
    result, doc = check_file(path)
    return data, list(result.findings), {t.index: t.label for t in doc.tables}


def _view(data: bytes) -> dict[str, object]:
    """What a person sees of 校验's marks, read by openpyxl: fills, notes, results, links, print setup."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_for_reading(io.BytesIO(data))
    out: dict[str, object] = {"sheets": wb.sheetnames}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                rgb = c.fill.fgColor.rgb if c.fill.fill_type == "solid" else None
                note = (c.comment.text, c.comment.author, c.comment.height) if c.comment else None
                if rgb or note:
                    cells[c.coordinate] = (rgb[-6:] if isinstance(rgb, str) else rgb, note)
        out[ws.title] = cells
        out[f"{ws.title} print"] = (ws.print_area, ws.page_setup.cellComments)
        out[f"{ws.title} footer"] = [c.value for c in ws["B"] if str(c.value).startswith("=IF(")]
    results = wb[L.RESULTS_SHEET]
    out["results"] = [[c.value for c in row] for row in results.iter_rows()]
    out["links"] = [
        (c.coordinate, c.hyperlink.location) for row in results.iter_rows() for c in row if c.hyperlink
    ]
    out["results look"] = [
        (c.coordinate, c.font.b, c.font.u, c.alignment.wrap_text, c.alignment.vertical)
        for row in results.iter_rows(max_row=3)
        for c in row
    ]
    out["results page"] = (
        results.freeze_panes,
        results.page_setup.orientation,
        results.print_title_rows,
        [results.column_dimensions[L.column_letter(k)].width for k in range(1, 7)],
        [results.row_dimensions[r].height for r in range(2, 5)],
    )
    out["meta"] = [[c.value for c in row] for row in wb[L.META_SHEET].iter_rows()]
    out["properties"] = [(p.name, p.value) for p in wb.custom_doc_props]
    return out


def mark_with_openpyxl(
    data: bytes, xlsm: bool, findings: list[Finding], labels: dict[int, str], name: str
) -> bytes:
    """The same marks through openpyxl's load and save, as annotate_bytes falls back to them."""
    return openpyxl_marks.annotate(data, xlsm, findings, labels, {ANNOTATED_MARK: name})


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.fixture(scope="module")
def workbooks(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[bytes, list[Finding], dict[int, str]]]:
    tmp = tmp_path_factory.mktemp("wb")
    return {
        "000": _checked(tmp, "000.xlsx", seed_workbook("000")),
        # 001's tables that between them have a finding of every rule its 44 projects have (8 of them)
        "001": _checked(tmp, "001.xlsx", build_bytes(covering("001"))),
        "xlsm": _checked(tmp, "000.xlsm", seed_workbook("000", macros=True)),
    }


@pytest.mark.parametrize("name", ["000", "001", "xlsm"])
def test_the_marks_are_the_ones_openpyxl_writes_first_and_second_time(workbooks, name):
    data, findings, labels = workbooks[name]
    assert findings
    xlsm = name == "xlsm"
    edited = xml_marks.annotate(data, findings, labels, {ANNOTATED_MARK: "x"})
    saved = mark_with_openpyxl(data, xlsm, findings, labels, "x")
    assert _view(edited) == _view(saved)
    if name == "001":
        return  # every rule's marks: the first time is the point (openpyxl's load and save cost seconds)
    # pressed again after fixing all but two findings: the earlier marks go, the two stay
    again = xml_marks.annotate(edited, findings[:2], labels, {ANNOTATED_MARK: "x"})
    assert _view(again) == _view(mark_with_openpyxl(saved, xlsm, findings[:2], labels, "x"))
    assert _noted(again) == {
        (f.location.sheet, f.location.cell) for f in findings[:2] if f.location and f.location.cell
    }
    assert len(_noted(edited)) > 2


MARKUP = "a&b <c> \"d\" 'e' ]]> x\r\ny\tz"  # every character XML escapes, and the line breaks it keeps
SHEET = "A&B \"x\" <y> 'z'"  # a sheet name can hold these (a link's location is an attribute)


def test_texts_with_markup_characters_come_back_as_they_were(workbooks):
    """The results sheet is written as text: what XML must escape, in a message, a fix or a project's
    label, reads back (openpyxl) exactly as openpyxl's own marks write it."""
    data, findings, labels = workbooks["000"]
    crafted = [
        f.model_copy(update={"message": f"{MARKUP}{k}", "hint": MARKUP}) if k < 3 else f
        for k, f in enumerate(findings)
    ]
    crafted[3] = crafted[3].model_copy(update={"location": Location(sheet=SHEET, cell="C4")})  # in a link
    crafted_labels = {k: f"{label}{MARKUP}" for k, label in labels.items()}
    edited = xml_marks.annotate(data, crafted, crafted_labels, {ANNOTATED_MARK: "x"})
    view = _view(edited)
    assert view == _view(mark_with_openpyxl(data, False, crafted, crafted_labels, "x"))
    rows = view["results"]
    assert isinstance(rows, list)
    assert [row[4] for row in rows[1:4]] == [f"{MARKUP}{k}" for k in range(3)]
    assert {row[2] for row in rows[1:]} <= {*crafted_labels.values(), "文档"}
    assert any(MARKUP in row[2] for row in rows[1:])
    assert ("D5", f"{L.quote_sheet(SHEET)}!C4") in view["links"]


def test_no_findings_says_so_on_the_results_sheet(workbooks):
    data, findings, labels = workbooks["000"]
    marked = xml_marks.annotate(data, findings, labels, {ANNOTATED_MARK: "x"})
    cleared = xml_marks.annotate(marked, [], labels, {ANNOTATED_MARK: "x"})  # all fixed, 校验 pressed again
    view = _view(cleared)
    assert view == _view(mark_with_openpyxl(marked, False, [], labels, "x"))
    assert view["results"] == [list(L.RESULTS.columns), [L.RESULTS.empty, None, None, None, None, None]]
    assert view["links"] == [] and _noted(cleared) == set()


def _noted(data: bytes) -> set[tuple[str, str]]:
    """The cells carrying a note of 校验's."""
    return {
        (sheet, cell)
        for sheet, cells in _view(data).items()
        if isinstance(cells, dict)
        for cell, (_, note) in cells.items()
        if note is not None and note[1] == L.NOTE_AUTHOR
    }


def test_every_part_it_does_not_change_is_kept_byte_for_byte(workbooks):
    data, findings, labels = workbooks["xlsm"]
    annotated = annotate_bytes(data, True, findings, labels, "000.xlsm")
    before, after = _parts(data), _parts(annotated)
    changed = {n for n in before if before[n] != after.get(n)}
    wb = ooxml.Workbook(ooxml.Package(data))
    marked = {f.location.sheet for f in findings if f.location}
    kept = [
        n for n in wb.order if n in L.RESERVED_SHEETS and n not in {L.RESULTS_SHEET, L.META_SHEET, *marked}
    ]
    assert L.LIST_SHEET in kept
    for name in kept:  # the guide, the list with its buttons, the hidden lists and settings
        sheet = wb.sheet(name)
        assert sheet is not None and sheet.part not in changed, name
        drawing = sheet.legacy_drawing()
        assert drawing is None or drawing[1] not in changed, name
    for name in ("xl/vbaProject.bin", "xl/sharedStrings.xml", "xl/theme/theme1.xml", "docProps/app.xml"):
        assert name in before and name not in changed, name
        assert _stored(annotated, name) == _stored(data, name), name  # copied, not compressed again
    # new: the notes of each marked sheet (with a drawing where it had none) and the custom
    # properties that say the copy is xlgoals'
    new = set(after) - set(before)
    allowed = r"xl/comments\d+\.xml|xl/drawings/vmlDrawing\d+\.vml|xl/worksheets/_rels/sheet\d+\.xml\.rels|docProps/custom\.xml"
    assert new and all(re.fullmatch(allowed, n) for n in new), new


def _stored(package: bytes, name: str) -> bytes | None:
    """Part ``name`` of the package as its bytes are stored (compressed) there."""
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        found = zipout.copied(package, z.getinfo(name))
    return found.data if found else None


def test_a_part_that_cannot_be_copied_as_it_is_is_compressed_anew(workbooks):
    """A member compressed by another method than deflate (bzip2 here) cannot be copied into a zip
    written with deflate's headers: it is read and compressed again, and comes back the same."""
    data, findings, labels = workbooks["000"]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            method = zipfile.ZIP_BZIP2 if info.filename == "docProps/app.xml" else zipfile.ZIP_DEFLATED
            z.writestr(info.filename, src.read(info), compress_type=method)
    marked = xml_marks.annotate(out.getvalue(), findings, labels, {})
    assert _parts(marked)["docProps/app.xml"] == _parts(data)["docProps/app.xml"]
    with zipfile.ZipFile(io.BytesIO(marked)) as z:
        assert z.testzip() is None
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_DEFLATED}


def test_parts_openpyxl_would_drop_survive(workbooks):
    """A custom XML part and an x14 extension list (Excel's cross-sheet dropdowns) on a project sheet."""
    data, findings, labels = workbooks["000"]
    parts = _parts(data)
    sheet = next(f.location.sheet for f in findings if f.location and f.location.cell)
    wb = etree.fromstring(parts["xl/workbook.xml"])
    rels = etree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    ns = {"m": ooxml.MAIN}
    rid = wb.xpath("//m:sheet[@name=$n]/@r:id", namespaces={**ns, "r": ooxml.REL}, n=sheet)[0]
    part = "xl/" + next(r.get("Target") for r in rels if r.get("Id") == rid)
    ext = (
        b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
        b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        b'<x14:dataValidations count="0" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"/></ext></extLst>'
    )
    parts[part] = parts[part].replace(b"</worksheet>", ext + b"</worksheet>")
    parts["customXml/item1.xml"] = b'<?xml version="1.0"?><budget xmlns="urn:example">kept</budget>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    after = _parts(xml_marks.annotate(out.getvalue(), findings, labels, {}))
    assert after["customXml/item1.xml"] == parts["customXml/item1.xml"]
    assert b"x14:dataValidations" in after[part] and after[part].rstrip().endswith(b"</extLst></worksheet>")


def _order(part: bytes) -> list[int]:
    root = etree.fromstring(part)
    rank = {n: k for k, n in enumerate(ooxml.WORKSHEET_ORDER)}
    return [rank[etree.QName(c).localname] for c in root if isinstance(c.tag, str)]


def test_what_it_writes_is_in_the_order_excel_requires(workbooks, tmp_path):
    data, findings, labels = workbooks["000"]
    # a workbook without the results sheet: it is created in its place, and the names follow it
    no_results = _without_results_sheet(data)
    after = _parts(xml_marks.annotate(no_results, findings, labels, {}))
    for name, part in after.items():
        if name.startswith("xl/worksheets/sheet"):
            order = _order(part)
            assert order == sorted(order), name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(io.BytesIO(xml_marks.annotate(no_results, findings, labels, {})))
    assert wb.sheetnames.index(L.RESULTS_SHEET) == L.RESULTS.position
    assert wb[L.RESULTS_SHEET].print_title_rows == "$1:$1"
    projects = [ws for ws in wb.worksheets if ws.title not in L.RESERVED_SHEETS]
    assert projects and all(ws.print_area and ws.title in ws.print_area for ws in projects)


def test_the_same_marks_whether_or_not_openpyxl_was_loaded(workbooks, tmp_path):
    """openpyxl, once imported, names namespaces for lxml in every tree of the process; a mark written
    without it loaded (a worker that only marks) is the same, prefixes included."""
    data = workbooks["000"][0]
    src = tmp_path / "000.xlsx"
    src.write_bytes(_without_results_sheet(data))  # 校验结果 added, with its r:id, and new drawings
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from xlgoals.annotate import annotate_bytes\n"
        "from xlgoals.check import check_file\n"
        "src = Path(sys.argv[1])\n"
        "result, doc = check_file(src)\n"
        "labels = {t.index: t.label for t in doc.tables}\n"
        "out = annotate_bytes(src.read_bytes(), False, result.findings, labels, src.name)\n"
        "assert 'openpyxl' not in sys.modules\n"
        "Path(sys.argv[2]).write_bytes(out)\n"
    )
    alone = tmp_path / "alone.xlsx"
    subprocess.run([sys.executable, "-c", probe, str(src), str(alone)], check=True, timeout=120)
    assert "openpyxl" in sys.modules
    result, doc = check_file(src)
    assert doc is not None
    here = annotate_bytes(
        src.read_bytes(), False, result.findings, {t.index: t.label for t in doc.tables}, src.name
    )
    assert _parts(alone.read_bytes()) == _parts(here)


def _without_results_sheet(data: bytes) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(io.BytesIO(data))
    del wb[L.RESULTS_SHEET]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("name", ["001", "xlsm"])
def test_every_drawing_has_its_own_block_of_shape_ids(workbooks, name):
    """Each marked sheet without a drawing gets one; like Excel, each drawing claims its own block of
    shape ids (o:idmap), beside each other and beside the buttons' drawing, so no two shapes share an id."""
    data, findings, labels = workbooks[name]
    marked = annotate_bytes(data, name == "xlsm", findings, labels, "x")
    drawings = [part for n, part in _parts(marked).items() if n.endswith(".vml")]
    assert len(drawings) >= 3
    blocks = [b for part in drawings for b in re.findall(rb'idmap[^>]*data="([0-9, ]+)"', part)]
    ids = [i for part in drawings for i in re.findall(rb'id="_x0000_s(\d+)"', part)]
    assert len(blocks) == len(drawings) == len(set(blocks)), blocks
    assert len(ids) == len(set(ids))
    for part in drawings:  # every shape's id lies in its drawing's block
        (block,) = re.findall(rb'idmap[^>]*data="(\d+)"', part)
        assert {int(i) // 1024 for i in re.findall(rb'id="_x0000_s(\d+)"', part)} <= {int(block)}


def test_notes_share_the_drawing_with_the_buttons_and_go_when_fixed(workbooks):
    data, findings, labels = workbooks["xlsm"]
    located = [f for f in findings if f.location and f.location.cell]
    sheet = next(
        s for s in {f.location.sheet for f in located if f.location} if s and b'"Button"' in _vml_of(data, s)
    )
    first = xml_marks.annotate(data, located, labels, {})
    vml = _vml_of(first, sheet)
    assert b'ObjectType="Button"' in vml and b'ObjectType="Note"' in vml
    ids = re.findall(rb'id="(_x0000_s\d+)"', vml)
    assert len(ids) == len(set(ids))
    second = xml_marks.annotate(first, [], labels, {})
    vml = _vml_of(second, sheet)
    assert b'ObjectType="Button"' in vml and b'ObjectType="Note"' not in vml
    assert not [k for k in _parts(second) if re.match(r"xl/comments\d+\.xml", k)]
    assert _view(second)[sheet] == _view(data)[sheet]  # the cells look as before the first 校验


def _vml_of(data: bytes, sheet: str) -> bytes:
    pkg = ooxml.Package(data)
    wb = ooxml.Workbook(pkg)
    s = wb.sheet(sheet)
    drawing = s.legacy_drawing() if s is not None else None
    return bytes(pkg.zip.read(drawing[1])) if drawing is not None else b""


def test_a_note_put_into_another_programs_drawing_uses_the_prefixes_excel_reads(workbooks):
    """Excel reads VML by its prefixes (v:, o:, x:). A drawing that declares o: and x: only on its
    own shapes (as another program may write it) leaves them undeclared where a note's shape goes:
    the shape declares them itself instead of taking made-up ones (ns1:, ns2:)."""
    data, findings, labels = workbooks["xlsm"]
    located = [f for f in findings if f.location and f.location.cell]
    sheet = next(
        s for s in {f.location.sheet for f in located if f.location} if s and b'"Button"' in _vml_of(data, s)
    )
    pkg = ooxml.Package(data)
    drawing = ooxml.Workbook(pkg).sheet(sheet).legacy_drawing()  # type: ignore[union-attr]
    assert drawing is not None
    o, x = (
        b'xmlns:o="urn:schemas-microsoft-com:office:office"',
        b'xmlns:x="urn:schemas-microsoft-com:office:excel"',
    )
    parts = _parts(data)
    vml = parts[drawing[1]]
    assert o in vml and x in vml
    vml = vml.replace(b" " + o, b"").replace(b" " + x, b"")  # declared on each element instead
    for tag in (b"<o:shapelayout", b"<v:shapetype", b"<v:shape "):
        vml = vml.replace(tag, tag.rstrip() + b" " + o + b" " + x + (b" " if tag.endswith(b" ") else b""))
    parts[drawing[1]] = vml
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    marked = _vml_of(xml_marks.annotate(out.getvalue(), located, labels, {}), sheet)
    assert b'ObjectType="Note"' in marked and b'ObjectType="Button"' in marked
    assert not re.search(rb"<ns\d|xmlns:ns\d| ns\d:", marked), marked[:3000]
    assert etree.fromstring(marked) is not None


def test_a_clerks_own_note_is_kept(workbooks):
    data, findings, labels = workbooks["000"]
    f = next(f for f in findings if f.location and f.location.cell)
    sheet = f.location.sheet  # type: ignore[union-attr]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(io.BytesIO(data))
    wb[sheet]["A1"].comment = openpyxl.comments.Comment("我的批注", "张三")
    out = io.BytesIO()
    wb.save(out)
    once = xml_marks.annotate(out.getvalue(), findings, labels, {})
    twice = xml_marks.annotate(once, [], labels, {})
    for data_ in (once, twice):
        assert _view(data_)[sheet]["A1"][1][:2] == ("我的批注", "张三")


def test_prefixes_excel_declares_are_kept(workbooks):
    """Excel writes mc:Ignorable="x14ac" and x14ac:dyDescent on rows: a rewrite must keep the prefix."""
    data, findings, labels = workbooks["000"]
    parts = _parts(data)
    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        parts[name] = (
            parts[name]
            .replace(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                b'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" '
                b'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"',
            )
            .replace(b'<row r="1"', b'<row x14ac:dyDescent="0.25" r="1"')
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    after = _parts(xml_marks.annotate(out.getvalue(), findings, labels, {}))
    rewritten = [n for n in after if n.startswith("xl/worksheets/sheet") and after[n] != parts.get(n)]
    assert len(rewritten) > 3
    for name in rewritten:
        part = after[name]
        if b'mc:Ignorable="x14ac"' in part:
            assert b'x14ac:dyDescent="0.25"' in part
            assert b'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"' in part
            assert part.startswith(ooxml.DECLARATION.rstrip())  # as written (text) or rewritten (tree)


def test_a_package_it_does_not_handle_is_marked_through_openpyxl(workbooks):
    """Rows written without their numbers (allowed by the standard): the XML editor declines, and
    the copy is still marked."""
    data, findings, labels = workbooks["000"]
    parts = _parts(data)
    sheet_parts = [n for n in parts if n.startswith("xl/worksheets/sheet")]
    for name in sheet_parts:
        parts[name] = re.sub(rb'<row r="\d+"', b"<row", parts[name])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    with pytest.raises(xml_marks.Unpatchable):
        xml_marks.annotate(out.getvalue(), findings, labels, {})
    marked = _view(annotate_bytes(out.getvalue(), False, findings, labels, "000.xlsx"))
    assert (ANNOTATED_MARK, "000.xlsx") in marked["properties"]  # type: ignore[operator]
    assert any(v for k, v in marked.items() if k not in L.RESERVED_SHEETS and isinstance(v, dict))
