"""The command line as a user meets it: the demo, convert, and bad input (Chinese message, exit 2)."""

from __future__ import annotations

import json

import pytest

from tests.helpers import SEEDS, run


def test_demo_prints_tables_budgets_and_indicator_counts(tmp_path):
    res = run("demo", "--out", str(tmp_path))
    assert res.returncode == 0, res.stderr
    assert "绩效目标表 6 张，预算数合计 12980.00 万元，绩效指标 40 条" in res.stdout
    assert "绩效目标表 44 张" in res.stdout and "不完整的表：[44]" in res.stdout
    assert len(list((tmp_path / "json").glob("*.json"))) == 5
    assert len(list((tmp_path / "xlsx").glob("*.xlsx"))) == 5 and (tmp_path / "绩效目标表.xlsx").exists()
    assert res.stdout.count("回读一致") == 5
    assert "汇总：5 个文件" in res.stdout and (tmp_path / "report.txt").exists()
    full = (tmp_path / "report.txt").read_text(encoding="utf-8")
    assert "满意度指标值“≥1.9”" in full and "→ 写成“≥x%”" in full  # located findings with how to fix them
    assert len(list((tmp_path / "annotated").glob("*.xlsx"))) == 5
    # the last word: these errors are the published examples', not a broken install
    assert "不是程序出错" in res.stdout.rstrip().splitlines()[-1]


def test_convert_text_to_json_and_back(tmp_path):
    out = tmp_path / "000.json"
    res = run("convert", str(SEEDS["000"]), "-o", str(out))
    assert res.returncode == 0, res.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["tables"]) == 6
    again = tmp_path / "again.json"
    assert run("convert", str(out), "-o", str(again)).returncode == 0
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")


def test_gbk_and_bom_encoded_copies_import_the_same(tmp_path):
    from xlgoals.formats import read_document

    text = SEEDS["000"].read_text(encoding="utf-8")
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(text.encode("gb18030"))
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    original = read_document(SEEDS["000"]).without_locations()
    for path in (gbk, bom, crlf):
        assert read_document(path).without_locations() == original


def _header_missing() -> str:
    lines = SEEDS["000"].read_text(encoding="utf-8").split("\n")
    # Drop table 2's unit line through its indicator header (lines 110-155), keep its title and rows.
    return "\n".join(lines[:109] + lines[155:])


@pytest.mark.parametrize(
    ("name", "content", "fragment", "line"),
    [
        ("empty.txt", b"", "文件为空", None),
        ("binary.txt", bytes(range(256)) * 8, "不是文本文件", None),
        (
            "gbk-prose.txt",
            "这是一份普通的通知，没有任何表格。\n第二行。\n".encode("gbk"),
            "无法识别为绩效目标表",
            1,
        ),
        ("header.txt", _header_missing().encode("utf-8"), "缺少表头", 109),
        ("bad.json", b"{not json", "JSON 格式错误", 1),
        ("table.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "旧版 Excel 97-2003", None),
        ("notes.docx", b"PK\x03\x04", "Word 文档已损坏", None),
        ("scan.pdf", b"%PDF-1.4", "PDF 文件无法读取", None),
        ("scan.ofd", b"PK\x03\x04", "不支持的文件类型", None),
    ],
)
def test_bad_input_gives_one_chinese_message_and_exit_2(tmp_path, name, content, fragment, line):
    path = tmp_path / name
    path.write_bytes(content)
    out = tmp_path / "out.json"
    res = run("convert", str(path), "-o", str(out))
    assert res.returncode == 2
    assert fragment in res.stderr and str(path) in res.stderr
    if line is not None:
        assert f"第{line}行" in res.stderr
    assert "Traceback" not in res.stderr and res.stderr.count("\n") == 1
    assert not out.exists()


def test_convert_refuses_to_overwrite_its_input(tmp_path):
    src = tmp_path / "a.json"
    assert run("convert", str(SEEDS["000"]), "-o", str(src)).returncode == 0
    before = src.read_bytes()
    res = run("convert", str(src), "-o", str(src))
    assert res.returncode == 2 and "不会覆盖原文件" in res.stderr
    assert src.read_bytes() == before


def test_outputs_are_readable_like_any_file_not_private(tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        out = tmp_path / "000.json"
        assert run("convert", str(SEEDS["000"]), "-o", str(out)).returncode == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644  # mkstemp alone would leave 0600
