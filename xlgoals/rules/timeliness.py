"""TIME: the timeliness indicators."""

from __future__ import annotations

import re

from xlgoals.livecheck import HASTE_ACTIONS, HASTE_WORDS, TIME_NAME_WORDS
from xlgoals.rules.common import l2, quote, rate_name, rows
from xlgoals.rules.registry import Context, Family, rule
from xlgoals.values import Form, Kind

FAMILY = Family("TIME", "时效指标")

# A deadline that repeats ("每月15日前", "每季度末前", "每年6月底前"): a time, though not one date.
RECURRING = re.compile(r"每(个)?(月|季度?|年|周|天|日)[^，,；;]{0,12}(前|内|底|末)")
# Words of haste that name no time at all.
VAGUE = re.compile(f"({'|'.join(HASTE_WORDS)})({'|'.join(HASTE_ACTIONS)})?")


@rule(
    "TIME-001", "timeliness-form", "warning",
    title="时效指标值形式与名称不符",
    what="时效指标：名称为“…率”要用%；名称含“时间/期限/时限/日期”要用日期、期限（≤N个月/天）、期间或"
         "每月/每季度的期限（“每月15日前”），不能只写“尽快”“及时”这样没有时间的词。",
    why="S9“**月**日前”；000 第371行“资金拨付及时率 ≤12个月”，004 第358/468/896行“报告完成时间 ≥95百分比”。",
    bad="报告完成时间 ≥95%", good="报告完成时间 12月31日前；资金拨付及时率 ≥95%",
    fix="及时率写百分比；完成时间写日期（如“12月31日前”）或期限（如“≤3个月”）。",
)  # fmt: skip
def timeliness_form(ctx: Context) -> None:
    for k, ind in rows(ctx.t):
        if l2(ind) != "时效指标" or not ind.value_raw.strip():
            continue
        v, name = ind.value, ind.name
        if rate_name(name):
            if v.form in (Form.NUMBER, Form.PERIOD, Form.DEADLINE) and not v.is_percent:
                ctx.emit(
                    f"时效指标{quote(name)}是比率，指标值{quote(ind.value_raw)}应为百分比。",
                    indicator=(k, ind),
                )
        elif any(w in name for w in TIME_NAME_WORDS):
            raw = ind.value_raw.strip()
            timeish = (
                v.form in (Form.PERIOD, Form.DEADLINE)
                or (
                    v.form == Form.NUMBER
                    and v.unit in ("个月", "月", "天", "日", "年", "小时", "周", "个工作日", "工作日")
                )
                or RECURRING.search(raw) is not None  # 每月15日前, 每季度末前: a deadline that repeats
            )
            if VAGUE.fullmatch(raw):
                ctx.emit(
                    f"时效指标{quote(name)}的指标值{quote(ind.value_raw)}没有时间，无法考核：应填日期或期限。",
                    indicator=(k, ind),
                )
            elif not timeish and v.kind != Kind.QUAL:
                ctx.emit(
                    f"时效指标{quote(name)}应填日期或期限，而不是{quote(ind.value_raw)}。", indicator=(k, ind)
                )
