"""xlgoals summary: one row per project, subtotals per unit, a grand total the core computed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.helpers import SEEDS, run, seed, seed_workbook
from xlgoals.formats.summary_workbook import FIRST_ROW
from xlgoals.model import PlanMode
from xlgoals.totals import plan_amounts


@pytest.fixture(scope="module")
def summary_001(tmp_path_factory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("sum")
    src = d / "001.xlsx"
    src.write_bytes(seed_workbook("001"))
    out = d / "汇总.xlsx"
    res = run("summary", str(src), "-o", str(out))
    assert res.returncode == 1, res.stderr  # written; exit 1 as for check: 001 has errors
    assert "44 个项目" in res.stdout and "24596.12" in res.stdout
    return src, out


def _rows(ws):
    return list(ws.iter_rows(min_row=FIRST_ROW, values_only=True))


def test_seed_001_has_44_projects_and_a_grand_total_equal_to_their_sum(summary_001):
    _, out = summary_001
    ws = openpyxl.load_workbook(out)["汇总"]
    rows = _rows(ws)
    projects = [r for r in rows if r[1]]
    assert len(projects) == 44
    assert [r[1] for r in projects][:2] == ["13032224P00XC0610104L", "13032224P00XC06101058"]
    budgets = [Decimal(str(r[3])) for r in projects]
    assert sum(budgets) == Decimal("24596.12") == sum(t.budget.total for t in seed("001").tables)
    total = rows[-1]
    assert total[0].startswith("合计（44个项目）")
    raw = openpyxl.load_workbook(out, data_only=False)["汇总"]
    assert str(raw.cell(ws.max_row, 4).value).startswith("=SUM(")
    subtotals = [r for r in rows if str(r[0]).startswith("小计")]
    assert len(subtotals) == len({(t.unit_code, t.unit_name) for t in seed("001").tables})
    assert all(isinstance(r[3], int | float) for r in projects)  # numbers stored as numbers, not text
    assert raw.cell(FIRST_ROW, 4).number_format == "0.00"


def test_plan_amounts_are_percent_times_budget():
    t = seed("001").tables[0]  # 180.00 万元, 25/50/75/100 %
    assert t.spend_plan.mode == PlanMode.PERCENT
    assert plan_amounts(t) == [Decimal("45.00"), Decimal("90.00"), Decimal("135.00"), Decimal("180.00")]
    amounts = seed("002").tables[0]  # amount mode, written in 万元
    assert plan_amounts(amounts)[3] == Decimal("5646.60")


def test_summary_of_a_folder_names_unreadable_files(tmp_path):
    (tmp_path / "a.xlsx").write_bytes(seed_workbook("000"))
    (tmp_path / "b.xlsx").write_text("junk", encoding="utf-8")
    out = tmp_path / "out" / "汇总.xlsx"
    res = run("summary", str(tmp_path), str(SEEDS["003"]), "-o", str(out))
    assert res.returncode == 2 and "无法读取" in res.stdout  # as check: an unreadable input
    wb = openpyxl.load_workbook(out)
    assert wb["无法读取"]["A2"].value.endswith("b.xlsx")
    status = {r[2]: r[14] for r in _rows(wb["汇总"]) if not str(r[0]).startswith(("小计", "合计"))}
    assert status["怀财字【2024】7号 城乡居民养老保险县级配套"] == "有错误"  # SAT-001 on "≥1.9"


@pytest.mark.soffice
def test_summary_formulas_agree_with_the_core_in_libreoffice(summary_001, tmp_path):
    from tests import soffice

    _, out = summary_001
    (recalc,) = soffice.convert([out], "xlsx", tmp_path / "lo")
    computed = _rows(openpyxl.load_workbook(out, data_only=True)["汇总"])
    lo = _rows(openpyxl.load_workbook(recalc, data_only=True)["汇总"])
    assert len(lo) == len(computed)
    for mine, theirs in zip(computed, lo, strict=True):
        for a, b in zip(mine[3:14], theirs[3:14], strict=True):
            assert (a in (None, "") and b in (None, "")) or abs(float(a) - float(b)) < 0.005, (mine[0], a, b)
    assert abs(lo[-1][3] - 24596.12) < 0.005


def test_an_amount_typed_as_text_is_shown_but_not_counted(tmp_path):
    """As in the workbook's own 项目清单: "2,800.00" typed as text is not in the sums."""
    from tests.parity import CORPUS, base

    out = tmp_path / "汇总.xlsx"
    res = run("summary", str(CORPUS / "amount_thousands_text.xlsx"), "-o", str(out))
    assert res.returncode in (0, 1), res.stderr
    ws = openpyxl.load_workbook(out).worksheets[0]
    first = ws.cell(FIRST_ROW, 4)
    assert first.value == "2,800.00"  # as typed, a string: SUM skips it
    tables = base().tables
    total = sum(t.budget.total or 0 for t in tables)
    assert tables[0].budget.total == Decimal("2800.00")  # the amount the corpus typed as text
    assert f"{total:.2f}" not in res.stdout and f"{total - 2800:.2f}" in res.stdout
