"""Document-level facts of a publication: the text before the first table.

Title, intro with its stated project count and total ("涉及项目5个，财政资金12980万元") and listed
items ("1.城乡居民养老保险县级配套2800万元；"), the sign-off (issuer + date), the table of contents
(004) and the 部门整体绩效目标 section (004).
"""

from __future__ import annotations

import re
from collections import Counter

from xlgoals.fields import MetaField
from xlgoals.formats.text_cells import PAGE_NUMBER
from xlgoals.layout import field_name, label_key
from xlgoals.model import DocumentMeta, ListedItem, Location, TocEntry
from xlgoals.values import DOC_NUMBER, parse_amount

STATED_COUNT = re.compile(r"(?:涉及|共|包括|含)(?:重大政策和重点)?项目\s*(\d+)\s*个")
STATED_TOTAL = re.compile(
    r"(?:财政资金|资金|金额|合计|共计|总计)(?:共|合计|总额)?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*万元"
)
# A listed item, "1.城乡居民养老保险县级配套2800万元；": number, name, amount. Matched in steps
# (``listed_item``), not by one pattern: "(.+?)\s*([0-9][0-9,]*…)万元" backtracks cubically on a long
# run of digits.
LISTED_NUMBER = re.compile(r"(\d{1,3})\s*[.、．]\s*")
LISTED_END = re.compile(r"万元\s*[；;。，,]?\s*")
AMOUNT = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?")
AMOUNT_CHARS = frozenset("0123456789,.")
MAX_AMOUNT_CHARS = 40
SIGN_DATE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
TOC_NUMBERED = re.compile(r"^(\d{1,3})\s*[.、．]\s*(.+)$")
YEAR = re.compile(r"(20\d{2})\s*年")


def parse_preamble(file: str, lines: list[str], end: int) -> DocumentMeta:
    """Parse lines[0:end] (0-based) into the document meta."""
    meta = DocumentMeta()
    nonblank = [(i, lines[i].strip()) for i in range(end) if lines[i].strip()]
    last_title = _title(meta, file, lines, nonblank)
    toc_start = next((i for i, t in nonblank if label_key(t) == field_name(MetaField.TOC)), None)
    toc_end = toc_start
    if toc_start is not None:
        meta.toc, toc_end = _parse_toc(file, lines, toc_start + 1, end)
        meta.locations[MetaField.TOC] = Location(file=file, line=toc_start + 1)
    in_toc = range(toc_start, toc_end or toc_start) if toc_start is not None else range(0)
    intro = [(i, t) for i, t in nonblank if i > last_title and i not in in_toc]
    _sign_off(meta, file, intro)
    paragraphs = [(i, t) for i, t in intro if t not in (meta.issue_date, meta.issuer)]
    meta.intro = "\n".join(t for _, t in paragraphs if not PAGE_NUMBER.match(t))
    if paragraphs:
        meta.locations[MetaField.INTRO] = Location(file=file, line=paragraphs[0][0] + 1)
    _stated(meta, file, paragraphs)
    meta.department_goals, goals_line = _department_goals(lines, end, toc_end or 0)
    if goals_line is not None:
        meta.locations[MetaField.DEPARTMENT_GOALS] = Location(file=file, line=goals_line + 1)
    meta.doc_number = _own_doc_number(lines, end)
    year = YEAR.search(meta.title) or YEAR.search(meta.intro)
    if year:
        meta.budget_year = int(year.group(1))
    return meta


def _title(meta: DocumentMeta, file: str, lines: list[str], nonblank: list[tuple[int, str]]) -> int:
    """The title: the leading short lines (at most 3, no more than 3 blank lines apart), before any
    list item or paragraph. Returns the index of its last line (-1 without a title)."""
    parts: list[str] = []
    last = -1
    for i, text in nonblank:
        if parts and i - last > 4:
            break
        toc = label_key(text) == field_name(MetaField.TOC)
        if len(text) > 40 or TOC_NUMBERED.match(text) or toc or "\t" in lines[i].strip():
            break
        parts.append(text)
        meta.locations.setdefault(MetaField.TITLE, Location(file=file, line=i + 1))
        last = i
        if len(parts) == 3:
            break
    meta.title = "".join(parts)
    return last


def _sign_off(meta: DocumentMeta, file: str, intro: list[tuple[int, str]]) -> None:
    """The sign-off: a date line, with the issuing unit on the line above."""
    for k, (i, text) in enumerate(intro):
        if SIGN_DATE.match(text):
            meta.issue_date = text
            meta.locations[MetaField.ISSUE_DATE] = Location(file=file, line=i + 1)
            if k > 0 and len(intro[k - 1][1]) <= 20:
                meta.issuer = intro[k - 1][1]
                meta.locations[MetaField.ISSUER] = Location(file=file, line=intro[k - 1][0] + 1)
            return


def _stated(meta: DocumentMeta, file: str, paragraphs: list[tuple[int, str]]) -> None:
    """What the intro states: the project count and total, and the numbered list of projects."""
    for i, text in paragraphs:
        m = STATED_COUNT.search(text)
        if m and meta.stated_count is None:
            meta.stated_count = int(m.group(1))
            meta.locations[MetaField.STATED_COUNT] = Location(file=file, line=i + 1)
            t = STATED_TOTAL.search(text, m.end())
            if t:
                meta.stated_total = parse_amount(t.group(1))
                meta.locations[MetaField.STATED_TOTAL] = Location(file=file, line=i + 1)
    for i, text in paragraphs:
        item = listed_item(text)
        if item is not None:
            number, name, amount = item
            meta.listed_items.append(
                ListedItem(
                    number=number,
                    name=name,
                    amount=parse_amount(amount),
                    raw=text,
                    location=Location(file=file, line=i + 1),
                )
            )


def listed_item(text: str) -> tuple[int, str, str] | None:
    """(number, name, amount) of "1.城乡居民养老保险县级配套2800万元；", or None. In linear time: the
    amount is the longest number that ends right before the last "万元" closing the line."""
    head = LISTED_NUMBER.match(text)
    end = text.rfind("万元")
    if head is None or end < 0 or not LISTED_END.fullmatch(text, end):
        return None
    stop = len(text[:end].rstrip())
    start = stop
    while start > head.end() and text[start - 1] in AMOUNT_CHARS:
        start -= 1
    if start == head.end() or stop - start > MAX_AMOUNT_CHARS:
        return None  # no name before the amount, or more characters than any amount in 万元 has
    for k in range(start, stop):
        if AMOUNT.fullmatch(text, k, stop):
            name = text[head.end() : k].strip()
            return int(head.group(1)), name, text[k:stop]
    return None


def toc_line(line: str) -> tuple[str, str] | None:
    """(title, page) of a table-of-contents line "城乡居民养老保险县级配套<TAB>3", or None: the page is
    1–4 digits at the end, after whitespace that holds a tab. In linear time."""
    text = line.rstrip()
    digits = len(text)
    while digits > 0 and text[digits - 1].isdecimal():
        digits -= 1
    if not 1 <= len(text) - digits <= 4:
        return None
    gap = digits
    while gap > 0 and text[gap - 1].isspace():
        gap -= 1
    tab = text.find("\t", gap, digits)
    if tab < 0:
        return None
    return text[:tab], text[digits:]


def _parse_toc(file: str, lines: list[str], start: int, end: int) -> tuple[list[TocEntry], int]:
    entries: list[TocEntry] = []
    i = start
    while i < end:
        raw = lines[i]
        text = raw.strip()
        if not text:
            i += 1
            continue
        toc = toc_line(raw)
        if toc is None:
            if text.startswith("第") and "部分" in text:
                i += 1
                continue
            break
        title, page = toc[0].strip(), toc[1]
        num = TOC_NUMBERED.match(title)
        if (
            entries
            and not num
            and entries[-1].page == page
            and not re.match(r"^[一二三四五六七八九十]+、", title)
        ):
            entries[-1].title += title  # a title that wraps onto the next TOC line
        elif num:
            entries.append(
                TocEntry(
                    number=int(num.group(1)),
                    title=num.group(2).strip(),
                    page=page,
                    location=Location(file=file, line=i + 1),
                )
            )
        else:
            entries.append(TocEntry(title=title, page=page, location=Location(file=file, line=i + 1)))
        i += 1
    return entries, i


def _department_goals(lines: list[str], end: int, after: int) -> tuple[str, int | None]:
    """The 部门整体绩效目标 section (004): its text and the 0-based line of its heading."""
    heading = field_name(MetaField.DEPARTMENT_GOALS)
    start = next((i for i in range(after, end) if label_key(lines[i]).endswith(heading)), None)
    if start is None:
        return "", None
    out: list[str] = []
    for i in range(start + 1, end):
        text = lines[i].strip()
        if text.startswith("第") and "部分" in text and i > start + 1:
            break
        if text and not PAGE_NUMBER.match(text):
            out.append(text)
    return "\n".join(out), start if out else None


def _own_doc_number(lines: list[str], end: int) -> str:
    """The publication's own 文号: the one its table titles carry, not one cited in the intro."""
    found = [
        m.group(0) for line in lines[end:] if not line.startswith("\t") for m in DOC_NUMBER.finditer(line)
    ]
    if found:
        # most_common keeps first-seen order among ties: the same input always gives the same 文号
        return Counter(found).most_common(1)[0][0]
    return ""
