"""The shape of the package, held by tests: one definition of each thing, no cycles, a thin core.

* No module but ``layout.py`` spells a cell address or a label of the official table.
* The import graph of the package has no cycle, and no module imports one of a layer above it
  (``LAYERS``); imports are at the top of modules (what loads on first use is named in a registry
  or a module-level name: the formats, the subcommands, the service's routes, what only --annotate
  or an unusual workbook needs).
* The core (the first three layers) imports nothing but pydantic, even through other modules; the
  command line loads a subcommand's libraries only when it runs.
"""

from __future__ import annotations

import ast
import functools
import re
import subprocess
import sys
from pathlib import Path

import pytest

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
        for line, s in _strings(_parsed(path)):
            if CELL.match(s) or (s.startswith("=") and IN_FORMULA.search(s)):
                found.append(f"{path.relative_to(PACKAGE)}:{line} cell {s!r}")
            elif s in labels:
                found.append(f"{path.relative_to(PACKAGE)}:{line} label {s!r}")
    assert not found, "\n".join(found)


@functools.cache
def _parsed(path: Path) -> ast.Module:
    """A module's syntax tree, parsed once for all the tests here (they only read it)."""
    return ast.parse(path.read_text(encoding="utf-8"))


@functools.cache
def _imports(path: Path) -> tuple[set[str], list[str]]:
    """(xlgoals modules imported at module level, function-local imports as 'line: module')."""
    tree = _parsed(path)
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
    graph = _graph()
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


# The package in layers, lowest first: a module imports only modules of its own layer or below.
# (Within a layer the graph has no cycle either: test_the_import_graph_has_no_cycle.)
LAYERS: tuple[tuple[str, ...], ...] = (
    (  # plumbing that knows nothing of 绩效目标表
        "xlgoals",
        "xlgoals.safetext",
        "xlgoals.errors",
        "xlgoals.limits",
        "xlgoals.exitcodes",
        "xlgoals.oserrors",
        "xlgoals.atomic",
        "xlgoals.errorlog",
        "xlgoals.firstuse",
        "xlgoals.stdio",
        "xlgoals.pool",
        "xlgoals.printing",
        "xlgoals.clientcode",
        "xlgoals.template",
        "xlgoals.template.cfb",
        "xlgoals.template.ovba",
        "xlgoals.template.shared_formulas",
    ),
    (  # the core: the table's vocabulary, the data, the live checks
        "xlgoals.fields",
        "xlgoals.values",
        "xlgoals.formula",
        "xlgoals.layout",
        "xlgoals.model",
        "xlgoals.findings",
        "xlgoals.frameworks",
        "xlgoals.synonyms",
        "xlgoals.livecheck",
        "xlgoals.totals",
        "xlgoals.protocol",
    ),
    (  # the core: the rules, their configuration, and what 校验 marks
        "xlgoals.rules*",
        "xlgoals.config",
        "xlgoals.crossfile",
        "xlgoals.rulesdoc",
        "xlgoals.runcontext",
        "xlgoals.marks",
        "xlgoals.template.formulas",
        "xlgoals.template.instructions",
    ),
    (  # the formats and the spreadsheet adapters
        "xlgoals.io*",
        "xlgoals.formats*",
        "xlgoals.template.builder",
        "xlgoals.template.udf_vba",
        "xlgoals.template.vba_text",
        "xlgoals.template.vbaproject",
        "xlgoals.wps*",
        "xlgoals.libreoffice*",
    ),
    (  # what a command does: read, check, mark, total, convert, many files at once
        "xlgoals.inputs",
        "xlgoals.check",
        "xlgoals.annotate",
        "xlgoals.convert",
        "xlgoals.report",
        "xlgoals.batch",
        "xlgoals.summary",
        "xlgoals.distributed",
        "xlgoals.demo",
        "xlgoals.press",
        "xlgoals.gendocs",
    ),
    (  # the doors: the command line, the service, the Excel glue
        "xlgoals.excel*",
        "xlgoals.service*",
        "xlgoals.commands*",
        "xlgoals.cli",
        "xlgoals.__main__",
    ),
)
CORE_LAYERS = 3  # the first three: pure Python on pydantic models


def _layer(module: str) -> int:
    for k, names in enumerate(LAYERS):
        for name in names:
            if module == name or (name.endswith("*") and (module + ".").startswith(name[:-1] + ".")):
                return k
            if name.endswith("*") and module == name[:-1]:
                return k
    raise AssertionError(f"{module} is in no layer of tests/test_architecture.py: put it in one")


@functools.cache
def _third_party_of(path: Path) -> frozenset[str]:
    return frozenset(_third_party(path))


def _graph() -> dict[str, set[str]]:
    graph = {_module(p): _imports(p)[0] - {_module(p)} for p in MODULES}
    for module in graph:  # a package imports its __init__ first: an edge to the parent is not an import
        graph[module] = {m for m in graph[module] if not module.startswith(m + ".")}
    return graph


def test_no_module_imports_one_above_it():
    wrong = [
        f"{m} (layer {_layer(m)}) imports {n} (layer {_layer(n)})"
        for m, deps in sorted(_graph().items())
        for n in sorted(deps)
        if _layer(n) > _layer(m)
    ]
    assert not wrong, "\n".join(wrong)


def _third_party(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(_parsed(path)):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level:
            out.add((node.module or "").split(".")[0])
    return out - {"xlgoals", "__future__"} - set(sys.stdlib_module_names)


def test_the_core_imports_nothing_but_pydantic_even_through_other_modules():
    """Transitively: a core module importing an adapter that imports openpyxl is caught too."""
    graph = _graph()
    paths = {_module(p): p for p in MODULES}
    for module in sorted(m for m in graph if _layer(m) < CORE_LAYERS):
        seen, todo = set(), [module]
        while todo:
            m = todo.pop()
            if m not in seen:
                seen.add(m)
                todo.extend(graph[m])
        libraries = set().union(*(_third_party_of(paths[m]) for m in seen))
        assert libraries <= {"pydantic"}, (module, sorted(libraries))


@pytest.mark.parametrize(
    "path", ["tests/data/parity/clean.xlsx", "examples/published/000_fbb7a527b95200de.txt"]
)
def test_checking_a_workbook_or_a_text_loads_no_writer_openpyxl_word_or_web(path):
    """What a worker of ``xlgoals check`` does for each file (``check_file``), in a fresh interpreter:
    python-calamine reads the workbook; openpyxl (only for what calamine cannot read, or --annotate)
    and the workbook writer are not loaded."""
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from xlgoals.check import check_file\n"
        "result, doc = check_file(Path(sys.argv[1]))\n"
        "assert doc is not None and result.findings is not None, result.error\n"
        "heavy = ('openpyxl', 'xlsxwriter', 'docx', 'xlwings', 'fastapi', 'starlette', 'uvicorn', 'PIL')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)), file=sys.stderr)\n"
    )
    root = PACKAGE.parent
    res = subprocess.run(
        [sys.executable, "-c", probe, str(root / path)], capture_output=True, text=True, timeout=120, cwd=root
    )
    assert res.stderr.strip().splitlines()[-1] == "[]", res.stderr


def test_annotating_a_workbook_loads_neither_openpyxl_nor_the_writer(tmp_path):
    """A worker of ``xlgoals check --annotate`` marking a workbook of the current layout, in a fresh
    interpreter: the marks are XML edits; openpyxl (for a package the editor declines) and the
    template writer (for converting text, Word and older layouts) stay unloaded."""
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from xlgoals.annotate import annotate_result, plan_targets\n"
        "from xlgoals.check import check_file\n"
        "src = Path(sys.argv[1])\n"
        "result, doc = check_file(src)\n"
        "[(target, _)] = plan_targets([(src, src.parent)], Path(sys.argv[2]))\n"
        "annotate_result(src, target, doc, findings=result.findings)\n"
        "assert target.is_file()\n"
        "heavy = ('openpyxl', 'xlsxwriter', 'docx', 'xlwings', 'fastapi', 'starlette', 'uvicorn', 'PIL')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)), file=sys.stderr)\n"
    )
    root = PACKAGE.parent
    workbook = root / "tests/data/parity/amount_sum_wrong.xlsx"
    res = subprocess.run(
        [sys.executable, "-c", probe, str(workbook), str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=root,
    )  # fmt: skip
    assert res.stderr.strip().splitlines()[-1] == "[]", res.stderr


@pytest.mark.parametrize("argv", [["--version"], ["rules", "SAT-001"], ["rules"]])
def test_version_and_rules_load_no_spreadsheet_library_word_or_web(argv):
    """``xlgoals --version`` and ``xlgoals rules`` in a fresh interpreter: the subcommand's module
    alone is imported, never openpyxl, xlsxwriter, python-calamine, python-docx, xlwings or FastAPI."""
    probe = (
        "import sys\n"
        "from xlgoals.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "heavy = ('openpyxl', 'xlsxwriter', 'python_calamine', 'docx', 'xlwings', 'fastapi', 'starlette', 'uvicorn')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)), file=sys.stderr)\n"
    )
    res = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, timeout=120)
    assert res.stderr.strip().splitlines()[-1] == "[]", res.stderr
