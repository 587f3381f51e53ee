"""Render a Report: terminal text, JSON (schema "xlgoals.report"), and an xlsx report workbook."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import xlsxwriter

from xlgoals import layout as L
from xlgoals import printing
from xlgoals.crossfile import ACROSS_FILES
from xlgoals.findings import FileResult, Finding, Report, Severity, status_of
from xlgoals.marks import fill
from xlgoals.oserrors import resolved
from xlgoals.rules.registry import REGISTRY

REPORT_SCHEMA = "xlgoals.report"
REPORT_VERSION = 1


def short_where(f: Finding) -> str:
    loc = f.location
    if loc is None:
        return ""
    if loc.place is not None:
        return loc.place
    if loc.sheet is not None and loc.cell is not None:
        return str(loc)
    return f"第{loc.line}行" if loc.line is not None else ""


def render_file_text(fr: FileResult, *, hints: bool = True) -> str:
    """One file's block of the text report: grouped by table, then cell or line."""
    out: list[str] = [fr.path]
    if fr.skipped:
        out += [f"  已跳过：{fr.skipped}", ""]
        return "\n".join(out) + "\n"
    if fr.error:
        out += [f"  无法读取：{fr.error}", ""]
        return "\n".join(out) + "\n"
    if not fr.findings:
        out += ["  未发现问题。", ""]
        return "\n".join(out) + "\n"
    labels = dict(fr.tables)
    groups: dict[int | None, list[Finding]] = {}
    for f in fr.findings:
        groups.setdefault(f.table, []).append(f)
    for table in sorted(groups, key=lambda t: (t is not None, t or 0)):
        out.append(f"  {labels.get(table, f'项目{table}') if table is not None else '文档'}")
        for f in groups[table]:
            out.append(f"    {short_where(f):<14} {f.severity.label}  {f.code:<10} {f.message}")
            if hints and f.hint:
                out.append(f"    {'':<14}       → {f.hint}")
    out.append(f"  小计：{fr.counts_text()}")
    out.append("")
    return "\n".join(out) + "\n"


def render_text(report: Report, *, hints: bool = True) -> str:
    return (
        "".join(render_file_text(fr, hints=hints) for fr in report.files)
        + "汇总："
        + report.summary_line()
        + "\n"
    )


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code,
        "severity": f.severity.value,
        "message": f.message,
        "hint": f.hint,
        "where": f.where,
        "location": f.location.model_dump(exclude_none=True) if f.location else None,
        "path": f.path,
        "table": f.table,
        "field": f.field,
    }


def file_dict(fr: FileResult) -> dict[str, Any]:
    return {
        "path": fr.path,
        "status": fr.status,
        "error": fr.error,
        "skipped": fr.skipped,
        "tables": [{"index": i, "label": label} for i, label in fr.tables],
        "counts": {s.value: n for s, n in fr.counts().items()},
        "findings": [finding_dict(f) for f in fr.findings],
    }


def summary_dict(report: Report) -> dict[str, Any]:
    c = report.counts()
    return {
        "files": report.file_count,
        "unreadable": report.unreadable_count,
        "skipped": report.skipped_count,
        "error": c[Severity.ERROR],
        "warning": c[Severity.WARNING],
        "info": c[Severity.INFO],
        "by_rule": dict(sorted(report.by_rule().items())),
        "exit_code": report.exit_code(),
    }


def file_json(fr: FileResult) -> str:
    """``file_dict`` as JSON: indented, each finding on a line of its own. Indenting every finding's
    fields took json's pure-Python encoder (the C one only writes unindented JSON) — for a folder's
    tens of thousands of findings, most of the main process's time while its workers checked."""
    d = file_dict(fr)
    findings = d.pop("findings")
    head = json.dumps(d, ensure_ascii=False, indent=2)  # ends with "\n}"
    rows = ",\n".join("    " + json.dumps(f, ensure_ascii=False) for f in findings)
    return head[:-2] + ',\n  "findings": [' + (f"\n{rows}\n  ]" if findings else "]") + "\n}"


class JsonStream:
    """Writes the JSON report file by file (schema "xlgoals.report"); the summary comes last."""

    def __init__(self, out: Any) -> None:
        self.out = out
        self.first = True
        out.write(f'{{"schema": "{REPORT_SCHEMA}", "version": {REPORT_VERSION}, "files": [\n')

    def add(self, fr: FileResult) -> None:
        self.out.write(("" if self.first else ",\n") + file_json(fr))
        self.first = False

    def close(self, report: Report) -> None:
        self.out.write(
            '\n], "summary": ' + json.dumps(summary_dict(report), ensure_ascii=False, indent=2) + "}\n"
        )


def _sheet_name(unit: str, taken: set[str]) -> str:
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in unit).strip("'")[:31] or "单位"
    name, k = clean, 2
    while name.lower() in {t.lower() for t in taken}:
        suffix = f"({k})"
        name, k = clean[: 31 - len(suffix)] + suffix, k + 1
    return name


def _target(path: str, base: Path) -> str:
    """The file relative to the report's folder when it lies below it (links survive moving both)."""
    target = resolved(Path(path))
    try:
        return str(target.relative_to(resolved(base)))
    except ValueError:
        return str(target)


def _link(fr: FileResult, f: Finding, base: Path) -> str | None:
    """A hyperlink that opens the checked file at the finding's cell."""
    loc = f.location
    target = _target(fr.path, base)
    if loc is not None and loc.sheet is not None and loc.cell is not None:
        return f"external:{target}#{L.quote_sheet(loc.sheet)}!{loc.cell}"
    return f"external:{target}"


def render_xlsx(report: Report, base: Path) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_urls": False})
    head = wb.add_format({"bold": True, "bg_color": L.HEADER_FILL, "border": 1, "font_name": L.FONT})
    text = wb.add_format({"font_name": L.FONT, "text_wrap": True, "valign": "top"})
    link = wb.add_format({"font_name": L.FONT, "font_color": "blue", "underline": 1, "valign": "top"})
    sev_fmt = {
        s: wb.add_format({"font_name": L.FONT, "bg_color": "#" + fill(s), "valign": "top"}) for s in Severity
    }

    def for_print(sheet: Any, header_row: int) -> None:
        """A4 landscape, one page wide, the header row on every page (see ``printing``)."""
        sheet.set_landscape()
        sheet.set_paper(printing.A4)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(header_row)
        sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)

    ws = wb.add_worksheet("文件")
    cols = ("文件", "项目", "状态", *(s.label for s in Severity), "原因")
    widths = (50, 40, 10, 6, 6, 6, 60)
    for_print(ws, 0)
    for k, (label, width) in enumerate(zip(cols, widths, strict=True)):
        ws.write_string(0, k, label, head)
        ws.set_column(k, k, width)
    r = 1
    for fr in report.files:
        c = fr.counts()
        ws.write_url(r, 0, f"external:{_target(fr.path, base)}", link, fr.path)
        ws.write_string(r, 1, "（整个文件）", text)
        ws.write_string(r, 2, fr.status, text)
        for k, s in enumerate(Severity):
            ws.write_number(r, 3 + k, c[s], text)
        ws.write_string(r, 6, fr.error or fr.skipped, text)
        ws.set_row(r, printing.row_height([fr.path, "", "", "", "", "", fr.error or fr.skipped], widths))
        r += 1
        for index, label in fr.tables:
            mine = [f for f in fr.findings if f.table == index]
            counts = {s: sum(1 for f in mine if f.severity == s) for s in Severity}
            status = status_of(mine)
            ws.write_string(r, 0, fr.path, text)
            ws.write_string(r, 1, label, text)
            ws.write_string(r, 2, status, text)
            for k, s in enumerate(Severity):
                ws.write_number(r, 3 + k, counts[s], text)
            ws.set_row(r, printing.row_height([fr.path, label], widths))
            r += 1
    ws.autofilter(0, 0, max(r - 1, 1), len(cols) - 1)
    ws.freeze_panes(1, 0)

    def finding_sheet(name: str, rows: list[tuple[FileResult, Finding]], first_row: int) -> Any:
        sheet = wb.add_worksheet(name)
        cols = ("文件", "项目", "位置", "严重程度", "代码", "问题", "修改建议")
        widths = (30, 30, 22, 8, 11, 60, 50)
        for_print(sheet, first_row - 1)
        for k, (label, width) in enumerate(zip(cols, widths, strict=True)):
            sheet.write_string(first_row - 1, k, label, head)
            sheet.set_column(k, k, width)
        r = first_row
        for fr, f in rows:
            labels = dict(fr.tables)
            sheet.write_string(r, 0, fr.path, text)
            sheet.write_string(r, 1, labels.get(f.table, "文档") if f.table is not None else "文档", text)
            url = _link(fr, f, base)
            where = short_where(f)  # the file has its own column: the cell, line or place alone
            if url:
                sheet.write_url(r, 2, url, link, where or fr.path)
            else:
                sheet.write_string(r, 2, where, text)
            sheet.write_string(r, 3, f.severity.label, sev_fmt[f.severity])
            sheet.write_string(r, 4, f.code, text)
            sheet.write_string(r, 5, f.message, text)
            sheet.write_string(r, 6, f.hint, text)
            project = labels.get(f.table, "文档") if f.table is not None else "文档"
            sheet.set_row(
                r, printing.row_height([fr.path, project, f.where, "", "", f.message, f.hint], widths)
            )
            r += 1
        sheet.autofilter(first_row - 1, 0, max(r - 1, first_row), len(cols) - 1)
        sheet.freeze_panes(first_row, 0)
        return sheet

    finding_sheet("问题", [(fr, f) for fr in report.files for f in fr.findings], 1)

    # One sheet per 预算单位, to send each unit its own findings. A finding about a whole file goes
    # to its unit's sheet when the file is one unit's, else to a sheet named for the file.
    by_unit: dict[str, list[tuple[FileResult, Finding]]] = {}
    for fr in report.files:
        units = {u for u in fr.units.values() if u}
        for f in fr.findings:
            if fr.path == ACROSS_FILES:  # a project code in several files: on a sheet of its own
                unit = ACROSS_FILES
            elif f.table is not None:
                unit = fr.units.get(f.table, "") or "（未填单位）"
            else:
                unit = next(iter(units)) if len(units) == 1 else Path(fr.path).name
            by_unit.setdefault(unit, []).append((fr, f))
    taken = {"文件", "问题", "规则统计"}
    for unit in sorted(by_unit):
        name = _sheet_name(unit, taken)
        taken.add(name)
        unit_sheet = finding_sheet(name, by_unit[unit], 2)
        title = "多个文件之间的问题" if unit == ACROSS_FILES else f"预算单位：{unit}"
        unit_sheet.write_string(0, 0, title, head)

    ws = wb.add_worksheet("规则统计")
    for_print(ws, 0)
    for k, label in enumerate(("代码", "次数", "默认级别", "规则")):
        ws.write_string(0, k, label, head)
    ws.set_column(3, 3, 70)
    for r, (code, n) in enumerate(sorted(report.by_rule().items()), start=1):
        rule = REGISTRY.get(code)
        ws.write_string(r, 0, code, text)
        ws.write_number(r, 1, n, text)
        ws.write_string(r, 2, rule.severity.label if rule else "", text)
        ws.write_string(r, 3, rule.doc.title if rule else "", text)
    wb.close()
    return buf.getvalue()
