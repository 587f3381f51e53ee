"""Project sheets marked as text (xlgoals/io/sheet_text.py), and their first notes written as text
(xlgoals/io/ooxml.py): the copy is the one the tree would write.

Every part of an annotated copy made so must be the one made by parsing every sheet into a tree and
building every note there — byte for byte, but for a spliced sheet, which keeps its own declaration
and formatting and must read (canonical XML) the same — on the template's sheets, on sheets as Excel and
LibreOffice write them, and on sheets written in every way the text editor does not take (where it
must hand the sheet to the tree, never guess)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from tests import soffice
from tests.helpers import seed_workbook
from xlgoals.annotate import ANNOTATED_MARK
from xlgoals.check import check_file
from xlgoals.io import ooxml, xml_marks
from xlgoals.io.sheet_text import SheetText, Unsure

Mutation = Callable[[bytes], bytes]


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _canonical(name: str, data: bytes) -> bytes:
    if name.endswith((".xml", ".rels", ".vml")):
        return etree.tostring(etree.fromstring(data), method="c14n")
    return data


def _with_sheets(data: bytes, change: Mutation) -> bytes:
    """``data`` with every worksheet part passed through ``change``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, part in _parts(data).items():
            is_sheet = name.startswith("xl/worksheets/sheet") and name.endswith(".xml")
            z.writestr(name, change(part) if is_sheet else part)
    return out.getvalue()


def _marked(
    data: bytes, tmp_path: Path, splice: bool, monkeypatch: pytest.MonkeyPatch
) -> tuple[bytes, set[str]]:
    """The annotated copy of ``data``, and the sheets parsed into a tree while making it."""
    path = tmp_path / "book.xlsx"
    path.write_bytes(data)
    result, doc = check_file(path)
    assert doc is not None and not result.error, result.error
    labels = {t.index: t.label for t in doc.tables}
    parsed: set[str] = set()
    parse = ooxml.Sheet._parse

    def counting(self: ooxml.Sheet) -> None:
        parsed.add(self.name)
        parse(self)

    with monkeypatch.context() as patch:
        patch.setattr(ooxml, "SPLICE", splice)
        patch.setattr(ooxml.Sheet, "_parse", counting)
        return xml_marks.annotate(data, result.findings, labels, {ANNOTATED_MARK: "x"}), parsed


def _same_copy(data: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """Mark ``data`` and its marked copy again, with and without splicing; the copies must be the
    same part for part. The sheets each spliced run parsed."""
    each: list[set[str]] = []
    for _ in range(2):  # the second time: earlier marks cleared, notes in an existing drawing
        spliced, parsed = _marked(data, tmp_path, True, monkeypatch)
        tree, _ = _marked(data, tmp_path, False, monkeypatch)
        a, b = _parts(spliced), _parts(tree)
        assert list(a) == list(b)
        for name in a:
            if name.startswith("xl/worksheets/sheet"):  # a spliced sheet keeps its own declaration
                assert _canonical(name, a[name]) == _canonical(name, b[name]), name
            else:  # every other part (a sheet's first notes and their drawing, written as text too)
                assert a[name] == b[name], name
        each.append(parsed)
        data = spliced
    return each


@pytest.fixture(scope="module")
def book() -> bytes:
    return seed_workbook("000")


def test_the_templates_project_sheets_are_marked_as_text(book, tmp_path, monkeypatch):
    first, again = _same_copy(book, tmp_path, monkeypatch)
    assert first == set()  # no sheet parsed: the marks and their records spliced
    assert again == {"_xlgoals"}  # the records of the first marks dropped (their rows renumbered)


def _cells_swap_attributes(part: bytes) -> bytes:
    return re.sub(rb'<c r="([A-Z]+\d+)" s="(\d+)"', rb'<c s="\2" r="\1"', part)


def _cells_single_quoted(part: bytes) -> bytes:
    return re.sub(rb'<c r="([A-Z]+\d+)" s="(\d+)"', rb"<c r='\1' s='\2'", part)


def _cells_with_gt(part: bytes) -> bytes:
    return re.sub(rb'(<c r="[A-Z]+\d+")', rb'\1 xlgoals-test="&gt;>"', part)


def _comment(part: bytes) -> bytes:
    return part.replace(b"<sheetData>", b'<sheetData><!-- <c r="B12" s="1"/> -->', 1)


def _instruction(part: bytes) -> bytes:
    return part.replace(b"<sheetData>", b"<?xlgoals test?><sheetData>", 1)


def _pretty(part: bytes) -> bytes:
    return part.replace(b"><", b">\n  <")


def _other_default_namespace(part: bytes) -> bytes:
    return part.replace(
        b"</worksheet>", b'<extLst><ext uri="{0}" xmlns="urn:x"><pageSetup/></ext></extLst></worksheet>'
    )


def _rel_prefix(part: bytes) -> bytes:
    return part.replace(b"xmlns:r=", b"xmlns:rel=").replace(b" r:id=", b" rel:id=")


def _no_rel_prefix(part: bytes) -> bytes:  # as openpyxl writes a sheet without a drawing
    return part.replace(
        b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"', b""
    )


def _no_blank_cells(part: bytes) -> bytes:
    return re.sub(rb'<c r="[A-Z]+\d+" s="\d+"/>', b"", part)


def _no_page_setup(part: bytes) -> bytes:
    return re.sub(rb"<pageSetup [^>]*/>", b"", part)


def _inline_labels(part: bytes) -> bytes:
    return re.sub(
        rb'<c r="(A\d+)" s="(\d+)"/>',
        rb'<c r="\1" s="\2" t="inlineStr"><is><t>a &amp; b &#34920;</t></is></c>',
        part,
    )


def _spaced_tags(part: bytes) -> bytes:
    return part.replace(b'<c r="', b'<c  r="').replace(b"<pageSetup ", b"<pageSetup\n ")


X14 = b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"'


def _children_after_it(part: bytes) -> bytes:
    """What Excel writes after a legacy drawing's place (tables, extensions), and an extension list
    inside a conditional format, where a search for the worksheet's own <extLst> must not stop."""
    nested = (
        b'<extLst><ext uri="{B025F937-C7B1-47D3-B67F-A62EFF666E3E}" '
        + X14
        + b"><x14:id>{1}</x14:id></ext></extLst>"
    )
    own = (
        b'<tableParts count="0"/><extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" '
        + X14
        + b"/></extLst>"
    )
    return part.replace(b"</cfRule>", nested + b"</cfRule>", 1).replace(
        b"</worksheet>", own + b"</worksheet>"
    )


def _merges_otherwise(part: bytes) -> bytes:
    return part.replace(b"<mergeCell ref=", b'<mergeCell xlgoals-test="1" ref=')


def _alternate_content(part: bytes) -> bytes:
    return part.replace(
        b"<pageMargins ",
        b'<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        b"<mc:Fallback/></mc:AlternateContent><pageMargins ",
        1,
    )


MUTATIONS: dict[str, tuple[Mutation, bool]] = {  # (change, whether the sheets still splice)
    "attributes in another order": (_cells_swap_attributes, False),
    "single quotes": (_cells_single_quoted, False),
    "'>' in an attribute": (_cells_with_gt, False),
    "a comment": (_comment, False),
    "a processing instruction": (_instruction, False),
    "indented": (_pretty, True),
    "children after a legacy drawing's place": (_children_after_it, True),
    "a second default namespace": (_other_default_namespace, False),
    "relationships under another prefix": (_rel_prefix, True),
    "no prefix for relationships": (_no_rel_prefix, True),  # r: declared on the new element
    "blank cells not written": (_no_blank_cells, False),
    "no page setup": (_no_page_setup, False),
    "inline strings with references in column A": (_inline_labels, True),
    "spaces inside tags": (_spaced_tags, False),
    "markup compatibility among the children": (_alternate_content, False),
    "merged ranges with another attribute first": (_merges_otherwise, False),
}


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_a_sheet_written_otherwise_is_marked_as_the_tree_marks_it(book, tmp_path, monkeypatch, name):
    change, splices = MUTATIONS[name]
    parsed = set().union(*_same_copy(_with_sheets(book, change), tmp_path, monkeypatch))
    projects = parsed - {"_xlgoals", "校验结果"}
    if splices:
        assert not projects, projects
    else:
        assert projects, "the tree was not needed: the mutation does not test a refusal"


def test_a_sheet_libreoffice_saved_is_marked_as_the_tree_marks_it(book, tmp_path, monkeypatch):
    soffice.require_soffice()
    src = tmp_path / "src" / "000.xlsx"
    src.parent.mkdir()
    src.write_bytes(book)
    (saved,) = soffice.convert([src], "xlsx", tmp_path / "lo")
    parsed = set().union(*_same_copy(saved.read_bytes(), tmp_path, monkeypatch))
    assert not parsed - {"_xlgoals", "校验结果"}, parsed  # LibreOffice's sheets splice too


SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheetData><row r="1"><c r="A1" s="2" t="s"><v>0</v></c><c r="B1" s="3" t="str"><f>X</f><v>x</v></c>'
    b'<c r="C1"/></row></sheetData><mergeCells count="1"><mergeCell ref="C1:D2"/></mergeCells>'
    b'<pageMargins left="0.7"/><pageSetup paperSize="9"/><headerFooter><oddFooter>&amp;P</oddFooter>'
    b"</headerFooter></worksheet>"
)


def test_edits_are_spliced_where_the_tree_would_put_them():
    text = SheetText.of(SHEET)
    assert text is not None
    text.restyle("A1", lambda s: s + 10)
    text.restyle("C1", lambda s: 7)
    text.set_formula("B1", '=IF(A1<>"",1,"a&b")')
    text.set_attribute("pageSetup", "cellComments", "atEnd")
    assert text.legacy_drawing() is None
    text.add_legacy_drawing("rId9")
    assert text.legacy_drawing() == "rId9"
    assert text.merged() == ["C1:D2"]
    assert text.column_a(lambda k: f"s{k}") == ["s0"]
    assert text.text == SHEET.replace(b'r="A1" s="2"', b'r="A1" s="12"').replace(
        b'<c r="B1" s="3" t="str"><f>X</f><v>x</v></c><c r="C1"/>',
        b'<c r="B1" s="3"><f>IF(A1&lt;&gt;"",1,"a&amp;b")</f></c><c r="C1" s="7"/>',
    ).replace(b'<pageSetup paperSize="9"/>', b'<pageSetup paperSize="9" cellComments="atEnd"/>').replace(
        b"</headerFooter>", b'</headerFooter><legacyDrawing r:id="rId9"/>'
    )
    etree.fromstring(text.text)  # still well-formed
    with pytest.raises(Unsure):
        text.restyle("E5", lambda s: s)  # a cell to create: the tree's work


def test_restyles_wait_and_go_in_together_in_order():
    text = SheetText.of(SHEET)
    assert text is not None
    text.restyle("C1", lambda s: s + 1)  # 0 → 1
    text.restyle("A1", lambda s: s + 10)  # 2 → 12
    text.restyle("A1", lambda s: s + 10)  # restyled again: from 12
    text.set_formula("C1", "1")  # edits the cell as restyled
    assert text.merged() == ["C1:D2"]  # a read after them sees the sheet unchanged in shape
    assert b'<c r="A1" s="22" t="s"><v>0</v></c>' in text.text
    assert b'<c r="C1" s="1"><f>1</f></c>' in text.text
    assert text.column_a(lambda k: "a") == ["a"]
    text.restyle("A1", lambda s: 1000)  # a longer tag again: <sheetData>'s end moves with it
    text.append_rows(b'<row r="5"/>')
    assert text.last_row() == 5
    etree.fromstring(text.text)


@pytest.mark.parametrize(
    "variant",
    [
        SHEET.replace(b'encoding="UTF-8"', b'encoding="GB18030"'),
        SHEET.replace(b"<worksheet xmlns=", b"<x:worksheet xmlns:x="),
        SHEET.replace(b"<sheetData>", b"<!DOCTYPE x><sheetData>"),
        SHEET.replace(b"<f>X</f>", b"<f><![CDATA[X]]></f>"),
        re.sub(rb"<sheetData>.*</sheetData>", b"<sheetData/>", SHEET),
    ],
    ids=["another encoding", "prefixed", "a DTD", "CDATA", "no cells"],
)
def test_text_it_does_not_understand_is_left_to_the_tree(variant):
    assert SheetText.of(variant) is None


def test_column_a_is_read_as_the_tree_reads_it():
    rows = "".join(
        [
            '<row r="1"><c r="A1" s="2" t="s"><v>1</v></c></row>',  # a shared string
            '<row r="2"><c r="A2" s="2"><v>42</v></c></row>',  # a number
            '<row r="3" spans="1:3"><c r="A3" s="2"/><c r="B3" t="s"><v>0</v></c></row>',  # empty
            '<row r="5"><c r="A5" t="inlineStr"><is><t>表内</t><t>校验</t></is></c></row>',  # after a gap
            '<row r="6"><c r="A6" t="str"><f>"x"</f><v>x</v></c></row>',  # a formula's text
            '<row r="7"><c r="B7" t="s"><v>0</v></c></row>',  # no cell in column A
            '<row r="8"><c r="A8" s="1" t="n"><v>7</v></c></row>',
            '<row r="9"><c r="A9" t="inlineStr"><v>9</v></c></row>',  # a value but no inline text
            '<row r="10"><c r="A10" t="inlineStr"><is><t>&lt;&#34920;&#x5185;&amp;</t></is></c></row>',
            '<row r="11"><c r="A11" s="3" t="inlineStr"/><c r="B11" s="3"/></row>',  # empty, yet text
        ]
    ).encode()
    sheet = re.sub(rb"<sheetData>.*</sheetData>", b"<sheetData>" + rows + b"</sheetData>", SHEET)
    text = SheetText.of(sheet)
    assert text is not None
    strings = ["零", "一"]
    values = text.column_a(lambda k: strings[k] if 0 <= k < len(strings) else None)
    assert values == ["一", "42", None, None, "表内校验", "x", None, "7", "", "<表内&", ""]
    for undefined in ("&nbsp;", "&#x110000;", "& b"):  # what XML does not define: the tree's to refuse
        odd = SheetText.of(sheet.replace(b"&lt;", undefined.encode()))
        assert odd is not None
        with pytest.raises(Unsure):
            odd.column_a(lambda k: None)


def test_rows_and_columns_are_read_and_added_as_the_tree_would():
    cols = b'<cols><col min="1" max="2" width="9" style="4"/><col style="5" max="6" min="3"/><col min="7" max="7"/></cols>'
    text = SheetText.of(SHEET.replace(b"<sheetData>", cols + b"<sheetData>"))
    assert text is not None
    assert text.columns() == [(1, 2, 4), (3, 6, 5)]
    assert text.last_row() == 1
    text.append_rows(b'<row r="2"><c r="A2" t="inlineStr"><is><t>mark</t></is></c></row>')
    assert text.last_row() == 2
    assert text.column_a(lambda k: "s") == ["s", "mark"]
    etree.fromstring(text.text)
    empty = SheetText.of(re.sub(rb"<row [^>]*>.*</row>", b"", SHEET).replace(b"<sheetData>", b"<sheetData> "))
    assert empty is not None and empty.last_row() == 0
    for odd in (b'<row r="1">', b"<row r=\"1\" spans='1:3'>"):  # without its number; single quotes
        unsure = SheetText.of(SHEET.replace(b'<row r="1">', odd.replace(b'r="1"', b"")))
        assert unsure is not None
        with pytest.raises(Unsure):
            unsure.last_row()


def test_shared_strings_cut_as_text_read_as_parsed(book):
    """Each item's text as lxml gives it from the whole part: plain, kept spaces, rich runs, phonetic
    runs left out, references; and a part that is not cut so safely is parsed whole."""
    items = [
        "<t>甲</t>",
        '<t xml:space="preserve"> 乙 </t>',
        "<r><rPr><b/></rPr><t>丙</t></r><r><t>丁</t></r>",
        '<t>戊</t><rPh sb="0" eb="1"><t>wu</t></rPh><phoneticPr fontId="1"/>',
        "<t>&lt;a &amp; b&gt; &#34920;&#x5185;</t>",
        "<t/>",
    ]
    sst = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="{ooxml.MAIN}" count="6" uniqueCount="6">'
        + "".join(f"<si>{i}</si>" for i in items)
        + "</sst>"
    ).encode()
    expected = ["甲", " 乙 ", "丙丁", "戊", "<a & b> 表内", ""]
    for variant, whole in (
        (sst, False),
        (sst.replace(b"<si>", b"<si >"), True),
        (sst.replace(b"</sst>", b"<!-- x --></sst>"), True),
    ):
        parts = _parts(book)
        parts["xl/sharedStrings.xml"] = variant
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for name, data in parts.items():
                z.writestr(name, data)
        strings = ooxml.Workbook(ooxml.Package(out.getvalue())).strings
        assert [strings.get(k) for k in range(len(items))] == expected
        assert strings.get(len(items)) is None and strings.get(-1) is None
        assert (strings._items is not None) == whole


def test_earlier_marks_recorded_twice_are_cleared_once(book, tmp_path, monkeypatch):
    """A record of an earlier mark repeated on _xlgoals (a clerk copying rows there) changes nothing,
    and costs no more than once: restyling a cell twice puts the sheet's waiting restyles into its text
    (a copy of the whole text), which repeated for every record was quadratic."""
    marked, _ = _marked(book, tmp_path, True, monkeypatch)
    parts = _parts(marked)
    meta = next(n for n, b in parts.items() if n.startswith("xl/worksheets/") and b">mark<" in b)
    records = re.findall(
        rb'<row r="\d+"><c r="A\d+"[^>]*><is><t xml:space="preserve">mark</t>.*?</row>', parts[meta]
    )
    assert len(records) > 5
    last = max(int(r) for r in re.findall(rb'<row r="(\d+)"', parts[meta]))
    copies = []
    for _ in range(20):  # every record, twenty times more
        for record in records:
            last += 1
            copies.append(
                re.sub(rb'r="([A-Z]*)\d+"', lambda m, n=last: b'r="' + m[1] + str(n).encode() + b'"', record)
            )
    parts[meta] = parts[meta].replace(b"</sheetData>", b"".join(copies) + b"</sheetData>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    settles = 0
    settle = SheetText._settle

    def counting(self: SheetText) -> None:
        nonlocal settles
        settles += bool(self._restyled)
        settle(self)

    monkeypatch.setattr(SheetText, "_settle", counting)
    repeated = xml_marks.annotate(out.getvalue(), [], {}, {ANNOTATED_MARK: "x"})
    settled_repeated, settles = settles, 0
    once = xml_marks.annotate(marked, [], {}, {ANNOTATED_MARK: "x"})
    assert settled_repeated == settles  # 14 here; 154 when each record restyled its cell again
    a, b = _parts(repeated), _parts(once)
    assert [n for n in a if a[n] != b[n]] == []  # every record dropped, every earlier mark cleared
