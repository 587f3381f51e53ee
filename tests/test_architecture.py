"""The shape of the package, held by tests: one definition of each thing, no cycles, a thin core.

* No module but ``layout.py`` spells a cell address or a label of the official table.
* The import graph of the package has no cycle; imports are at the top of modules.
* The core (model, values, rules, formula, livecheck …) never imports a spreadsheet library.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from xlgoals import layout as L
from xlgoals.fields import IndicatorField, MetaField, TableField
from xlgoals.findings import Severity

PACKAGE = Path(__file__).resolve().parent.parent / "xlgoals"
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))
CELL = re.compile(r"^\$?[A-Z]{1,2}\$?[0-9]{1,3}(:\$?[A-Z]{1,2}\$?[0-9]{1,3})?$")
IN_FORMULA = re.compile(r"(?<![A-Za-z0-9_])\$?[A-Z]{1,2}\$?[0-9]{1,3}(?![0-9A-Za-z(])")


def _module(path: Path) -> str:
    return ".".join(("xlgoals", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string constant with its line — not docstrings, and not the text parts of f-strings
    (a label inside a sentence is prose; a label on its own is a key someone may copy)."""
    prose = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (n.lineno, n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings | prose
    ]


def _labels() -> set[str]:
    """The official table's vocabulary the layout defines: its printed labels and field names.
    (The severity names 错误/警告/提示 are findings.Severity's own; a 提示 column shares a word.)"""
    out = {v for k, v in vars(L.Label).items() if not k.startswith("_") and isinstance(v, str)}
    out |= set(L.Label.PLAN_POINTS)
    for enum in (TableField, IndicatorField, MetaField):
        out |= {L.field_name(f) for f in enum}
    out |= {label for label, _ in L.FLAT_COLUMNS} | {label for label, _ in L.DOC.fields}
    return out - {s.label for s in Severity}


def test_no_cell_address_or_label_literal_outside_the_layout():
    labels = _labels()
    found = []
    for path in MODULES:
        if path.name == "layout.py":
            continue
        for line, s in _strings(ast.parse(path.read_text(encoding="utf-8"))):
            if CELL.match(s) or (s.startswith("=") and IN_FORMULA.search(s)):
                found.append(f"{path.relative_to(PACKAGE)}:{line} cell {s!r}")
            elif s in labels:
                found.append(f"{path.relative_to(PACKAGE)}:{line} label {s!r}")
    assert not found, "\n".join(found)


def _imports(path: Path) -> tuple[set[str], list[str]]:
    """(xlgoals modules imported at module level, function-local imports as 'line: module')."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top: set[str] = set()
    local: list[str] = []
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    in_functions = {
        id(n)
        for f in ast.walk(tree)
        if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
        for n in ast.walk(f)
    }
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    [*package.split(".")[: len(package.split(".")) - node.level + 1], base]
                ).strip(".")
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            names = [a.name for a in node.names]
        names = [n for n in names if n.split(".")[0] == "xlgoals"]
        if id(node) not in in_functions:
            top.update(names)
        else:
            local.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {', '.join(names) or 'a library'}")
    known = {_module(p) for p in MODULES}
    return {n for n in top if n in known}, local


def test_no_function_local_imports():
    local = [x for p in MODULES for x in _imports(p)[1]]
    assert not local, "\n".join(local)


def test_the_import_graph_has_no_cycle():
    graph = {_module(p): _imports(p)[0] - {_module(p)} for p in MODULES}
    for module in graph:  # a package imports its __init__ first: an edge to the parent is not a cycle
        graph[module] = {m for m in graph[module] if not module.startswith(m + ".")}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        path.append(m)
        for n in sorted(graph.get(m, ())):
            if state.get(n) == 1:
                cycle = [*path[path.index(n) :], n]
                raise AssertionError("import cycle: " + " → ".join(cycle))
            if n not in state:
                visit(n)
        path.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


CORE = (
    "xlgoals.model",
    "xlgoals.fields",
    "xlgoals.values",
    "xlgoals.frameworks",
    "xlgoals.formula",
    "xlgoals.livecheck",
    "xlgoals.findings",
    "xlgoals.layout",
    "xlgoals.marks",
    "xlgoals.totals",
    "xlgoals.config",
)


def test_the_core_never_imports_a_spreadsheet_library():
    heavy = ("openpyxl", "xlsxwriter", "xlwings", "python_calamine", "docx")
    for path in MODULES:
        module = _module(path)
        if not (module in CORE or module.startswith("xlgoals.rules")):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = (
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                )
                assert not any(n.split(".")[0] in heavy for n in names), (module, names)
