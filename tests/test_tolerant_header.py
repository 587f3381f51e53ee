"""Tables from other counties: the unit line without its code (or with the code after the name, or
missing), an empty or missing 项目编码 — imported, with the gap reported by the rules at the table,
instead of the whole file refused. The fixtures are the first table of example 000 edited the way
other counties' publications differ."""

from __future__ import annotations

import pytest

from tests.helpers import SEEDS
from xlgoals.check import check_document
from xlgoals.errors import XlgoalsInputError
from xlgoals.fields import TableField
from xlgoals.formats.hebei_text import parse_unit
from xlgoals.formats.published_text import parse_text

UNIT = "\t316007怀来县社会保险事业管理中心"
CODE = "\t13073024P00047410001H"


def _first_table() -> str:
    """Example 000's first table with its title, as published (up to the second table)."""
    lines = SEEDS["000"].read_text(encoding="utf-8").split("\n")
    start = next(i for i, x in enumerate(lines) if x == UNIT) - 1
    end = next(
        i for i, x in enumerate(lines) if i > start + 1 and x.startswith("\t3") and "单位" in lines[i + 1]
    )
    return "\n".join(lines[start : end - 1]) + "\n"


def _edited(**replace: str) -> str:
    text = _first_table()
    for old, new in replace.items():
        assert old in text or old == "", old
        text = text.replace(old, new, 1)
    return text


@pytest.mark.parametrize(
    ("unit_line", "code", "name"),
    [
        ("\t怀来县社会保险事业管理中心", "", "怀来县社会保险事业管理中心"),
        ("\t预算单位：怀来县社会保险事业管理中心", "", "怀来县社会保险事业管理中心"),
        ("\t怀来县社会保险事业管理中心（316007）", "316007", "怀来县社会保险事业管理中心"),
        ("\t预算单位：316007 怀来县社会保险事业管理中心", "316007", "怀来县社会保险事业管理中心"),
    ],
)
def test_unit_line_in_the_ways_counties_write_it(unit_line: str, code: str, name: str) -> None:
    doc = parse_text(_first_table().replace(UNIT, unit_line, 1), "other.txt")
    (table,) = doc.tables
    assert (table.unit_code, table.unit_name) == (code, name)
    assert table.project_code == "13073024P00047410001H" and table.indicators
    assert table.locations[TableField.UNIT_NAME].line == 2


def test_no_unit_code_and_no_project_code_imports_with_findings() -> None:
    text = _first_table().replace(UNIT, "\t怀来县社会保险事业管理中心", 1).replace(CODE, "\t", 1)
    doc = parse_text(text, "other.txt")
    (table,) = doc.tables
    assert table.unit_code == "" and table.project_code == ""
    assert table.project_name.endswith("城乡居民养老保险县级配套") and len(table.indicators) > 5
    findings = [f for f in check_document(doc) if f.code == "STRUCT-001" and f.field == "project_code"]
    assert findings and findings[0].location is not None and findings[0].location.line == 6  # the empty cell


def test_missing_code_row_and_missing_unit_line() -> None:
    """No 项目编码 row at all and no unit line: the table still imports (title, name, indicators)."""
    text = _first_table()
    text = text.replace(UNIT + "\n", "", 1).replace("\t单位：万元\n", "", 1)
    text = text.replace("\t项目编码\n" + CODE + "\n", "", 1)
    doc = parse_text(text, "other.txt")
    (table,) = doc.tables
    assert table.unit_name == "" and table.project_code == ""
    assert table.budget.total is not None and table.indicators
    assert "STRUCT-001" in {f.code for f in check_document(doc)}


def test_refused_only_when_nothing_identifies_a_table() -> None:
    one_label = parse_text("1.某项目绩效目标表\n\t项目名称\n", "x.txt")  # recognised: imported, reported
    assert one_label.tables[0].project_name == "" and "STRUCT-013" in {
        f.code for f in check_document(one_label)
    }
    with pytest.raises(XlgoalsInputError, match="无法识别为绩效目标表"):
        parse_text("1.某项目绩效目标表\n\t说明\n\t这里不是表格\n", "x.txt")


def test_parse_unit() -> None:
    assert parse_unit("316007怀来县民政局") == ("316007", "怀来县民政局")
    assert parse_unit("怀来县民政局 316007") == ("316007", "怀来县民政局")
    assert parse_unit("单位名称：怀来县民政局") == ("", "怀来县民政局")
