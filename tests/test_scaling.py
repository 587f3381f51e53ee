"""The work grows linearly with the size of a workbook: writing one (``convert``, the template
builder), reading and checking it, for a project of n and 8n indicator rows and a workbook of n and
8n project sheets, and marking its annotated copy.

The work is counted, not timed: every Python call and every call into C (``sys.setprofile`` sees each
one, and each step of a generator), so the count is the same on a quiet and on a busy machine and the
ratio is exact. A linear cost gives a little under 8 for 8× the size (fixed costs make it less); a loop
over the rows inside a loop over the rows, up to 64. A quadratic loop in the builder (a membership test
over the 一级 blocks before each row) cost 25 s at 10 000 rows and was seen by no test; here it gives
9.1 from 250 to 2 000 rows (11.0 from 500 to 4 000), against 7.5 without it."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import pytest

from tests.helpers import many_rows, many_sheets
from xlgoals.check import check_file
from xlgoals.io.sheet_text import SheetText
from xlgoals.io.xml_marks import annotate
from xlgoals.model import Document
from xlgoals.template.builder import build_bytes

STEP = 8
LINEAR = 8.5  # the largest ratio a linear cost may show for 8× the size (the counts are exact)


def _calls(fn: Callable[[], object]) -> int:
    count = 0

    def tally(frame: FrameType, event: str, arg: object) -> None:
        nonlocal count
        count += event in ("call", "c_call")

    sys.setprofile(tally)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return count


@pytest.mark.parametrize(
    ("make", "n"), [(many_rows, 250), (many_sheets, 6)], ids=["indicator rows", "project sheets"]
)
def test_writing_and_checking_grow_linearly(make: Callable[[int], Document], n: int, tmp_path: Path) -> None:
    small, large = make(n), make(STEP * n)
    assert sum(len(t.indicators) for t in large.tables) == STEP * sum(len(t.indicators) for t in small.tables)
    warm = tmp_path / "warm.xlsx"  # fills the caches later runs reuse (compiled checks, formulas)
    warm.write_bytes(build_bytes(small))
    check_file(warm)
    work: dict[str, list[int]] = {"build": [], "check": []}
    for size, doc in (("small", small), ("large", large)):
        path = tmp_path / f"{size}.xlsx"
        work["build"].append(_calls(lambda doc=doc, path=path: path.write_bytes(build_bytes(doc))))
        work["check"].append(_calls(lambda path=path: check_file(path)))
    ratios = {what: large_ / small_ for what, (small_, large_) in work.items()}
    assert all(r <= LINEAR for r in ratios.values()), ratios


def test_annotating_grows_linearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Marks spliced into a sheet's text (xlgoals/io/sheet_text.py): past a few cells, every cell to
    restyle is found in one pass over the text, not by a search each — a search each cost 26.7 s for
    10 000 indicator rows (1.4 s with the pass) and was seen by no test, since a search is one call.
    So the bytes searched are counted besides the calls."""
    texts: list[SheetText] = []
    of = SheetText.of

    def kept(text: bytes) -> SheetText | None:
        found = of(text)
        if found is not None:
            texts.append(found)
        return found

    monkeypatch.setattr(SheetText, "of", staticmethod(kept))
    calls, scanned = [], []
    for n in (250, STEP * 250):
        path = tmp_path / f"{n}.xlsx"
        path.write_bytes(build_bytes(many_rows(n)))
        result, doc = check_file(path)
        assert doc is not None and len(result.findings) > n  # most rows marked
        labels = {t.index: t.label for t in doc.tables}
        data = path.read_bytes()
        texts.clear()
        marked: list[bytes] = []
        first = _calls(
            lambda d=data, r=result, la=labels, m=marked: m.append(annotate(d, r.findings, la, {}))
        )
        # pressed again: the first marks cleared, the same put back
        again = _calls(lambda r=result, la=labels, m=marked: annotate(m[0], r.findings, la, {}))
        calls.append(first + again)
        assert texts, "no sheet was marked as text"
        scanned.append(sum(t.scanned for t in texts))
    assert calls[1] / calls[0] <= LINEAR, calls
    assert scanned[1] / scanned[0] <= LINEAR, scanned
