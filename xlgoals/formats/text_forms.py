"""Tables pasted as text in the forms other than the tab layout: ``|``-delimited rows, cells separated
by runs of spaces, and one cell per line (what PDF viewers and several browsers copy, blank lines
between or not).

Each form is rewritten into the tab layout the labelled reader understands (a row's cells on lines
that start with a tab, a blank line after each row), with the original line of every rewritten line,
so findings still point at the line the reviewer sees. Where a form loses the row boundaries (one
cell per line) or the empty cells (runs of spaces), the indicator rows are rebuilt from the header's
columns: a 一级 name starts a row at the 一级 column, a 二级 name at the 二级 column (the 一级 cell was
merged), and a row whose columns are all filled is followed by a row starting at the 三级 column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xlgoals.fields import IndicatorField, TableField
from xlgoals.formats.labelled import level_name
from xlgoals.formats.text_cells import item_number
from xlgoals.frameworks import SPECS, canonical_level1, canonical_level2
from xlgoals.layout import EXTRA_COLUMNS
from xlgoals.synonyms import END_LABELS, Synonyms, normal

_SPACES = re.compile(r"(?: {2,}|\u3000+|\u00a0{2,})")
# Lines that end an indicator table besides a signature: notes, the page's own furniture.
_AFTER_TABLE = re.compile(
    r"^(?:注[：:]|备注[：:]|说明[：:]|来源[：:]|附件|【|打印本页|关闭窗口|发布日期|责任编辑)"
)
# A page number of a PDF viewer's copy ("- 3 -", "第3页", "3/12"); a bare number may be a value.
_PAGE_MARK = re.compile(
    r"^(?:-\s*\d{1,4}\s*-|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$"
)
_SECTION = re.compile(r"^(?:长期|中长期|年度|当年|实施期)?(?:绩效)?指标$|绩效指标$")
_LEVEL1 = {l1 for spec in SPECS.values() for l1 in spec.allowed}
_LEVEL2 = {l2 for spec in SPECS.values() for l2s in spec.allowed.values() for l2 in l2s}


@dataclass
class Cell:
    text: str
    line: int  # 1-based, in the original text
    more: tuple[tuple[str, int], ...] = ()  # further lines of the cell's text, each with its line


def rewrite(lines: list[str], synonyms: Synonyms) -> tuple[list[str], list[int]] | None:
    """(tab-layout lines, the original 1-based line of each) when ``lines`` hold a table in one of
    the other forms; None when they do not (or already use tabs)."""
    if any(x.startswith("\t") for x in lines):
        return None
    filled = [(k + 1, x) for k, x in enumerate(lines) if x.strip() and not _PAGE_MARK.match(x.strip())]
    if not filled:
        return None
    positional = sum("|" in x for _, x in filled) >= 3  # every cell kept, empty ones too
    if positional:
        rows = [_pipe_cells(x, k) for k, x in filled if not _is_rule(x)]
    elif sum(bool(_SPACES.search(x.strip())) for _, x in filled) >= 3:
        rows = _under_labels(
            [[Cell(c, k) for c in _SPACES.split(x.strip()) if c.strip()] for k, x in filled], synonyms
        )
    else:  # one cell per line
        cells = _join_wrapped_labels([Cell(x.strip(), k) for k, x in filled], synonyms)
        rows = _goal_rows(cells, synonyms)
    table = rows if positional and _has_header(rows, synonyms) else _rebuild_indicators(rows, synonyms)
    if table is None:
        return None
    out: list[str] = []
    origin: list[int] = []
    for row in table:
        for c in row:
            out.append("\t" + c.text)
            origin.append(c.line)
            for text, line in c.more:  # a line without a tab continues the cell above
                out.append(text)
                origin.append(line)
        out.append("")
        origin.append(row[-1].line if row else 1)
    return out, origin


def _join_wrapped_labels(cells: list[Cell], synonyms: Synonyms) -> list[Cell]:
    """A label wrapped in a narrow column comes as two or three lines ("三级" / "指标", "主管部门" /
    "及编码", "年度" / "资金" / "总额"): lines are joined where together they make a label, the longest
    first, unless they begin and end with labels of their own (a label followed by the next label)."""
    out: list[Cell] = []
    k = 0
    while k < len(cells):
        joined = cells[k]
        for n in (3, 2):
            parts = cells[k : k + n]
            text = "".join(c.text for c in parts)
            if (
                len(parts) == n
                and synonyms.is_whole_label(text)
                and not (synonyms.is_label(parts[0].text) and synonyms.is_label(parts[-1].text))
            ):
                joined = Cell(text, cells[k].line)
                k += n - 1
                break
        out.append(joined)
        k += 1
    return out


_GOAL_COLUMNS = (TableField.LONG_TERM_GOALS, TableField.GOALS)


def _goal_rows(cells: list[Cell], synonyms: Synonyms) -> list[list[Cell]]:
    """One cell per line, with the goals side by side in the table (“项目绩效目标 | 长期目标 | 年度目标”
    over their texts): the labels and the texts below them made into their two rows again, the texts
    dealt to the columns in order — a numbered item after the first (“2.”) continues the text above.
    Left as lines when the texts do not come out one per column."""
    rows: list[list[Cell]] = []
    k = 0
    while k < len(cells):
        n = 0
        fields: list[TableField] = []
        while k + n < len(cells) and (f := synonyms.header_field(cells[k + n].text)) in _GOAL_COLUMNS:
            if f in fields:
                break
            fields.append(f)
            n += 1
        if n < 2:
            rows.append([cells[k]])
            k += 1
            continue
        end = k + n
        while end < len(cells) and not _stops_goals(cells[end].text, synonyms):
            end += 1
        groups: list[Cell] = []
        for c in cells[k + n : end]:
            if groups and (item_number(c.text) or 0) > 1:  # “2.” continues the text above
                groups[-1].more += ((c.text, c.line),)
            else:
                groups.append(Cell(c.text, c.line))
        if len(groups) != n:
            rows.append([cells[k]])
            k += 1
            continue
        section = rows.pop()[0] if rows and _goal_section(rows[-1], synonyms) else None
        head = cells[k : k + n]
        if section is not None:
            rows += [[section, *head], [Cell("", groups[0].line), *groups]]
        else:
            rows += [head, groups]
        k = end
    return rows


def _stops_goals(text: str, synonyms: Synonyms) -> bool:
    return synonyms.is_label(text) or bool(_SECTION.search(text)) or synonyms.column_field(text) is not None


def _goal_section(row: list[Cell], synonyms: Synonyms) -> bool:
    """The label over goals side by side (“项目绩效目标”), not itself a field's label."""
    text = row[0].text if len(row) == 1 else ""
    return text.endswith("目标") and len(text) <= 10 and not synonyms.is_label(text)


def _under_labels(rows: list[list[Cell]], synonyms: Synonyms) -> list[list[Cell]]:
    """Space-aligned text loses empty cells: a row of values below a row of labels, with fewer cells,
    sits under the rightmost labels (its first cells were merged from above: "项目绩效目标 | 长期目标 |
    年度目标" over " | 长期… | 年度…")."""
    for k in range(1, len(rows)):
        above, row = rows[k - 1], rows[k]
        if (
            1 < len(above) > len(row)
            and row
            and all(synonyms.is_label(c.text) for c in above[1:])  # a section label may lead
            and not any(synonyms.is_label(c.text) for c in row)
        ):
            rows[k] = [Cell("", row[0].line) for _ in range(len(above) - len(row))] + row
    return rows


def _has_header(rows: list[list[Cell]], synonyms: Synonyms) -> bool:
    return any(_header(r, synonyms) is not None for r in rows)


def _is_rule(line: str) -> bool:
    """A Markdown rule under a table's first row: |---|:---:|."""
    return "--" in line and set(line.strip()) <= set("|:- ")


def _pipe_cells(line: str, k: int) -> list[Cell]:
    parts = line.strip().strip("|").split("|")
    return [Cell(p.strip(), k) for p in parts]


def _header(cells: list[Cell], synonyms: Synonyms) -> list[IndicatorField | None] | None:
    """The field of each cell of an indicator header row (None for a section label or 备注); None
    when the row is not one."""
    fields = [synonyms.column_field(c.text) for c in cells]
    found = [f for f in fields if f is not None]
    if len(set(found)) != len(found):
        return None
    if IndicatorField.VALUE in found and {IndicatorField.NAME, IndicatorField.LEVEL1} & set(found):
        return fields
    return None


def _rebuild_indicators(rows: list[list[Cell]], synonyms: Synonyms) -> list[list[Cell]] | None:
    """The rows with each indicator table's rows rebuilt from its header's columns; None when no
    indicator header is found (the text is not a table in these forms)."""
    out: list[list[Cell]] = []
    k = 0
    found = False
    while k < len(rows):
        header, width = _header_at(rows, k, synonyms)
        if header is None:
            out.append(rows[k])
            k += 1
            continue
        found = True
        if width:  # the header's cells came one per line: join them into a row
            joined = [c for r in rows[k : k + width] for c in r]
            if out and len(out[-1]) == 1 and _SECTION.search(out[-1][0].text):
                joined.insert(0, out.pop()[0])  # its section label ("长期绩效指标") leads the row
                header = [None, *header]
            out.append(joined)
            k += width
        else:
            out.append(rows[k])
            k += 1
        body: list[Cell] = []
        one_per_line = all(len(r) <= 1 for r in rows[k : k + 8])
        while k < len(rows) and not _ends_table(rows, k, synonyms):
            if one_per_line:
                body.extend(rows[k])
            else:
                out.extend(_place([rows[k]], header))
            k += 1
        if body:
            out.extend(_place([[c] for c in body], header, joined=True))
    return out if found else None


def _header_at(
    rows: list[list[Cell]], k: int, synonyms: Synonyms
) -> tuple[list[IndicatorField | None] | None, int]:
    """The indicator header starting at rows[k]: (its fields, 0) on one row, (its fields, n) when it
    spans n rows of one cell each; (None, 0) when there is none."""
    if len(rows[k]) > 1:
        return _header(rows[k], synonyms), 0
    n = 0
    while k + n < len(rows) and len(rows[k + n]) == 1 and synonyms.column_field(rows[k + n][0].text):
        n += 1
    while (
        n >= 2
        and k + n < len(rows)
        and len(rows[k + n]) == 1
        and normal(rows[k + n][0].text) in EXTRA_COLUMNS
    ):
        n += 1
    if n >= 2:
        fields = _header([r[0] for r in rows[k : k + n]], synonyms)
        if fields is not None:
            return fields, n
    return None, 0


def _ends_table(rows: list[list[Cell]], k: int, synonyms: Synonyms) -> bool:
    first = rows[k][0].text if rows[k] else ""
    key = normal(first)
    if (
        key.startswith(END_LABELS)
        or _AFTER_TABLE.match(first.strip())
        or synonyms.header_field(first) is not None
    ):
        return True
    if _header_at(rows, k, synonyms)[0] is not None:
        return True
    # a section label ("年度绩效指标") alone above the next header
    return len(rows[k]) == 1 and k + 1 < len(rows) and _header_at(rows, k + 1, synonyms)[0] is not None


def _place(
    rows: list[list[Cell]], header: list[IndicatorField | None], joined: bool = False
) -> list[list[Cell]]:
    """Rows of cells laid out on the header's columns (an empty cell where a merged or blank cell
    was). ``joined``: the cells came one per line, so the rows themselves are rebuilt."""
    width = len(header)
    l1 = header.index(IndicatorField.LEVEL1) if IndicatorField.LEVEL1 in header else None
    l2 = header.index(IndicatorField.LEVEL2) if IndicatorField.LEVEL2 in header else None
    name = header.index(IndicatorField.NAME) if IndicatorField.NAME in header else max(l1 or 0, l2 or 0) + 1
    # no 三级 column: the 一级 column holds 二级 names and the 二级 column free text (鄂州's table)
    one_up = IndicatorField.NAME not in header
    if one_up and l2 is not None:
        name = l2
    out: list[list[Cell]] = []
    row: list[Cell | None] = []
    pos = width

    def start(at: int, line: int) -> None:
        nonlocal row, pos
        if any(c is not None for c in row):
            out.append(_filled(row, line))
        row = [None] * width
        pos = at

    cells = [c for r in rows for c in r] if joined else None
    for group in [cells] if joined else rows:
        assert group is not None
        if not joined:
            start(0 if len(group) >= width else name, group[0].line if group else 1)
        for n, c in enumerate(group):
            after = group[n + 1].text if n + 1 < len(group) else ""
            if l1 is not None and (_is_level1(c.text, after) or (one_up and _is_level2(c.text))):
                if pos != l1:
                    start(l1, c.line)
            elif l2 is not None and not one_up and _is_level2(c.text):
                if pos != l2:
                    start(l2, c.line)
            elif pos >= width:
                start(name, c.line)
            row[pos] = c
            pos += 1
    if any(c is not None for c in row):
        out.append(_filled(row, next(c.line for c in row if c is not None)))
    return out


def _is_level2(text: str) -> bool:
    return canonical_level2(level_name(text)) in _LEVEL2


def _is_level1(text: str, after: str) -> bool:
    """A 一级 name; 成本指标 — a 一级 in the 2021 framework, a 二级 under 产出指标 in the 2019 one — only
    when a 二级 name follows it."""
    if canonical_level1(level_name(text)) not in _LEVEL1:
        return False
    return canonical_level1(level_name(text)) != "成本指标" or _is_level2(after)


def _filled(row: list[Cell | None], line: int) -> list[Cell]:
    first = next((c.line for c in row if c is not None), line)
    return [c if c is not None else Cell("", first) for c in row]
