"""Fuzzing the doors: every reader, fed mutated real input, returns a Document or refuses with an
XlgoalsInputError (one Chinese sentence) — and the whole rule catalogue then runs on what it read
without raising.

Bounded in CI (the "ci" profile of tests/conftest.py). The long run, documented in tests/README.md:

    HYPOTHESIS_PROFILE=long ./dev test tests/test_fuzz.py
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import SEEDS, seed
from xlgoals.check import check_document
from xlgoals.errors import XlgoalsInputError
from xlgoals.formats.document_json import dumps, loads
from xlgoals.formats.published_text import parse_text
from xlgoals.formats.workbook import read_grid_document
from xlgoals.io import fast as fast_io
from xlgoals.io.grid import SheetGrid, WorkbookGrid, trimmed
from xlgoals.model import Document
from xlgoals.safetext import _SURROGATES, _XML_ILLEGAL, printable, xml_safe
from xlgoals.template.builder import build_bytes
from xlgoals.values import MAX_AMOUNT, parse_amount, parse_plan_point, parse_value

SLOW = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# What a clerk, a converter or an attacker puts in a cell.
CELL = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(
        ["", " ", "2,800.00", "2800万元", "２８００", "30", "0.3", "≥90%", "#VALUE!", "=A1", "\x00", "\ufffd"]
    ),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.text(min_size=500, max_size=3000),
)


def _checked(doc: Document) -> None:
    """The rules run on whatever a reader accepted; a finding's location is one the user can find."""
    for f in check_document(doc):
        assert f.message and f.code


def _read_or_refuse(fn: Any, *args: Any) -> None:
    try:
        doc = fn(*args)
    except XlgoalsInputError as exc:
        assert str(exc).strip() and "Traceback" not in str(exc)
        return
    _checked(doc)


# --- the value grammar ---------------------------------------------------------------------------


@given(CELL)
def test_amounts_and_plan_points_never_raise_and_stay_bounded(raw):
    amount = parse_amount(raw)
    assert amount is None or (amount.is_finite() and abs(amount) <= MAX_AMOUNT)
    point, _ = parse_plan_point(raw)
    assert point is None or point.is_finite()


@given(st.text(), st.text(max_size=8), st.text(max_size=8))
def test_any_value_text_parses(raw, unit, kind):
    v = parse_value(raw, unit, kind)
    assert v.raw == raw
    assert v.number is None or (isinstance(v.number, Decimal) and v.number.is_finite())


# --- published text ------------------------------------------------------------------------------


@cache
def _seed_lines(prefix: str) -> tuple[str, ...]:
    """A publication's first 700 lines: all of 000, 002 and 003, six or seven tables of 001 and 004.
    At most 12 edits land in them; the rest of 001's 5 000 lines only made each example slower."""
    return tuple(SEEDS[prefix].read_text(encoding="utf-8").splitlines()[:700])


LINE_EDIT = st.tuples(
    st.sampled_from(["delete", "duplicate", "replace", "insert", "truncate", "tab", "untab"]),
    st.integers(min_value=0, max_value=10**6),
    st.text(max_size=40),
)


@SLOW
@given(st.sampled_from(["000", "001", "002", "003", "004"]), st.lists(LINE_EDIT, min_size=1, max_size=12))
def test_the_text_reader_on_mutated_publications(prefix, edits):
    lines = list(_seed_lines(prefix))
    for op, at, text in edits:
        k = at % max(len(lines), 1)
        if not lines:
            lines = [text]
        elif op == "delete":
            del lines[k]
        elif op == "duplicate":
            lines.insert(k, lines[k])
        elif op == "replace":
            lines[k] = text
        elif op == "insert":
            lines.insert(k, "\t" + text)
        elif op == "truncate":
            lines = lines[:k]
        elif op == "tab":
            lines[k] = "\t" + lines[k]
        else:
            lines[k] = lines[k].lstrip("\t")
    _read_or_refuse(parse_text, "\n".join(lines), "fuzz.txt")


# --- workbooks, through their grid ---------------------------------------------------------------


@cache
def _seed_grid(prefix: str) -> WorkbookGrid:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"{prefix}.xlsx"
        path.write_bytes(build_bytes(seed(prefix) if prefix else None))
        return fast_io.read_grid(path)


GRID_EDIT = st.tuples(
    st.sampled_from(["set", "set", "set", "delete_row", "insert_row", "drop_sheet", "rename_sheet"]),
    st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=0, max_value=40),
    st.integers(min_value=0, max_value=14),
    CELL,
)


@SLOW
@given(st.sampled_from(["000", "003", ""]), st.lists(GRID_EDIT, min_size=1, max_size=15))
def test_the_workbook_reader_on_mutated_grids(prefix, edits):
    source = _seed_grid(prefix)
    sheets = [SheetGrid(s.name, [list(r) for r in s.rows], s.hidden) for s in source.sheets]
    for op, which, row, col, value in edits:
        if not sheets:
            break
        sheet = sheets[which % len(sheets)]
        if op == "set":
            while len(sheet.rows) <= row:
                sheet.rows.append([])
            cells = sheet.rows[row]
            while len(cells) <= col:
                cells.append(None)
            cells[col] = value
        elif op == "delete_row" and row < len(sheet.rows):
            del sheet.rows[row]
        elif op == "insert_row":
            sheet.rows.insert(min(row, len(sheet.rows)), [value] * (col % 3))
        elif op == "drop_sheet":
            sheets.remove(sheet)
        elif op == "rename_sheet":
            sheet.name = str(value)[:31]
    # as an adapter hands cells over: trimmed, NaN/Inf as the error text a spreadsheet shows
    grid = WorkbookGrid("fuzz.xlsx", [SheetGrid(s.name, trimmed(s.rows), s.hidden) for s in sheets])
    _read_or_refuse(read_grid_document, grid)


# --- Document JSON -------------------------------------------------------------------------------

JSON_VALUE = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=20),
        st.sampled_from(["2800.00", "1e400", "NaN", "-0", "hebei", "flat", "value", "2024"]),
    ),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*here, k))
    elif isinstance(node, list):
        for k, v in enumerate(node):
            out += _paths(v, (*here, k))
    return out


@cache
def _seed_json(prefix: str) -> str:
    return dumps(seed(prefix))


@SLOW
@given(
    st.sampled_from(["000", "003"]),
    st.lists(st.tuples(st.integers(min_value=0, max_value=10**6), JSON_VALUE, st.booleans()), max_size=6),
)
def test_the_json_reader_on_mutated_documents(prefix, edits):
    data = json.loads(_seed_json(prefix))
    for at, value, delete in edits:
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = paths[at % len(paths)]
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        if delete and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = value
    _read_or_refuse(loads, json.dumps(data, ensure_ascii=False), "fuzz.json")


@given(st.binary(max_size=400))
def test_the_json_reader_on_bytes(blob):
    _read_or_refuse(loads, blob.decode("utf-8", "surrogateescape"), "fuzz.json")


def test_an_adapter_hands_over_non_finite_numbers_as_spreadsheet_errors():
    """What the grid fuzzing relies on: NaN and infinities never reach a reader as floats."""
    assert trimmed([[float("nan"), float("inf"), 1.5, None]]) == [["#NUM!", "#NUM!", 1.5]]


_CELL = st.one_of(
    st.none(), st.just(""), st.just(" "), st.text(max_size=3), st.floats(allow_nan=False), st.booleans()
)


@given(
    st.lists(st.lists(_CELL, max_size=8), max_size=5),
    st.integers(-1, 7),
    st.lists(st.integers(-1, 10), max_size=10),
)
def test_a_rows_filled_cells_are_what_value_gives_where_it_is_not_none(rows, row, cols):
    """The template reader reads an indicator row through ``filled``: it must agree with ``value``."""
    sheet = SheetGrid("s", rows)
    expected = {c: sheet.value(row, c) for c in cols if sheet.value(row, c) is not None}
    assert sheet.filled(row, cols) == expected


def test_found_by_fuzzing_a_list_as_the_source_format():
    data = json.loads(_seed_json("000"))
    data["format"] = []  # was: TypeError (unhashable type) instead of a sentence
    with pytest.raises(XlgoalsInputError, match=r"\$\.format"):
        loads(json.dumps(data), "fuzz.json")


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=st.characters(codec=None))
    | st.text(alphabet="a表\t\n\r\x00\x0b\ud800\udfff\ufffe\uffff\u2028")
)
def test_xml_safe_and_printable_are_the_same_with_or_without_their_shortcut(text):
    """Both return a printable text as it is; what they remove or replace is never printable."""
    # compared as ascii(): a failure's report must not carry a lone surrogate (xdist cannot send it)
    assert ascii(printable(text)) == ascii(_SURROGATES.sub("\ufffd", text))
    assert ascii(xml_safe(text)) == ascii(_XML_ILLEGAL.sub("", _SURROGATES.sub("\ufffd", text)))
