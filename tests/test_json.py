"""Document JSON: the documented shape, exact decimals, and a lossless round trip."""

from __future__ import annotations

import json

import pytest

from tests.helpers import SEEDS, seed
from xlgoals.errors import XlgoalsInputError
from xlgoals.formats.document_json import document_to_dict, dumps, loads


@pytest.mark.parametrize("prefix", sorted(SEEDS))
def test_json_round_trip_is_lossless(prefix):
    doc = seed(prefix)
    text = dumps(doc)
    back = loads(text)
    assert back == doc
    assert dumps(back) == text


def test_json_has_the_documented_shape_with_exact_decimals():
    data = json.loads(dumps(seed("000")))
    assert data["schema"] == "xlgoals.document" and data["version"] == 2
    t = data["tables"][0]
    for key in (
        "project_code",
        "project_name",
        "unit_code",
        "unit_name",
        "budget",
        "spend_plan",
        "goals",
        "indicators",
    ):
        assert key in t
    assert (
        t["budget"]["total"] == "2800.00"
        and t["budget"]["fiscal"] == "2800.00"
        and t["budget"]["other"] is None
    )
    ind = t["indicators"][-1]
    for key in ("level1", "level2", "name", "description", "basis"):
        assert key in ind
    assert ind["value"]["raw"] == "≥1.9"
    assert ind["value"]["op"] == "≥" and ind["value"]["number"] == "1.9" and ind["value"]["unit"] == ""
    assert ind["value"]["kind"] == "定量"
    assert ind["locations"]["value"] == {"file": str(SEEDS["000"]), "line": 102}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("{", "JSON 格式错误"),
        ("[]", "应为对象"),
        ('{"schema": "other"}', "不是 xlgoals 文档 JSON"),
        ('{"schema": "xlgoals.document", "version": 99}', "不支持的版本"),
        (
            '{"schema": "xlgoals.document", "version": 1, "tables": [{"budget": {"total": "两千"}}]}',
            "$.tables[0].budget.total",
        ),
        (
            '{"schema": "xlgoals.document", "version": 1, "tables": [{"indicators": {}}]}',
            "$.tables[0].indicators",
        ),
    ],
)
def test_bad_json_gives_a_chinese_message_with_the_path(text, fragment):
    with pytest.raises(XlgoalsInputError) as exc:
        loads(text, "x.json")
    assert fragment in str(exc.value) and "x.json" in str(exc.value)


def test_numbers_are_exact_strings_not_floats():
    data = document_to_dict(seed("001"))
    totals = [t["budget"]["total"] for t in data["tables"]]
    assert all(isinstance(x, str) for x in totals)
    assert "935.11" in totals
