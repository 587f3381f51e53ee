"""The browser page of ``xlgoals serve``, rendered on the server.

The same HTML serves both ways of using it: a plain form (no script: each button posts the chosen
files; 校验 answers with this page and its findings, the others download a file) and the scripted
page (``static/app.js`` posts the same form with progress and inserts the same findings fragment).
Severity filtering is CSS (radio buttons), so it works without script and in old Chromium.
Every text from a file is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from xlgoals import __version__, limits
from xlgoals.findings import FileResult, Finding, Report, Severity
from xlgoals.report import short_where
from xlgoals.rulesdoc import rules_data

ACCEPT = ".xlsx,.xlsm,.xls,.xlsb,.ods,.et,.txt,.docx,.html,.htm,.mhtml,.mht,.pdf,.json,.zip"
TITLE = "绩效目标表在线校验"

ACTIONS = (  # (form action, label, what the button gives)
    ("/check", "校验", "check"),
    ("/api/annotate", "下载标注副本", "download"),
    ("/api/check?format=xlsx", "下载校验报告（.xlsx）", "download"),
    ("/api/summary", "下载汇总表（.xlsx）", "download"),
    ("/api/convert?to=docx", "生成公开文件（.docx）", "download"),
)


def _head(title: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{escape(title)}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/static/style.css"></head><body>\n'
    )


def page_start(*, token: bool, max_upload_mb: int) -> str:
    """The page down to where the results go."""
    token_field = (
        '<p class="token"><label for="token">访问口令</label> '
        '<input id="token" type="password" name="token" autocomplete="current-password"> '
        "<small>（由财政局提供；浏览器会记住）</small></p>"
        if token
        else ""
    )
    buttons = "".join(
        f'<button type="submit" formaction="{action}" data-kind="{kind}"'
        f"{' class=primary' if kind == 'check' else ''}>{escape(label)}</button>"
        for action, label, kind in ACTIONS
    )
    return (
        _head(TITLE) + f"<header><h1>{TITLE}</h1>"
        "<p>上传绩效目标表，立即得到每个单元格的问题和修改建议，并可下载标注副本、校验报告、汇总表和公开文件。"
        "无需安装任何软件；文件只在校验时使用，完成后立即删除，不会保存。</p></header>\n"
        f'<form id="upload" method="post" action="/check" enctype="multipart/form-data" data-max-mb="{max_upload_mb}">'
        f"{token_field}"  # before the files: the token is sent first and a wrong one stops the upload at once
        '<div id="drop" class="drop">'
        f'<input id="files" type="file" name="files" multiple accept="{ACCEPT}">'
        '<p class="hint">把文件拖到这里，或点“选择文件”。可一次上传多个文件；整个文件夹请先压缩成 .zip 再上传。</p>'
        '<p class="kinds">可上传：工作簿（.xlsx/.xlsm，以及旧版 .xls、.xlsb、.ods）、公开文本（.txt）、Word 公开文件（.docx）、'
        "保存的网页（.html/.mhtml）、PDF（有文字层）、文档 JSON（.json）、"
        f"zip 压缩包。单次上传不超过 {max_upload_mb} MB。</p>"
        '<ul id="chosen"></ul></div>'
        f'<p class="actions">{buttons}</p>'
        '<div id="status" role="status" aria-live="polite"></div>'
        "</form>\n"
        '<p class="links">没有模板？<a href="/template">下载空白模板（.xlsx）</a> · '
        '<a href="/template?macros=1">启用宏的模板（.xlsm，Excel 用）</a> · '
        '<a href="/libreoffice/xlgoals.oxt">LibreOffice 按钮（扩展）</a> · '
        '<a href="/rules">全部校验规则</a> · <a href="/api">接口说明</a></p>\n'
        '<main id="results">'
    )


def page_end() -> str:
    return (
        "</main>\n"
        f"<footer>xlgoals {escape(__version__)} · 每个文件处理时间上限 {limits.FILE_SECONDS} 秒</footer>"
        '<script src="/static/app.js"></script></body></html>\n'
    )


def message_page(sentence: str, *, token: bool, max_upload_mb: int) -> str:
    """The page with one sentence instead of results (a refused upload, no script)."""
    return page_start(token=token, max_upload_mb=max_upload_mb) + problem(sentence) + page_end()


def problem(sentence: str) -> str:
    return f'<p class="problem" role="alert">{escape(sentence)}</p>'


FILTERS = (("warning", "错误和警告"), ("error", "只看错误"), ("all", "全部（含提示）"))
DEFAULT_FILTER = "warning"  # what must be fixed first; 提示 one click away


def report_start(total: int) -> str:
    """The opening of the findings fragment: the filter (CSS radio buttons) and the file list."""
    filters = "".join(
        f'<input type="radio" name="severity" id="sev-{key}"{" checked" if key == DEFAULT_FILTER else ""}>'
        f'<label for="sev-{key}">{label}</label>'
        for key, label in FILTERS
    )
    return f'<div class="report" data-total="{total}"><span class="filter-label">显示：</span>{filters}<div class="files">'


def report_end(report: Report, files: Sequence[tuple[int, FileResult]] = ()) -> str:
    """The end of the fragment: an overview of the files (shown above them, by CSS order) and the
    summary line, which stays in view at the bottom of the window."""
    return f'</div>{overview(files)}<p class="total" data-done="1">{escape(total_text(report))}</p></div>'


def total_text(report: Report) -> str:
    """The summary line; unreadable files first, so "0 个错误" cannot read as "passed"."""
    n = report.unreadable_count
    line = report.summary_line()
    if not n:
        return f"汇总：{line}"
    return f"汇总：{n} 个文件无法读取、未校验（见下）；" + line.replace(f"，{n} 个文件无法读取", "")


def overview(files: Sequence[tuple[int, FileResult]]) -> str:
    """Each file's status and counts, linked to its section (several files only)."""
    if len(files) < 2:
        return ""
    rows = []
    for number, fr in files:
        badge = f'<span class="badge {_BADGE.get(fr.status, "info")}">{escape(fr.status)}</span>'
        c = fr.counts()
        cells = (
            "<td></td><td></td><td></td>"
            if fr.error or fr.skipped
            else "".join(f"<td>{c[s]}</td>" for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
        )
        rows.append(
            f'<tr><td><a href="#file-{number}">{escape(fr.path)}</a></td><td>{badge}</td>{cells}</tr>'
        )
    return (
        '<nav class="overview" aria-label="文件一览"><table><thead><tr><th>文件</th><th>状态</th>'
        "<th>错误</th><th>警告</th><th>提示</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></nav>"
    )


_BADGE = {"有错误": "error", "有警告": "warning", "通过": "ok", "无法读取": "error", "已跳过": "skipped"}


def file_section(fr: FileResult, number: int = 0) -> str:
    """One file's findings, grouped by project (table), in cell order within each (``number``: its
    place in the overview)."""
    badge = f'<span class="badge {_BADGE.get(fr.status, "info")}">{escape(fr.status)}</span>'
    anchor = f' id="file-{number}"' if number else ""
    out = [f'<section class="file" data-file="1"{anchor}><h2>{escape(fr.path)} {badge}']
    if fr.skipped:
        out.append(f'</h2><p class="skipped">已跳过：{escape(fr.skipped)}</p></section>')
        return "".join(out)
    if fr.error:
        out.append(f"</h2>{problem(fr.error)}</section>")
        return "".join(out)
    out.append(f' <small class="counts">{fr.counts_text()}</small></h2>')
    if not fr.findings:
        out.append('<p class="ok">未发现问题。</p></section>')
        return "".join(out)
    labels = dict(fr.tables)
    groups: dict[int | None, list[Finding]] = {}
    for f in fr.findings:
        groups.setdefault(f.table, []).append(f)
    for table in sorted(groups, key=lambda t: (t is not None, t or 0)):
        title = labels.get(table, f"项目{table}") if table is not None else "整个文件"
        worst = min(groups[table], key=lambda f: list(Severity).index(f.severity)).severity.value
        out.append(
            f'<div class="group max-{worst}"><h3>{escape(title)}</h3><table class="findings">'
            '<colgroup><col class="where"><col class="sev"><col class="code"><col><col></colgroup>'
            "<thead><tr><th>位置</th><th>级别</th><th>规则</th><th>问题</th><th>修改建议</th></tr></thead><tbody>"
        )
        for f in groups[table]:
            out.append(  # data-label: the column's name, shown beside the value on a narrow screen
                f'<tr class="finding {f.severity.value}"><td class="where" data-label="位置">{_where(f)}</td>'
                f'<td class="sev" data-label="级别">{f.severity.label}</td>'
                f'<td class="code" data-label="规则"><a href="/rules#{escape(f.code)}">{escape(f.code)}</a></td>'
                f'<td data-label="问题">{escape(f.message)}</td><td data-label="修改建议">{escape(f.hint)}</td></tr>'
            )
        out.append("</tbody></table></div>")
    out.append("</section>")
    return "".join(out)


def _where(f: Finding) -> str:
    """The cell first (what the clerk looks for), its sheet below; a line or a place as it is."""
    loc = f.location
    if loc is not None and loc.place is None and loc.sheet is not None and loc.cell is not None:
        return f"<b>{escape(loc.cell)}</b><br><small>{escape(loc.sheet)}</small>"
    return escape(short_where(f))


def report_fragment(report: Report, results: Iterable[FileResult]) -> str:
    files = list(enumerate(results, start=1))
    return (
        report_start(len(files)) + "".join(file_section(fr, k) for k, fr in files) + report_end(report, files)
    )


def rules_page() -> str:
    rows = []
    for r in rules_data():
        params = "".join(f"<li>可配置：{escape(str(p))}</li>" for p in r["params"])  # type: ignore[attr-defined]
        rows.append(
            f'<section class="rule" id="{escape(str(r["code"]))}"><h2>{escape(str(r["code"]))} '
            f'<span class="badge {escape(str(r["severity"]))}">{escape(str(r["severity_label"]))}</span> '
            f"{escape(str(r['title']))}</h2><dl>"
            f"<dt>检查</dt><dd>{escape(str(r['what']))}</dd><dt>依据</dt><dd>{escape(str(r['why']))}</dd>"
            f"<dt>错误示例</dt><dd>{escape(str(r['bad']))}</dd><dt>正确示例</dt><dd>{escape(str(r['good']))}</dd>"
            f"<dt>修改</dt><dd>{escape(str(r['fix']))}</dd></dl><ul>{params}</ul></section>"
        )
    return (
        _head("校验规则")
        + f'<header><h1>校验规则</h1><p>共 {len(rows)} 条。<a href="/">返回校验页面</a></p></header><main>'
        + "".join(rows)
        + "</main></body></html>\n"
    )


def api_page(openapi: dict[str, Any]) -> str:
    """The API's routes as a page, from the OpenAPI description (no CDN: no interactive console)."""
    rows = []
    for path, methods in openapi.get("paths", {}).items():
        for method, op in methods.items():
            params = "、".join(
                f"{p['name']}（{'必填' if p.get('required') else '可选'}）" for p in op.get("parameters", [])
            )
            rows.append(
                f"<tr><td><code>{escape(method.upper())} {escape(path)}</code></td>"
                f"<td>{escape(op.get('summary', ''))}</td><td>{escape(params)}</td></tr>"
            )
    return (
        _head("接口说明")
        + "<header><h1>接口说明</h1><p>上传用 multipart/form-data，文件字段名 <code>files</code>（可多个）；"
        "设置了访问口令时加请求头 <code>Authorization: Bearer 口令</code>。出错时返回 "
        '<code>{"error": "原因"}</code>。机器可读的描述：<a href="/openapi.json">/openapi.json</a>。'
        '<a href="/">返回校验页面</a></p></header><main><table class="findings"><thead><tr><th>接口</th>'
        "<th>作用</th><th>参数</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></main></body></html>\n"
    )
