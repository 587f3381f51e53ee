"""Workbooks of an older layout version: read, checked and upgraded without loss.

tests/data/layout_v1/ holds workbooks exactly as layout version 1 wrote them (the committed template
and seeds 000 and 003 converted by xlgoals before version 2), kept as they are."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.helpers import same_findings, seed
from xlgoals import layout as L
from xlgoals.annotate import annotate_result
from xlgoals.check import check_document, check_file
from xlgoals.convert import convert
from xlgoals.formats.workbook import read as read_workbook
from xlgoals.model import Layout

V1 = Path(__file__).parent / "data" / "layout_v1"


def _findings(doc) -> list[tuple[str, str]]:
    return [f for f in same_findings(doc) if f[0] != "DOC-008"]


def test_version_1_workbooks_read_and_check_as_their_source_text():
    for name, prefix, layout in (("000.xlsx", "000", Layout.HEBEI), ("003.xlsx", "003", Layout.FLAT)):
        doc = read_workbook(V1 / name)
        assert doc.layout_version == 1 and doc.layout == layout  # v1 did not record it: inferred
        assert doc.comparable() == seed(prefix).comparable()
        assert _findings(doc) == _findings(seed(prefix))
        assert [f.code for f in check_document(doc) if f.code == "DOC-008"] == ["DOC-008"]


def test_convert_upgrades_a_version_1_workbook_without_loss(tmp_path):
    for name in ("000.xlsx", "003.xlsx", "template.xlsx"):
        old = read_workbook(V1 / name)
        out = tmp_path / name
        convert(V1 / name, out)
        new = read_workbook(out)
        assert new.layout_version == L.LAYOUT_VERSION and new.layout == old.layout
        meta = openpyxl.load_workbook(out)[L.META_SHEET]
        assert (meta["A3"].value, meta["B3"].value) == (L.META_LAYOUT_KEY, old.layout.value)
        assert new.comparable() == old.comparable(), name
        assert _findings(new) == _findings(old), name
        assert "DOC-008" not in {f.code for f in check_document(new)}


def test_the_annotated_copy_of_a_version_1_workbook_is_upgraded(tmp_path):
    _, doc = check_file(V1 / "000.xlsx")
    assert doc is not None
    copy = annotate_result(V1 / "000.xlsx", tmp_path / "000.xlsx", doc)
    upgraded = read_workbook(copy)
    assert upgraded.layout_version == L.LAYOUT_VERSION
    wb = openpyxl.load_workbook(copy)
    assert wb["1 城乡居民养老保险县级配套"]["F15"].comment is not None  # SAT-001 ≥1.9, marked
    assert (V1 / "000.xlsx").read_bytes()[:4] == b"PK\x03\x04"  # and the original is untouched (read only)
