"""A Word publication (.docx) → Document: rendered into the seed text layout, then parsed by the
published-text importer. Paragraphs become lines; each table cell becomes a tab-led line (its own
paragraphs continue on untabbed lines); a vertically merged continuation is an empty cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xlgoals.errors import XlgoalsInputError
from xlgoals.model import Document


def docx_to_text(path: Path) -> str:
    import docx
    from docx.oxml.ns import qn

    try:
        d = docx.Document(str(path))
    except Exception as exc:
        raise XlgoalsInputError(
            f"Word 文档无法打开（{type(exc).__name__}），文件可能已损坏或不是 .docx。", file=str(path)
        ) from None
    lines: list[str] = []

    def para_text(p: Any) -> str:
        return "".join(t.text or "" for t in p.iter(qn("w:t")))

    for child in d.element.body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(para_text(child))
        elif child.tag == qn("w:tbl"):
            for tr in child.iter(qn("w:tr")):
                for tc in tr.iter(qn("w:tc")):
                    pr = tc.find(qn("w:tcPr"))
                    vmerge = pr.find(qn("w:vMerge")) if pr is not None else None
                    if vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue"):
                        lines.append("\t")
                        continue
                    texts = [para_text(p) for p in tc.iter(qn("w:p"))] or [""]
                    lines.append("\t" + texts[0])
                    lines.extend(t for t in texts[1:] if t.strip())
                lines.append("")
            lines.append("")
    return "\n".join(lines)


def load_docx(path: Path) -> Document:
    from xlgoals.importers.published_text import parse_text

    doc = parse_text(docx_to_text(path), str(path))
    doc.layout = "docx"
    return doc
