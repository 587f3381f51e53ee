"""The live sheet and ``xlgoals check`` agree, finding by finding, on workbooks a clerk edited.

The corpus and its expected results are in ``tests/data/parity/`` (see ``tests/parity.py``). One
LibreOffice call recalculates every workbook; its 提示 column, decoded into (sheet, cell, rule),
and its 项目清单 totals must equal what the core computes from the same file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from tests import parity, soffice
from xlgoals import layout as L

CASES = {c.name: c for c in parity.CASES}


def test_the_corpus_is_large_enough_and_committed():
    expected = parity.expected()
    assert sorted(expected) == sorted(CASES), "regenerate: python -m tests.parity"
    assert len(expected) >= 25
    for name in expected:
        assert (parity.CORPUS / f"{name}.xlsx").is_file(), name
    # Every rule that lives in the sheet is exercised by some workbook of the corpus.
    found = {code for e in expected.values() for _s, _c, code in e["findings"]}
    assert found == parity.LIVE_CODES
    assert {code for e in expected.values() for _s, _c, code in e["shown"]} == parity.PARTIAL_CODES


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_finds_what_the_corpus_expects(name):
    path = parity.CORPUS / f"{name}.xlsx"
    want = parity.expected()[name]
    assert [list(f) for f in parity.checked(path)] == want["findings"]
    assert [list(f) for f in parity.shown(path)] == want["shown"]
    # where the sheet marks part of a rule, 校验 reports the same cell
    assert set(map(tuple, want["shown"])) <= set(parity.checked(path, parity.PARTIAL_CODES))
    assert parity.core_totals(path) == want["totals"]


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory) -> dict[str, soffice.Book]:
    """Every corpus workbook, and one mutated copy, recalculated by LibreOffice in one call."""
    tmp = tmp_path_factory.mktemp("parity")
    files = [parity.CORPUS / f"{name}.xlsx" for name in sorted(CASES)]
    files.append(_mutant(parity.CORPUS / "amount_sum_wrong.xlsx", tmp / "mutant.xlsx"))
    return {f.stem: book for f, book in zip(files, soffice.values(files), strict=True)}


def _mutant(src: Path, dst: Path) -> Path:
    """The corpus workbook with one live formula changed the way a slip in the generator would:
    the 预算数 check's tolerance made a hundred times larger."""
    shutil.copy(src, dst)
    wb = openpyxl.load_workbook(dst)
    ws = wb[parity.project_sheets(wb)[0]]
    flag = ws.cell(L.PROJECT.input(parity.TableField.BUDGET_TOTAL).at.row, L.PROJECT.flag_column)
    assert ">0.005" in flag.value
    flag.value = flag.value.replace(">0.005", ">500")
    wb.save(dst)
    return dst


@pytest.mark.soffice
@pytest.mark.parametrize("name", sorted(CASES))
def test_libreoffice_shows_what_check_finds(name, recalculated):
    wb = recalculated[name]
    want = parity.expected()[name]
    live = parity.live(wb)
    assert [list(f) for f in live if f[2] not in parity.PARTIAL_CODES] == want["findings"]
    assert [list(f) for f in live if f[2] in parity.PARTIAL_CODES] == want["shown"]
    if not CASES[name].unknown_value:
        assert parity.list_totals(wb) == want["totals"]


@pytest.mark.soffice
def test_a_single_disagreement_fails(recalculated):
    """The comparison is not blind: one changed formula makes the live side differ from check."""
    want = parity.expected()["amount_sum_wrong"]["findings"]
    got = [list(f) for f in parity.live(recalculated["mutant"])]
    assert got != want
    missing = [f for f in want if f not in got]
    assert [f[1:] for f in missing] == [["C4", "FUND-001"]]


def test_the_sheets_that_bracket_the_projects_hold_no_amounts():
    """项目清单 sums the amount cells of every sheet from 公开说明 to _lists (a 3-D reference): those
    two must bracket the project sheets and hold no number in an amount cell."""
    wb = openpyxl.load_workbook(parity.CORPUS / "clean.xlsx")
    names = wb.sheetnames
    first, last = (names.index(n) for n in L.PROJECT_SPAN)
    projects = [names.index(n) for n in parity.project_sheets(wb)]
    assert first < min(projects) and max(projects) < last
    for name in L.PROJECT_SPAN:
        for f in (
            parity.TableField.BUDGET_TOTAL,
            parity.TableField.BUDGET_FISCAL,
            parity.TableField.BUDGET_OTHER,
        ):
            at = L.PROJECT.input(f).at
            assert not isinstance(wb[name].cell(at.row, at.col).value, int | float), (name, f)


def test_a_formula_saved_without_its_value_is_reported_as_such_not_as_blank():
    result, _doc = parity.check_file(parity.CORPUS / "formula_without_value.xlsx")
    at_c4 = [f.code for f in result.findings if f.location and f.location.cell == "C4"]
    assert at_c4 == ["STRUCT-015"]  # not "预算数未填", which LibreOffice (computing 2800) does not show


def test_thirty_in_a_percent_cell_says_what_the_sheet_shows_and_how_to_type_it():
    result, _doc = parity.check_file(parity.CORPUS / "percent_whole_30.xlsx")
    (f,) = [f for f in result.findings if f.code == "PLAN-003"]
    assert f.location is not None and f.location.cell == "D7"
    assert "填的是数字 30" in f.message and "3000%" in f.message
    assert "30%" in f.hint and "0.3" in f.hint and "12月底" not in f.hint  # not the rule's general fix
