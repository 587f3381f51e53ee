"""Published text (the layout of the seeds: a Word table saved as text) → Document, for both the
Hebei per-project table and the flat 项目支出绩效目标表."""

from __future__ import annotations

from pathlib import Path

from xlgoals.errors import NotATableError
from xlgoals.formats import flat_text, hebei_text, labelled, text_forms
from xlgoals.formats.encoding import read_text
from xlgoals.formats.preamble import parse_preamble
from xlgoals.formats.script import simplified
from xlgoals.formats.text_cells import clean_line
from xlgoals.model import Document, Layout, Location, SourceFormat, infer_region_and_year, relocate
from xlgoals.synonyms import DEFAULT, Synonyms


def parse_text(text: str, file: str = "", synonyms: Synonyms = DEFAULT) -> Document:
    text = simplified(text)  # a table published in 繁體 reads as its 简体 original
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rows: list[labelled.GridRow] | None = None  # the labelled reader's rows, when it looked
    rewritten = text_forms.rewrite(lines, synonyms)  # |-delimited, space-aligned, one cell per line
    if rewritten is not None:
        tab_lines, origin = rewritten
        found = labelled.read_rows(labelled.text_rows(tab_lines, file), synonyms, file, SourceFormat.TEXT)
        if found is not None:
            relocate(
                found, lambda loc: loc.model_copy(update={"line": origin[loc.line - 1]}) if loc.line else loc
            )
            return found
    if flat_text.looks_like_flat(lines):
        tables, first = flat_text.parse_tables(file, lines)
        layout = Layout.FLAT
    else:
        # The national 申报表, the 部门整体 table, or a table only its labels identify.
        rows = labelled.text_rows(lines, file)
        kind = labelled.kind_of(rows, synonyms)
        hebei = hebei_text.looks_like_hebei(lines)
        if kind in (Layout.NATIONAL, Layout.DEPARTMENT) or (kind is not None and not hebei):
            found = labelled.read_rows(rows, synonyms, file, SourceFormat.TEXT)
            assert found is not None
            return found
        if not hebei:
            first_cell = next((i for i, x in enumerate(lines) if x.startswith("\t") and x.strip()), None)
            raise NotATableError(
                "无法识别为绩效目标表：既不是河北格式的项目绩效目标表（未找到“项目编码”和预算单位行），"
                "也不是“项目支出绩效目标表”平铺格式（未找到“单位代码”“实施期绩效目标”表头），"
                f"也不是项目支出绩效目标申报表或部门整体支出绩效目标表（{labelled.missing(rows, synonyms)}）。"
                + _seen(rows, synonyms),
                file=file,
                line=first_cell + 1 if first_cell is not None else 1,
            )
        tables, first = hebei_text.parse_tables(file, lines)
        layout = Layout.HEBEI
    if not tables:  # why, worked out only now: naming the labels costs a pass over every cell
        reason = (
            "" if rows is None else f"（{labelled.missing(rows, synonyms)}）。{_seen(rows, synonyms)[:-1]}"
        )
        raise NotATableError(f"文件中没有找到任何绩效目标表{reason}。", file=file, line=first + 1)
    meta = parse_preamble(file, [clean_line(x) for x in lines], first)
    doc = Document(source=file, layout=layout, format=SourceFormat.TEXT, meta=meta, tables=tables)
    infer_region_and_year(doc)
    return doc


def _seen(rows: list[labelled.GridRow], synonyms: Synonyms) -> str:
    """What the text does hold, so a reviewer sees whether a header is only named differently."""
    seen = labelled.seen_labels(rows, synonyms)
    if not seen:
        return "文中没有认出任何栏目名称（如“项目名称”“一级指标”“指标值”）。"
    return f"文中认出的栏目：{'、'.join(seen[:10])}{'等' if len(seen) > 10 else ''}。"


def parse_placed(
    text: str, places: list[str], file: str, fmt: SourceFormat, synonyms: Synonyms = DEFAULT
) -> Document:
    """``parse_text`` for text laid out from another document (Word, a web page, a PDF): each line's
    ``places`` entry says where a reader finds it there ("表2 第5行 第3列"), kept on every location."""
    doc = parse_text(text, file, synonyms)
    doc.format = fmt

    def place(loc: Location) -> Location:
        if loc.line is None or not 1 <= loc.line <= len(places):
            return loc
        return loc.model_copy(update={"place": places[loc.line - 1]})

    relocate(doc, place)
    return doc


def read(path: Path, synonyms: Synonyms = DEFAULT) -> Document:
    text, _encoding = read_text(path)
    return parse_text(text, str(path), synonyms)
