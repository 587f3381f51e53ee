"""Build the 绩效目标表 workbook with xlsxwriter: the empty template, or a Document filled in.

One builder for both, so the template and the converted workbooks can never drift apart. Every
position, label, style and print setting comes from ``xlgoals.layout``; every formula from
``template/formulas.py`` (the live checks of ``xlgoals.livecheck``) with its cached value computed in Python (so readers that
do not recalculate still see the truth). Output is byte-reproducible: fixed document properties,
fixed order of everything.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from xlgoals import clientcode
from xlgoals import layout as L
from xlgoals.fields import PLAN_POINTS, IndicatorField, TableField
from xlgoals.findings import Severity
from xlgoals.formula import Value
from xlgoals.frameworks import level1_lists
from xlgoals.livecheck import LiveCheck, derived_header, derived_view
from xlgoals.model import Document, GoalTable, Indicator, Layout
from xlgoals.rules.registry import REGISTRY
from xlgoals.template import formulas as F
from xlgoals.template import shared_formulas
from xlgoals.template.instructions import INSTRUCTIONS, config_examples

P = L.PROJECT
FIXED_TIME = datetime(2024, 1, 1, 0, 0, 0)


def _header_value(t: GoalTable, item: L.Item, cells: dict[TableField, Value]) -> Value:
    """What the builder writes at a header item: its label, or the field's cell as the view holds it."""
    if item.field is None:
        return item.text
    if item.field == TableField.TITLE:
        return t.title or L.Label.TITLE
    if item.field == TableField.SPEND_PLAN:
        return t.spend_plan.header or L.Label.PLAN
    return cells.get(item.field)


def _indicator_text(ind: Indicator, f: IndicatorField) -> str:
    return ind.value_raw if f == IndicatorField.VALUE else str(getattr(ind, f.value))


def _width(first: int, last: int) -> float:
    return sum(P.widths[first - 1 : last])


class _Builder:
    def __init__(self, wb: Workbook, doc: Document, macros: bool = False) -> None:
        self.wb = wb
        self.doc = doc
        self.macros = macros
        self.fmt: dict[L.Style, Format] = {s: wb.add_format(props) for s, props in L.STYLES.items()}
        self.fills: dict[tuple[Severity, bool], Format] = {}
        self.layout: Layout = doc.layout
        self.flag_counts: dict[str, int] = {}
        taken: set[str] = set()
        self.sheet_names: list[str] = []
        for t in doc.tables:
            name = L.project_sheet_name(t.index or len(self.sheet_names) + 1, t.project_name, taken)
            taken.add(name)
            self.sheet_names.append(name)

    # --- the sheets, in workbook order ----------------------------------------------------------
    def build(self) -> None:
        self.instructions()
        lst = self.wb.add_worksheet(worksheet_class=_Worksheet, name=L.LIST_SHEET)
        if self.macros:
            for k, (caption, macro) in enumerate(L.BUTTONS):
                lst.insert_button(
                    L.LIST.buttons_row - 1,
                    L.LIST.buttons_col - 1 + 2 * k,
                    {"macro": macro, "caption": caption, **L.BUTTON_SIZE},
                )
        self.results_sheet(self.wb.add_worksheet(worksheet_class=_Worksheet, name=L.RESULTS_SHEET))
        docsheet = self.wb.add_worksheet(worksheet_class=_Worksheet, name=L.DOCUMENT_SHEET)
        rows = [self.project(name, t) for name, t in zip(self.sheet_names, self.doc.tables, strict=True)]
        self.project_list(lst, rows)
        self.document_sheet(docsheet)
        self.lists()
        self.meta()
        self.config_sheet()
        if self.macros:
            self.xlwings_conf()
        lst.activate()

    @staticmethod
    def _page(ws: Worksheet, page: L.PageSetup) -> None:
        if page.landscape:
            ws.set_landscape()
        ws.set_paper(page.paper)
        if not page.landscape:
            ws.set_portrait()
        ws.fit_to_pages(page.fit_width, page.fit_height)
        if page.center:
            ws.center_horizontally()
        if page.margins is not None:
            left, right, top, bottom = page.margins
            ws.set_margins(left=left, right=right, top=top, bottom=bottom)
        if page.repeat_rows:
            ws.repeat_rows(0, page.repeat_rows - 1)

    def instructions(self) -> None:
        ws = self.wb.add_worksheet(worksheet_class=_Worksheet, name=L.INSTRUCTIONS_SHEET)
        label_width, text_width = L.INSTRUCTIONS_WIDTHS
        ws.set_column(0, 0, label_width)
        ws.set_column(1, 1, text_width)
        ws.merge_range(0, 0, 0, 1, L.INSTRUCTIONS_TITLE, self.fmt[L.Style.TITLE])
        r = L.INSTRUCTIONS_FIRST_ROW - 1
        ws.set_row(0, L.INSTRUCTIONS_TITLE_HEIGHT)
        for heading, text in INSTRUCTIONS:
            ws.write_string(r, 0, heading, self.fmt[L.Style.LABEL_LEFT])
            ws.write_string(r, 1, text, self.fmt[L.Style.LIST_TEXT])
            ws.set_row(r, L.row_height([(text, text_width), (heading, label_width)]))
            r += 1
        ws.set_paper(9)
        ws.set_portrait()
        ws.fit_to_pages(1, 0)
        ws.protect("", L.protection_of(L.INSTRUCTIONS_SHEET))

    def _write(self, ws: Worksheet, at: L.CellRef, value: Value, style: L.Style) -> None:
        fmt = self.fmt[style]
        if at.is_range:
            ws.merge_range(at.a1, value if isinstance(value, str) else "", fmt)
            if value is not None and not isinstance(value, str):
                self._write(ws, L.CellRef(at.row, at.col), value, style)
        elif value is None:
            ws.write_blank(at.row - 1, at.col - 1, None, fmt)
        elif isinstance(value, bool):
            ws.write_boolean(at.row - 1, at.col - 1, value, fmt)
        elif isinstance(value, float):
            ws.write_number(at.row - 1, at.col - 1, value, fmt)
        else:
            ws.write_string(at.row - 1, at.col - 1, value, fmt)

    def _header(self, ws: Worksheet, t: GoalTable) -> None:
        growing: dict[int, list[tuple[str, float]]] = {}
        cells = derived_header(t)
        for item in P.header:
            value = _header_value(t, item, cells)
            self._write(ws, item.at, value, item.style)
            if item.grows:
                text = value if isinstance(value, str) else ""
                growing.setdefault(item.at.row, []).append((text, _width(item.at.col, item.at.right)))
        for r in sorted({*growing, *P.row_heights}):
            if r >= P.indicator_header_row:
                continue
            minimum = P.row_heights.get(r, L.MIN_ROW_HEIGHT)
            ws.set_row(r - 1, L.row_height(growing[r], minimum) if r in growing else minimum)

    def project(self, name: str, t: GoalTable) -> tuple[str, GoalTable, int]:
        ws = self.wb.add_worksheet(worksheet_class=_Worksheet, name=name)
        nrows = max(P.indicator_rows, len(t.indicators))
        last = P.first_indicator_row + nrows - 1
        footer = P.footer_row(nrows)
        for col, width in enumerate(P.widths):
            ws.set_column(col, col, width)
        self._header(ws, t)
        shown = F.flag_texts(derived_view(t), self.layout)
        for r, checks in F.header_checks(self.layout).items():
            formula = F.header_flag(tuple(checks), last)
            ws.write_formula(r - 1, P.flag_column - 1, formula, self.fmt[L.Style.FLAG], shown.get(r, ""))
        self._indicators(ws, t, nrows, shown)
        flags = len(shown)
        label_left = self.fmt[L.Style.LABEL_LEFT]
        ws.write_string(footer - 1, 0, L.Label.FOOTER, self.fmt[L.Style.LABEL])
        ws.merge_range(footer - 1, 1, footer - 1, P.print_columns - 1, "", label_left)
        ws.write_formula(footer - 1, 1, F.footer(last), label_left, F.footer_text(flags))

        for rng, options in L.project_validations(last, [name for name, _ in level1_lists()]):
            ws.data_validation(rng, options)
        self._conditional(ws, last)
        self.flag_counts[name] = flags
        ws.freeze_panes(P.freeze_rows, 0)
        self._page(ws, P.page)
        ws.print_area(0, 0, footer - 1, P.print_columns - 1)
        if self.macros:
            caption, macro = L.BUTTONS[0]
            ws.insert_button(P.button.a1, {"macro": macro, "caption": caption, **L.BUTTON_SIZE})
        ws.protect("", L.protection_of(name, project=True))
        return name, t, last

    def _indicators(self, ws: Worksheet, t: GoalTable, nrows: int, shown: dict[int, str]) -> None:
        head = self.fmt[L.Style.HEAD]
        text_in = self.fmt[L.Style.TEXT_IN]
        hr = P.indicator_header_row - 1
        for c in P.columns:
            if c.last_col:
                continue
            ws.write_string(hr, c.col - 1, c.header, head)
        for c in P.columns:
            if c.last_col:
                ws.merge_range(hr, c.col - 1, hr, c.right - 1, c.header, head)
        ws.write_string(hr, P.flag_column - 1, L.Label.FLAG, head)
        for c in P.extra_columns:
            ws.write_string(hr, c.col - 1, c.header, head)
        ws.set_row(hr, P.row_heights[P.indicator_header_row])
        level1 = P.columns[0]
        starts = _level1_blocks(t)
        covered = sum(starts.values())  # the blocks run from the first row without a gap
        for k in range(nrows):
            r = P.first_indicator_row - 1 + k
            ind = t.indicators[k] if k < len(t.indicators) else None
            if k >= covered:
                ws.write_blank(r, level1.col - 1, None, text_in)
            for merged in (False, True):  # single cells first: keeps the shared-string order stable
                for c in P.columns[1:]:
                    value = _indicator_text(ind, c.field) if ind is not None else ""
                    if merged and c.last_col:
                        ws.merge_range(r, c.col - 1, r, c.right - 1, value, text_in)
                    elif not merged and not c.last_col:
                        ws.write_string(r, c.col - 1, value, text_in)
            # the row shows its 提示 in full too (a blank row's hint wraps to two lines)
            flag = [(shown.get(r + 1, ""), _width(P.flag_column, P.flag_column))]
            if ind is not None:
                widths = [(ind.level1, _width(level1.col, level1.right))]
                widths += [(_indicator_text(ind, c.field), _width(c.col, c.right)) for c in P.columns[1:]]
                ws.set_row(r, L.row_height(widths + flag))
            elif flag[0][0]:
                ws.set_row(r, L.row_height(flag))
            formula = F.row_flag(r + 1, self.layout, P.first_indicator_row + nrows - 1)
            ws.write_formula(r, P.flag_column - 1, formula, self.fmt[L.Style.ROW_FLAG], shown.get(r + 1, ""))
            for c in P.extra_columns:
                ws.write_string(
                    r, c.col - 1, _indicator_text(ind, c.field) if ind is not None else "", text_in
                )
        for start, n in starts.items():
            ind = t.indicators[start]
            r = P.first_indicator_row - 1 + start
            if n > 1:
                ws.merge_range(r, level1.col - 1, r + n - 1, level1.col - 1, ind.level1, text_in)
            else:
                ws.write_string(r, level1.col - 1, ind.level1, text_in)

    def _conditional(self, ws: Worksheet, last: int) -> None:
        """Fills by the live checks' own conditions (errors before warnings), and amounts shown as
        0.00 when the plan is filled in 万元. LibreOffice applies only the first rule that matches a
        cell (Excel applies every one), so a plan cell's checks come first, each also once with the
        万元 number format for when the plan is in 万元, and the number format alone comes last."""
        mode = P.input(TableField.PLAN_MODE).at.abs
        in_amounts = f'{mode}="{L.PLAN_MODE_AMOUNT}"'
        plan_cells = {P.input(f).at.a1 for f in PLAN_POINTS}
        first = P.first_indicator_row
        checks = sorted(
            [*(c for cs in F.header_checks(self.layout).values() for c in cs), *F.row_checks(self.layout)],
            key=lambda c: REGISTRY[c.code].severity.rank,
        )
        for c in checks:
            if isinstance(c.target, TableField) and P.input(c.target).at.a1 in plan_cells:
                ws.conditional_format(
                    P.input(c.target).at.a1,
                    {
                        "type": "formula",
                        "criteria": f"=AND({in_amounts},{F.condition(c, last, first).removeprefix('=')})",
                        "format": self._fill(c, amounts=True),
                    },
                )
        for c in checks:
            if isinstance(c.target, TableField):
                at = P.input(c.target).at
                rng = L.cell_name(at.col, at.row)
            else:
                col = P.column(c.target).col
                rng = L.column_range(col, first, last)
            ws.conditional_format(
                rng,
                {"type": "formula", "criteria": F.condition(c, last, first), "format": self._fill(c)},
            )
        ws.conditional_format(
            L.plan_range().a1,
            {"type": "formula", "criteria": f"={in_amounts}", "format": self.fmt[L.Style.AMOUNT_NUMFMT]},
        )

    def _fill(self, c: LiveCheck, *, amounts: bool = False) -> Format:
        """The fill of ``c``'s severity (``amounts``: with the 万元 number format too)."""
        severity = REGISTRY[c.code].severity
        key = (severity, amounts)
        if key not in self.fills:
            spec: dict[str, object] = {"bg_color": "#" + L.MARK_FILLS[severity.value]}
            if amounts:
                spec.update(L.STYLES[L.Style.AMOUNT_NUMFMT])
            self.fills[key] = self.wb.add_format(spec)
        return self.fills[key]

    def results_sheet(self, ws: Worksheet) -> None:
        """校验结果, part of the template (a button never has to add it where a host may misplace it):
        its header, what it says before the first 校验, set up to print."""
        spec = L.RESULTS
        wrap = self.wb.add_format(
            {"font_name": L.FONT, "font_size": L.FONT_SIZE, "text_wrap": True, "valign": "top"}
        )
        for col, (label, width) in enumerate(zip(spec.columns, spec.widths, strict=True)):
            ws.write_string(0, col, label, self.fmt[L.Style.HEAD])
            ws.set_column(col, col, width, wrap if col + 1 >= spec.wrap_from else None)
        ws.write_string(1, 0, spec.pending, self.fmt[L.Style.PLAIN])
        ws.freeze_panes(spec.freeze_rows, 0)
        self._page(ws, spec.page)
        ws.repeat_rows(0, spec.freeze_rows - 1)

    def project_list(self, ws: Worksheet, rows: Sequence[tuple[str, GoalTable, int]]) -> None:
        spec = L.LIST
        ncols = len(spec.columns)
        ws.merge_range(0, 0, 0, ncols - 1, spec.title, self.fmt[L.Style.TITLE])
        ws.write_string(1, 0, spec.note, self.fmt[L.Style.PLAIN])
        for col, c in enumerate(spec.columns):
            ws.write_string(spec.header_row - 1, col, c.label, self.fmt[L.Style.HEAD])
            ws.set_column(col, col, c.width)
        r = spec.first_row - 1
        totals: dict[int, Decimal | int] = {k: 0 for k, c in enumerate(spec.columns) if c.total}
        for k, (name, t, last) in enumerate(rows):
            contents = F.list_row(k + 1, name, last)
            for col, c in enumerate(spec.columns):
                cached = self._list_cell(ws, r, col, c, contents[col], name, t)
                if c.total:
                    totals[col] += cached
            r += 1
        first = spec.first_row
        total_fmt, total_money = self.fmt[L.Style.LIST_TOTAL], self.fmt[L.Style.LIST_TOTAL_MONEY]
        for col, c in enumerate(spec.columns):
            if col == 1:
                ws.write_string(r, col, spec.total_label, total_fmt)
            elif c.total:
                money = c.kind == L.ListKind.FIELD
                value = float(totals[col]) if money else totals[col]
                formula = F.all_projects_sum(c.field) if money and c.field else F.list_sum(col + 1, first)
                ws.write_formula(r, col, formula, total_money if money else total_fmt, value)
            else:
                ws.write_string(r, col, "", total_fmt)
        # The 汇总 button writes its amounts beside the list: shown with two decimals like the list's.
        first_amount = L.LIST_TOTALS_COLUMN  # 0-based: the column after the block's labels
        ws.set_column(
            first_amount, first_amount + len(L.Label.PLAN_POINTS) + 2, None, self.fmt[L.Style.AMOUNT_NUMFMT]
        )
        ws.freeze_panes(spec.header_row, 0)
        self._page(ws, spec.page)

    def _list_cell(
        self, ws: Worksheet, r: int, col: int, c: L.ListColumn, content: int | str, name: str, t: GoalTable
    ) -> Decimal | int:
        """Write one cell of a project's 项目清单 row (``content``: from ``formulas.list_row``, the same
        row 新增项目 writes) with the value it shows cached; return the value it adds to the 合计."""
        text = self.fmt[L.Style.LIST_TEXT]
        if isinstance(content, int):  # the row number
            ws.write_number(r, col, content, text)
        elif c.kind == L.ListKind.SHEET:
            ws.write_url(r, col, f"internal:{L.quote_sheet(name)}!A1", self.fmt[L.Style.LINK], content)
        elif c.kind == L.ListKind.UNIT:
            ws.write_formula(r, col, content, text, f"{t.unit_code} {t.unit_name}".strip())
        elif c.kind == L.ListKind.COUNT:
            count = sum(1 for ind in t.indicators if ind.name)
            ws.write_formula(r, col, content, text, count)
            return count
        elif c.kind == L.ListKind.FLAGS:
            flags = self.flag_counts[name]
            ws.write_formula(r, col, content, text, flags)
            return flags
        else:
            assert c.field is not None
            value = derived_header(t).get(c.field)
            if c.total:
                cached: Any = value if isinstance(value, float) else ""
                ws.write_formula(r, col, content, self.fmt[L.Style.LIST_MONEY], cached)
                return Decimal(str(value)) if isinstance(value, float) else 0
            ws.write_formula(r, col, content, text, value if value is not None else "")
        return 0

    def document_sheet(self, ws: Worksheet) -> None:
        spec = L.DOC
        m = self.doc.meta
        for col, width in spec.widths.items():
            ws.set_column(col - 1, col - 1, width)
        ws.merge_range(
            0, 0, 0, spec.toc_first_col + len(spec.toc_columns) - 2, spec.title, self.fmt[L.Style.TITLE]
        )
        for k, (label, f) in enumerate(spec.fields):
            r = spec.first_row - 1 + k
            value = getattr(m, f.value)
            ws.write_string(r, 0, label, self.fmt[L.Style.LABEL_LEFT])
            if isinstance(value, int | Decimal) and not isinstance(value, bool):
                style = L.Style.TEXT_IN if isinstance(value, int) else L.Style.MONEY_IN
                ws.write_number(r, 1, float(value), self.fmt[style])
            elif value is None:
                ws.write_blank(r, 1, None, self.fmt[L.Style.TEXT_IN])
            else:
                ws.write_string(r, 1, str(value), self.fmt[L.Style.WRAP_IN])
        hr = spec.items_header_row - 1
        head, text_in, money_in = (
            self.fmt[L.Style.HEAD],
            self.fmt[L.Style.TEXT_IN],
            self.fmt[L.Style.MONEY_IN],
        )
        for col, label in enumerate(spec.items_columns):
            ws.write_string(hr, col, label, head)
        toc = spec.toc_first_col - 1
        for col, label in enumerate(spec.toc_columns, start=toc):
            ws.write_string(hr, col, label, head)
        for k, item in enumerate(m.listed_items):
            r = hr + 1 + k
            ws.write_number(r, 0, item.number, text_in)
            ws.write_string(r, 1, item.name, text_in)
            if item.amount is None:
                ws.write_blank(r, 2, None, money_in)
            else:
                ws.write_number(r, 2, float(item.amount), money_in)
            ws.write_string(r, 3, item.raw, text_in)
        for k, entry in enumerate(m.toc):
            r = hr + 1 + k
            if entry.number is None:
                ws.write_blank(r, toc, None, text_in)
            else:
                ws.write_number(r, toc, entry.number, text_in)
            ws.write_string(r, toc + 1, entry.title, text_in)
            ws.write_string(r, toc + 2, entry.page, self.fmt[L.Style.CODE_IN])
        self._page(ws, spec.page)
        ws.protect("", L.protection_of(L.DOCUMENT_SHEET))

    def lists(self) -> None:
        ws = self.wb.add_worksheet(worksheet_class=_Worksheet, name=L.LISTS_SHEET)
        columns: list[tuple[str, list[str]]] = [(L.LEVEL1_LIST_NAME, [name for name, _ in level1_lists()])]
        columns += level1_lists()
        everything: list[str] = []
        for _, items in columns[1:]:
            everything += [x for x in items if x not in everything]
        columns.append((L.ALL_LEVEL2_LIST_NAME, everything))
        columns.append((L.BASIS_LIST_NAME, list(L.BASIS_SUGGESTIONS)))
        for col, (name, items) in enumerate(columns):
            ws.write_string(0, col, name)
            for k, item in enumerate(items):
                ws.write_string(k + 1, col, item)
            letter = L.column_letter(col + 1)
            self.wb.define_name(
                name, f"={L.quote_sheet(L.LISTS_SHEET)}!${letter}$2:${letter}${len(items) + 1}"
            )
        ws.hide()
        ws.protect("", L.protection_of(L.LISTS_SHEET))

    def xlwings_conf(self) -> None:
        ws = self.wb.add_worksheet(worksheet_class=_Worksheet, name=L.XLWINGS_CONF_SHEET)
        for col, width in enumerate(L.XLWINGS_CONF_WIDTHS):
            ws.set_column(col, col, width)
        for r, row in enumerate(L.XLWINGS_CONF):
            for col, value in enumerate(row):
                ws.write_string(r, col, value)
        ws.hide()

    def config_sheet(self) -> None:
        ws = self.wb.add_worksheet(worksheet_class=_Worksheet, name=L.CONFIG_SHEET)
        for col, width in enumerate(L.CONFIG_WIDTHS):
            ws.set_column(col, col, width)
        for r, row in enumerate(config_examples()):
            for col, value in enumerate(row):
                ws.write_string(r, col, value)
        ws.hide()

    def meta(self) -> None:
        ws = self.wb.add_worksheet(worksheet_class=_Worksheet, name=L.META_SHEET)
        version = L.META_VERSION
        ws.write_string(0, 0, L.META_MARKER)
        ws.write_number(version.row - 1, version.col - 1, L.LAYOUT_VERSION)
        ws.write_string(1, 0, L.META_NOTE[0])
        ws.write_string(1, 1, L.META_NOTE[1])
        ws.write_string(2, 0, L.META_LAYOUT_KEY)
        ws.write_string(2, 1, self.layout.value)
        r = L.META_FIRST_NOTE_ROW - 1
        for name, t in zip(self.sheet_names, self.doc.tables, strict=True):
            if not t.complete:
                for col, value in enumerate((L.META_INCOMPLETE, name, t.incomplete_reason)):
                    ws.write_string(r, col, value)
                r += 1
        ws.hide()
        ws.protect("", L.protection_of(L.META_SHEET))


class _Worksheet(Worksheet):  # type: ignore[misc]  # xlsxwriter ships no type information
    """A worksheet whose formulas skip xlsxwriter's expansion of dynamic-array functions (some 30 regex
    passes over each formula): the template's formulas use none of them (Excel 2010 has none)."""

    def _prepare_formula(self, formula: str, _expand: bool = False) -> str:  # always positional upstream
        return formula.removeprefix("=")


def _level1_blocks(t: GoalTable) -> dict[int, int]:
    """Row index → length of each run of rows sharing one 一级 (merged as printed)."""
    blocks: dict[int, int] = {}
    k = 0
    inds = t.indicators
    while k < len(inds):
        n = 1
        while k + n < len(inds) and inds[k + n].level1 == inds[k].level1:
            n += 1
        blocks[k] = n
        k += n
    return blocks


def empty_document() -> Document:
    return Document(tables=[GoalTable(index=1)])


def build_bytes(doc: Document | None = None, *, macros: bool = False) -> bytes:
    """The workbook as bytes: the empty template when ``doc`` is None; .xlsm with the VBA project
    and buttons when ``macros``."""
    doc = doc if doc is not None else empty_document()
    if not doc.tables:
        doc = doc.model_copy(update={"tables": [GoalTable(index=1)]})
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "default_format_properties": {"font_name": L.FONT, "font_size": L.FONT_SIZE},
        },
    )
    # A cell with no format of its own (the columns right of the table, every empty cell) is unlocked:
    # LibreOffice deletes a row of a protected sheet only when none of its cells is locked (Style.ROW_FLAG).
    # Set on the default format, not as a format of columns N:XFD, which made xlsxwriter walk all
    # 16 384 columns of every row it writes (building 100 sheets took eight times as long).
    wb.formats[0].set_locked(False)
    wb.set_properties({"title": L.Label.TITLE, "author": "xlgoals", "created": FIXED_TIME})
    wb.set_calc_mode("auto")
    if macros:
        vba = clientcode.macros("excel", "vbaProject.bin").read_bytes()
        wb.add_vba_project(io.BytesIO(vba), is_stream=True)
        wb.set_vba_name("ThisWorkbook")
    _Builder(wb, doc, macros).build()
    wb.close()
    return shared_formulas.share(buf.getvalue())  # each row's 提示 formula written once per sheet
