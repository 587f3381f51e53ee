"""Every regular expression that meets user text runs in time proportional to the text.

A pattern such as "(.+?)\\s*([0-9][0-9,]*)万元" backtracks cubically on a long run of digits: a
60 000-digit line stalled a whole batch. Every compiled pattern of the package is run here against
pathological lines at the longest length any reader or rule passes to a pattern
(``limits.MAX_PATTERN_TEXT``) and far beyond it; a pattern that needs more than a second on one of
them has catastrophic backtracking (a linear pattern needs milliseconds)."""

from __future__ import annotations

import importlib
import pkgutil
import re
import time

import pytest

import xlgoals
from tests.helpers import SEEDS, run
from xlgoals import limits
from xlgoals.formats.preamble import listed_item, toc_line

UNITS = (
    "9",
    "9,",
    "9.",
    " ",
    "\t",
    "\t9",
    "1.",
    "、",
    "年",
    "万元",
    "9万",
    "（",
    "第",
    "≥",
    "%",
    "-",
    "0.9",
    "《",
    "〔",
    "号",
    "a",
)
PREFIXES = ("", "1.", "1、项目", "涉及项目5个，资金", "≥", "第", "\t")


def _patterns() -> dict[str, re.Pattern[str]]:
    found: dict[str, re.Pattern[str]] = {}
    for info in pkgutil.walk_packages(xlgoals.__path__, "xlgoals."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        values = list(vars(module).values())
        values += [v for cls in values if isinstance(cls, type) for v in vars(cls).values()]
        for value in values:
            items = (
                value.values()
                if isinstance(value, dict)
                else value
                if isinstance(value, list | tuple)
                else [value]
            )
            for item in items:
                if isinstance(item, re.Pattern) and isinstance(item.pattern, str):
                    found[f"{info.name}:{item.pattern}"] = item
    return found


PATTERNS = _patterns()


def test_the_audit_sees_the_patterns_of_the_readers_and_rules():
    modules = {key.split(":", 1)[0] for key in PATTERNS}
    assert len(PATTERNS) >= 30
    assert {"xlgoals.values", "xlgoals.formats.preamble", "xlgoals.formats.text_cells"} <= modules


@pytest.mark.parametrize("key", sorted(PATTERNS))
def test_no_catastrophic_backtracking(key):
    rx = PATTERNS[key]
    for length in (limits.MAX_PATTERN_TEXT, 20_000):
        for prefix in PREFIXES:
            for unit in UNITS:
                text = prefix + unit * (length // len(unit)) + "x"
                for fn in (rx.search, rx.match, rx.fullmatch):
                    start = time.perf_counter()
                    fn(text)
                    seconds = time.perf_counter() - start
                    assert seconds < 1.0, f"{key}: {seconds:.1f}s on {prefix!r}+{unit!r}×{length}"


@pytest.mark.parametrize(
    ("line", "item"),
    [
        ("1.城乡居民养老保险县级配套2800万元；", (1, "城乡居民养老保险县级配套", "2800")),
        (
            "12、 2024年义务教育阶段蛋奶工程县级配套资金 1,234.50 万元。",
            (12, "2024年义务教育阶段蛋奶工程县级配套资金", "1,234.50"),
        ),
        ("3．农村低保县配套96万元", (3, "农村低保县配套", "96")),
        ("1.项目5.2.3万元", (1, "项目5.", "2.3")),  # the longest amount that reads as a number
        ("1. 2800万元", None),  # no name
        ("1.城乡居民养老保险县级配套2800元", None),
        ("城乡居民养老保险县级配套2800万元", None),
        ("1.x" + "9" * 60_000 + "万元", None),  # no amount has that many digits
    ],
)
def test_listed_items(line, item):
    assert listed_item(line) == item


@pytest.mark.parametrize(
    ("line", "entry"),
    [
        ("1.城乡居民养老保险县级配套\t\t3", ("1.城乡居民养老保险县级配套", "3")),
        ("部门整体绩效目标\t 12 ", ("部门整体绩效目标", "12")),
        ("没有页码\t", None),
        ("页码太长\t12345", None),
        ("没有制表符 3", None),
    ],
)
def test_table_of_contents_lines(line, entry):
    assert toc_line(line) == entry


def test_a_published_text_with_a_60000_digit_line_is_checked(tmp_path):
    text = SEEDS["000"].read_text(encoding="utf-8").splitlines()
    at = next(k for k, line in enumerate(text) if line.startswith("1."))
    text[at] = "1.城乡居民养老保险县级配套" + "9" * 60_000 + "万元；"
    path = tmp_path / "long.txt"
    path.write_text("\n".join(text), encoding="utf-8")
    start = time.monotonic()
    res = run("check", str(path), "-q")
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr
    assert time.monotonic() - start < 30  # was: no answer after minutes
