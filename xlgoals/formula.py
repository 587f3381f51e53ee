"""A small expression language for the checks that also live in the workbook.

A check is written once, as an ``Expr``. ``render`` turns it into the text of a spreadsheet formula
(plain A1 references, functions every Excel since 2010, WPS and LibreOffice share); ``evaluate``
computes it in Python with the spreadsheet's own semantics for what a cell can hold — blank
(``None``), a number, text, a boolean — through ``compiled``, which turns each expression once into
the source of one Python function and compiles it (no tree is walked per row). So the template's live flags, the rules of ``xlgoals check``
and the worksheet functions cannot disagree: they are the same expression (and a LibreOffice test
recalculates the rendered formulas to prove the two evaluations agree).

Only what the checks need is here. Arithmetic never meets text (the checks guard it with ISNUMBER
or N), so text-to-number coercion — where Excel, WPS and LibreOffice differ — never happens.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, overload

Value = float | str | bool | None  # what a cell holds: None is blank
Resolver = Callable[[str], str]  # a cell's name → its address in a formula ("$C$4")


class Expr:
    """A node of an expression."""


@dataclass(frozen=True)
class Ref(Expr):
    """A cell, named by the caller ("budget.total", "value"); ``render`` and ``evaluate`` resolve it."""

    name: str


@dataclass(frozen=True)
class Area(Expr):
    """A named range ("plan": D7:G7): an argument of COUNT, COUNTA or MAX. ``render`` resolves its
    name to the range's address, ``evaluate`` to the values of its cells."""

    name: str


@dataclass(frozen=True)
class Lit(Expr):
    value: float | str | bool


@dataclass(frozen=True)
class Call(Expr):
    fn: str
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class BinOp(Expr):
    op: str  # + - * & = <> < <= > >=
    left: Expr
    right: Expr


def _e(x: Expr | float | str | bool) -> Expr:
    return x if isinstance(x, Expr) else Lit(x)


def call(fn: str, *args: Expr | float | str | bool) -> Call:
    return Call(fn, tuple(_e(a) for a in args))


def op(symbol: str, left: Expr | float | str | bool, right: Expr | float | str | bool) -> BinOp:
    return BinOp(symbol, _e(left), _e(right))


def IF(cond: Expr, then: Expr | float | str, other: Expr | float | str = "") -> Call:
    return call("IF", cond, then, other)


def AND(*args: Expr) -> Expr:
    return args[0] if len(args) == 1 else call("AND", *args)


def OR(*args: Expr) -> Expr:
    return args[0] if len(args) == 1 else call("OR", *args)


def NOT(x: Expr) -> Call:
    return call("NOT", x)


def ISNUMBER(x: Expr) -> Call:
    return call("ISNUMBER", x)


def ISTEXT(x: Expr) -> Call:
    return call("ISTEXT", x)


def N(x: Expr) -> Call:
    return call("N", x)


def ABS(x: Expr) -> Call:
    return call("ABS", x)


def TRIM(x: Expr) -> Call:
    return call("TRIM", x)


def LEN(x: Expr) -> Call:
    return call("LEN", x)


def COUNT(*args: Expr) -> Call:
    return call("COUNT", *args)


def COUNTA(*args: Expr) -> Call:
    return call("COUNTA", *args)


def MAX(*args: Expr) -> Call:
    return call("MAX", *args)


def FIND(needle: str, haystack: Expr) -> Call:
    return call("FIND", needle, haystack)


def SUBSTITUTE(text: Expr, old: str, new: str) -> Call:
    return call("SUBSTITUTE", text, old, new)


def CLEAN(x: Expr) -> Call:
    """The text without control characters (codes 0–31: tabs, line breaks)."""
    return call("CLEAN", x)


def LEFT(x: Expr, n: Expr | int) -> Call:
    return call("LEFT", x, n)


def RIGHT(x: Expr, n: Expr | int) -> Call:
    return call("RIGHT", x, n)


def MID(x: Expr, start: Expr | int, n: Expr | int) -> Call:
    return call("MID", x, start, n)


def VALUE(x: Expr) -> Call:
    """The number a text of plain digits stands for. Only for such texts (guard it with
    ``plain_number`` inside an IF): spreadsheets also read "1e3", "1,000", "(5)" or "3/4" as numbers,
    each its own way, and ``evaluate`` refuses anything but plain digits rather than guess."""
    return call("VALUE", x)


def CHARS_IN(x: Expr, chars: str) -> Call:
    """How many characters of ``x`` are among ``chars``: rendered as
    SUMPRODUCT(LEN(x)-LEN(SUBSTITUTE(x,{"0","1",…},""))) — one SUBSTITUTE over an array constant,
    where a chain of ten would repeat ``x`` in the formula ten times."""
    assert chars and len(set(chars)) == len(chars)
    return call("CHARS_IN", x, chars)


def LAST_FILLED(area: Area) -> Call:
    """The last cell of ``area`` that is not empty, or "" when all are: rendered as
    IF(COUNTA(area)=0,"",LOOKUP(2,1/(area<>""),area)) — a merged 一级 cell seen from a row of its
    block (Excel, WPS and LibreOffice evaluate the LOOKUP idiom without an array formula)."""
    return call("LAST_FILLED", area)


def SAME(area: Area, x: Expr) -> Call:
    """How many cells of ``area`` hold what ``x`` holds, compared as the sheet compares text after
    TRIM (case-insensitively): rendered as SUMPRODUCT((TRIM(area)=TRIM(x))*1), not COUNTIF, whose
    criteria would read * ? ~ as wildcards and a leading < > = as a comparison."""
    return call("SAME", area, x)


def blank(x: Expr) -> BinOp:
    """The cell shows nothing but spaces."""
    return op("=", TRIM(x), "")


def filled(x: Expr) -> BinOp:
    return op("<>", TRIM(x), "")


def contains(x: Expr, needle: str) -> Call:
    return ISNUMBER(FIND(needle, x))


_DIGITS = "0123456789"


def plain_number(x: Expr) -> Expr:
    """``x`` is digits with at most one decimal point between them ("75", "7.5"): what VALUE reads
    the same in every spreadsheet and in ``evaluate``."""
    return AND(
        op(">", LEN(x), 0),
        op("=", CHARS_IN(x, _DIGITS + "."), LEN(x)),
        op("<", op("-", LEN(x), LEN(SUBSTITUTE(x, ".", ""))), 2),
        op("<>", LEFT(x, 1), "."),
        op("<>", RIGHT(x, 1), "."),
    )


def one_of(x: Expr, texts: Sequence[str]) -> Expr:
    """``x`` is exactly one of ``texts`` (none of which holds "|"): one FIND in a "|"-joined list
    instead of a comparison per text."""
    assert not any("|" in t or not t for t in texts)
    joined = "|" + "|".join(texts) + "|"
    return AND(NOT(contains(x, "|")), ISNUMBER(call("FIND", op("&", op("&", "|", x), "|"), joined)))


# === rendering ===================================================================================

_PRECEDENCE = {"=": 1, "<>": 1, "<": 1, "<=": 1, ">": 1, ">=": 1, "&": 2, "+": 3, "-": 3, "*": 4}


def _literal(v: float | str | bool) -> str:
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, str):
        return '"' + v.replace('"', '""') + '"'
    if float(v).is_integer():
        return str(int(v))
    return format(Decimal(repr(float(v))).normalize(), "f")


def render(expr: Expr, resolve: Resolver) -> str:
    """The formula text (without the leading "="); ``resolve`` maps a cell name to "$C$4"."""
    if isinstance(expr, Ref):
        return resolve(expr.name)
    if isinstance(expr, Area):
        return resolve(expr.name)
    if isinstance(expr, Lit):
        return _literal(expr.value)
    if isinstance(expr, Call) and expr.fn == "CHARS_IN":
        x = render(expr.args[0], resolve)
        chars = expr.args[1]
        assert isinstance(chars, Lit) and isinstance(chars.value, str)
        array = "{" + ",".join(_literal(ch) for ch in chars.value) + "}"
        return f'SUMPRODUCT(LEN({x})-LEN(SUBSTITUTE({x},{array},"")))'
    if isinstance(expr, Call) and expr.fn == "LAST_FILLED":
        area = render(expr.args[0], resolve)
        return f'IF(COUNTA({area})=0,"",LOOKUP(2,1/({area}<>""),{area}))'
    if isinstance(expr, Call) and expr.fn == "SAME":
        area, x = (render(a, resolve) for a in expr.args)
        return f"SUMPRODUCT((TRIM({area})=TRIM({x}))*1)"
    if isinstance(expr, Call):
        return f"{expr.fn}({','.join(render(a, resolve) for a in expr.args)})"
    assert isinstance(expr, BinOp)
    p = _PRECEDENCE[expr.op]

    def side(x: Expr, right: bool) -> str:
        text = render(x, resolve)
        if isinstance(x, BinOp) and (_PRECEDENCE[x.op] < p or (right and _PRECEDENCE[x.op] == p)):
            return f"({text})"
        return text

    return f"{side(expr.left, False)}{expr.op}{side(expr.right, True)}"


# === evaluating ==================================================================================


class FormulaError(Exception):
    """A spreadsheet would show an error (#VALUE! …): the checks are written never to produce one."""


_EPOCH = datetime(1899, 12, 30)


def cell_value(v: object) -> Value:
    """What a spreadsheet cell holds for a value a reader returned: numbers (Decimal, int, and
    dates and times as their serial numbers), text, booleans; "" and None are blank."""
    if v is None or v == "":
        return None
    if isinstance(v, bool | str | float):
        return v
    if isinstance(v, int | Decimal):
        return float(v)
    if isinstance(v, datetime):
        return (v - _EPOCH).total_seconds() / 86400
    if isinstance(v, date):
        return float((v - _EPOCH.date()).days)
    if isinstance(v, time):
        return (v.hour * 3600 + v.minute * 60 + v.second) / 86400
    if isinstance(v, timedelta):
        return v.total_seconds() / 86400
    return str(v)


def _number(v: Value) -> float:
    if v is None:
        return 0.0
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, float):
        return v
    raise FormulaError(f"#VALUE! (text {v!r} in arithmetic)")


def _text(v: Value) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return v


def _truth(v: Value) -> bool:
    if isinstance(v, str):
        raise FormulaError(f"#VALUE! (text {v!r} as a condition)")
    return bool(_number(v))


def _trim(s: str) -> str:
    """Excel's TRIM: ASCII spaces only — outer ones removed, inner runs collapsed to one."""
    return " ".join(part for part in s.split(" ") if part)


def _kind(v: Value) -> int:
    """Comparison order of kinds in a spreadsheet: numbers < text < booleans; blank compares as 0 or ""."""
    return 0 if isinstance(v, float) else 1 if isinstance(v, str) else 2


def _ordering(a: Value, b: Value) -> int:
    """-1, 0 or 1: how a spreadsheet orders ``a`` and ``b``."""
    if a is None:
        a = "" if isinstance(b, str) else (False if isinstance(b, bool) else 0.0)
    if b is None:
        b = "" if isinstance(a, str) else (False if isinstance(a, bool) else 0.0)
    ka, kb = _kind(a), _kind(b)
    if ka != kb:
        return (ka > kb) - (ka < kb)
    if isinstance(a, str) and isinstance(b, str):
        x, y = a.casefold(), b.casefold()
        return (x > y) - (x < y)
    x2, y2 = _number(a), _number(b)
    return (x2 > y2) - (x2 < y2)


Cells = Mapping[str, Value]
Areas = Mapping[str, Sequence[Value]]
Compiled = Callable[[Cells, Areas], Value]
Combined = Callable[[Cells, Areas], tuple[Value, ...]]


def evaluate(expr: Expr, cells: Cells, areas: Areas | None = None, *, strict: bool = False) -> Value:
    """The value a spreadsheet computes for ``expr`` when the named cells hold ``cells`` and the named
    ranges ``areas``. ``strict``: AND and OR evaluate every argument, as a spreadsheet does, so an
    error behind a false guard raises (the tests run the checks so); otherwise they stop at the first
    argument that decides — the same value wherever the strict evaluation raises nothing, at a
    fraction of the work (a guard such as the row's 二级 skips the rest)."""
    return compiled(expr, strict)(cells, areas or {})


# Generated functions by what they compute: (one, strict) or (all,) and the expressions' ids. The
# expressions are kept beside them, so their ids are not reused while the entry lives.
_GENERATED: dict[tuple[object, ...], tuple[tuple[Expr, ...], Any]] = {}


def _generated(kind: tuple[object, ...], exprs: Sequence[Expr], build: Callable[[], Any]) -> Any:
    key = (*kind, *map(id, exprs))
    hit = _GENERATED.get(key)
    if hit is not None and all(x is y for x, y in zip(hit[0], exprs, strict=True)):
        return hit[1]
    fn = build()
    _GENERATED[key] = (tuple(exprs), fn)
    return fn


def compiled(expr: Expr, strict: bool = False) -> Compiled:
    """``expr`` as a Python function of (cells, areas), built once per expression: a check runs on
    every indicator row of every file, and walking its tree each time was most of 校验's work."""
    fn: Compiled = _generated(("one", strict), (expr,), lambda: _Generator(strict).function(expr))
    return fn


def compiled_all(exprs: Sequence[Expr]) -> Combined:
    """The values of all of ``exprs`` (as ``evaluate`` gives each, not strict) from one call of one
    generated function, built once per list: the checks of a row read the same few cells through
    TRIM again and again (each cell's trimmed, case-folded text ~4 times per check), so each
    TRIM(cell) — which never raises — is computed once per call, before the checks, and every check
    uses it."""
    fn: Combined = _generated(("all",), exprs, lambda: _Generator(strict=False, hoist=True).functions(exprs))
    return fn


# The kind of value an expression always has, where it is known without evaluating it: "f" a
# number, "s" text, "b" a boolean; None when it depends on the cells. Where both sides of a
# comparison are known, the generated code compares them directly instead of through _ordering.
Kind = str | None
_KIND_OF_LITERAL = {float: "f", int: "f", str: "s", bool: "b"}
_KIND_ORDER = {"f": 0, "s": 1, "b": 2}  # numbers < text < booleans, as _kind
_TEXT_FUNCTIONS = {"TRIM", "SUBSTITUTE", "LEFT", "RIGHT", "MID", "CLEAN"}
_NUMBER_FUNCTIONS = {"ABS", "N", "VALUE"}
_PYTHON_TESTS = {"=": "==", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_MAX_DEPTH = 30  # deeper subexpressions become functions of their own (Python's parser nests ~200)


class _Generator:
    """Turns an expression into the source of one Python function and compiles it: each node
    becomes the Python expression computing it (short-circuit AND/OR unless ``strict``), with the
    spreadsheet's coercions written out only where a value's kind is not known in advance."""

    def __init__(self, strict: bool, hoist: bool = False) -> None:
        self.strict = strict
        self.names: dict[str, object] = dict(_RUNTIME)
        self.helpers: list[str] = []
        # ``hoist``: TRIM(cell) and its case-folded text become locals computed once (source → name)
        self.hoist = hoist
        self.hoisted: dict[str, str] = {}

    def function(self, expr: Expr) -> Compiled:
        body, _, _ = self.node(expr)
        self.helpers.append(f"def _main(c, a):\n    return {body}\n")
        exec(compile("\n".join(self.helpers), "<formula>", "exec"), self.names)
        fn: Compiled = self.names["_main"]  # type: ignore[assignment]
        return fn

    def functions(self, exprs: Sequence[Expr]) -> Combined:
        bodies = [self.node(e)[0] for e in exprs]
        # in order of first use: a case-folded text after the trimmed text it folds
        first = "".join(f"    {name} = {src}\n" for src, name in self.hoisted.items())
        self.helpers.append(f"def _main(c, a):\n{first}    return ({''.join(b + ', ' for b in bodies)})\n")
        exec(compile("\n".join(self.helpers), "<formulas>", "exec"), self.names)
        fn: Combined = self.names["_main"]  # type: ignore[assignment]
        return fn

    def local(self, src: str) -> str:
        """``src`` (an expression that never raises) as a local computed once, when hoisting."""
        if not self.hoist:
            return src
        name = self.hoisted.get(src)
        if name is None:
            name = self.hoisted[src] = f"_v{len(self.hoisted)}"
        return name

    def params(self) -> str:
        """A helper's parameters: the cells, the areas and the locals hoisted so far."""
        return ", ".join(("c", "a", *self.hoisted.values()))

    def const(self, value: object) -> str:
        name = f"_k{len(self.names)}"
        self.names[name] = value
        return name

    def node(self, expr: Expr) -> tuple[str, Kind, int]:
        """(Python source, kind, nesting depth) of ``expr``."""
        src, kind, depth = self._node(expr)
        if depth > _MAX_DEPTH:
            name, params = f"_h{len(self.helpers)}", self.params()
            self.helpers.append(f"def {name}({params}):\n    return {src}\n")
            return f"{name}({params})", kind, 1
        return src, kind, depth

    def _node(self, expr: Expr) -> tuple[str, Kind, int]:
        if isinstance(expr, Ref):
            return f"c.get({expr.name!r})", None, 1
        if isinstance(expr, Lit):
            v = expr.value
            value: Value = float(v) if isinstance(v, int) and not isinstance(v, bool) else v
            return repr(value), _KIND_OF_LITERAL[type(value)], 1
        if isinstance(expr, Area):
            return "_area(c, a)", None, 1
        if isinstance(expr, BinOp):
            return self._binop(expr)
        assert isinstance(expr, Call)
        return self._call(expr)

    # coercions, written only where needed
    def text(self, expr: Expr) -> tuple[str, int]:
        src, kind, depth = self.node(expr)
        return (src if kind == "s" else f"_text({src})"), depth + 1

    def number(self, expr: Expr) -> tuple[str, int]:
        src, kind, depth = self.node(expr)
        return (src if kind == "f" else f"_number({src})"), depth + 1

    def truth(self, expr: Expr) -> tuple[str, int]:
        src, kind, depth = self.node(expr)
        if kind == "b":
            return src, depth
        return (f"({src} != 0.0)" if kind == "f" else f"_truth({src})"), depth + 1

    def _binop(self, expr: BinOp) -> tuple[str, Kind, int]:
        if expr.op == "&":
            parts: list[Expr] = []
            _flatten_concat(expr, parts)
            texts = [self.text(x) for x in parts]
            return "(" + " + ".join(t for t, _ in texts) + ")", "s", max(d for _, d in texts) + 1
        if expr.op in ("+", "-", "*"):
            (left, dl), (right, dr) = self.number(expr.left), self.number(expr.right)
            return f"({left} {expr.op} {right})", "f", max(dl, dr) + 1
        test = _PYTHON_TESTS[expr.op]
        (left, kl, dl), (right, kr, dr) = self.node(expr.left), self.node(expr.right)
        depth = max(dl, dr) + 2
        if kl is not None and kl == kr and kl in "fb":
            return f"({left} {test} {right})", "b", depth
        if kl == kr == "s":
            left, right = (self.folded(x, src) for x, src in ((expr.left, left), (expr.right, right)))
            return f"({left} {test} {right})", "b", depth
        if kl is not None and kr is not None:  # different kinds: the order of kinds decides
            order = (_KIND_ORDER[kl] > _KIND_ORDER[kr]) - (_KIND_ORDER[kl] < _KIND_ORDER[kr])
            return f"(({left}, {right}) and {order} {test} 0)", "b", depth
        if kr == "s" and isinstance(expr.right, Lit):
            key = self.const(str(expr.right.value).casefold())
            return f"(_ordering_text({left}, {key}) {test} 0)", "b", depth
        return f"(_ordering({left}, {right}) {test} 0)", "b", depth

    def _call(self, expr: Call) -> tuple[str, Kind, int]:
        fn, args = expr.fn, expr.args
        if fn == "IF":
            (cond, dc), (then, kt, dt), (other, ko, do) = self.truth(args[0]), *map(self.node, args[1:])
            return f"({then} if {cond} else {other})", kt if kt == ko else None, max(dc, dt, do) + 1
        if fn in ("AND", "OR"):
            conditions = [self.truth(x) for x in args]
            depth = max(d for _, d in conditions) + 1
            if self.strict:  # every argument is evaluated, as in a spreadsheet (an error anywhere is one)
                joined = ", ".join(t for t, _ in conditions)
                return f"{'all' if fn == 'AND' else 'any'}(({joined},))", "b", depth
            word = " and " if fn == "AND" else " or "
            return "(" + word.join(t for t, _ in conditions) + ")", "b", depth
        if fn in ("SAME", "LAST_FILLED"):
            area = args[0]
            assert isinstance(area, Area), f"{fn} reads a range"
            name = repr(area.name)
            if fn == "LAST_FILLED":
                return f"_last_filled(a[{name}])", None, 1
            key, _, depth = self.node(args[1])
            return f"_same(a[{name}], {key})", "f", depth + 1
        if fn == "CHARS_IN":
            among = args[1]
            assert isinstance(among, Lit) and isinstance(among.value, str)
            text, depth = self.text(args[0])
            return f"_chars_in({text}, {self.const(frozenset(among.value))})", "f", depth + 1
        if fn in ("COUNT", "COUNTA", "MAX"):
            parts: list[str] = []
            depth = 1
            for x in args:
                if isinstance(x, Area):
                    parts.append(f"*a[{x.name!r}]")
                else:
                    src, _, d = self.node(x)
                    parts.append(src)
                    depth = max(depth, d)
            return f"_{fn.lower()}([{', '.join(parts)}])", "f", depth + 1
        if fn in ("ISNUMBER", "TRIM", "LEN", "NOT"):  # the commonest, written out
            (x,) = args
            if fn == "NOT":
                cond, depth = self.truth(x)
                return f"(not {cond})", "b", depth + 1
            if fn == "ISNUMBER":
                src, _, depth = self.node(x)
                return f"isinstance({src}, float)", "b", depth + 1
            text, depth = self.text(x)
            if fn == "TRIM":
                trimmed = f"_trim({text})"
                return (self.local(trimmed) if isinstance(x, Ref) else trimmed), "s", depth + 1
            return f"float(len({text}))", "f", depth + 1
        nodes = [self.node(x) for x in args]
        depth = max(d for _, _, d in nodes) + 1
        kind: Kind = "s" if fn in _TEXT_FUNCTIONS else "f" if fn in _NUMBER_FUNCTIONS else None
        if fn == "ISTEXT":
            kind = "b"
        function = self.const(_FUNCTIONS[fn])
        return f"{function}({', '.join(src for src, _, _ in nodes)})", kind, depth

    def folded(self, expr: Expr, src: str) -> str:
        """A text compared as the sheet compares text: case-folded (a literal once, here; a hoisted
        text once per call)."""
        if isinstance(expr, Lit) and isinstance(expr.value, str):
            return repr(expr.value.casefold())
        if src in self.hoisted.values():
            return self.local(f"{src}.casefold()")
        return f"{src}.casefold()"


def _flatten_concat(expr: Expr, out: list[Expr]) -> None:
    """The operands of a chain of & in order (a concatenation of many parts nests deeply)."""
    if isinstance(expr, BinOp) and expr.op == "&":
        _flatten_concat(expr.left, out)
        _flatten_concat(expr.right, out)
    else:
        out.append(expr)


def _area(c: Cells, a: Areas) -> Value:
    raise FormulaError("a range is only an argument of COUNT, COUNTA or MAX")


def _ordering_text(a: Value, b_folded: str) -> int:
    """``_ordering(a, b)`` for a text ``b`` given case-folded."""
    if a is None:
        a = ""
    if isinstance(a, str):
        x = a.casefold()
        return (x > b_folded) - (x < b_folded)
    return -1 if isinstance(a, float) else 1  # numbers sort before text, booleans after


def _same(cells: Sequence[Value], v: Value) -> float:
    key = _same_key(v)
    if isinstance(cells, SameCounts):
        return float(cells.count_same(key))
    return float(sum(_same_key(x) == key for x in cells))


def _last_filled(cells: Sequence[Value]) -> Value:
    if isinstance(cells, LastFilled):
        return cells.last
    return next((v for v in reversed(cells) if v is not None and v != ""), "")


def _chars_in(text: str, wanted: frozenset[str]) -> float:
    return float(sum(ch in wanted for ch in text))


def _count_numbers(values: list[Value]) -> float:
    return float(sum(isinstance(v, float) for v in values))


def _count_filled(values: list[Value]) -> float:
    return float(len(values) - values.count(None))  # None is blank; count() compares in C


def _max(values: list[Value]) -> float:
    return max((v for v in values if isinstance(v, float)), default=0.0)


def _same_key(v: Value) -> str:
    """What SAME compares: the text TRIM gives, case-folded as the sheet's = compares text."""
    return _trim(_text(v)).casefold()


class GrowingRange(Sequence[Value]):
    """A range that grows a cell at a time as the rows are walked (the cells above each row, asked
    row by row): what a function reads of it is kept up to date by ``seen`` instead of read again
    from all its cells for every row, which would be quadratic in the rows."""

    def __init__(self) -> None:
        self._cells: list[Value] = []

    def add(self, v: Value) -> None:
        self._cells.append(v)
        self.seen(v)

    def seen(self, v: Value) -> None:
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self._cells)

    @overload
    def __getitem__(self, i: int) -> Value: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Value]: ...
    def __getitem__(self, i: int | slice) -> Value | Sequence[Value]:
        return self._cells[i]


class SameCounts(GrowingRange):
    """A range given to SAME as counts of its cells' keys: the 三级指标 above each row of a 10 000-row
    block are one growing tally instead of 10 000 lists."""

    def __init__(self) -> None:
        super().__init__()
        self._counts: dict[str, int] = {}

    def seen(self, v: Value) -> None:
        key = _same_key(v)
        self._counts[key] = self._counts.get(key, 0) + 1

    def count_same(self, key: str) -> int:
        return self._counts.get(key, 0)


class LastFilled(GrowingRange):
    """A range given to LAST_FILLED as its last non-empty cell (the 一级 column from the block's first
    row down to each row)."""

    def __init__(self) -> None:
        super().__init__()
        self.last: Value = ""

    def seen(self, v: Value) -> None:
        if v is not None and v != "":
            self.last = v


class _NotFound(str):
    """FIND's #VALUE! when the text is absent: not a number, so ISNUMBER is false."""


def _find(needle: Value, haystack: Value) -> Value:
    position = _text(haystack).find(_text(needle))
    return _NotFound("#VALUE!") if position < 0 else float(position + 1)


def _count(n: Value, name: str) -> int:
    k = _number(n)
    if k < 0:
        raise FormulaError(f"#VALUE! ({name} of {k} characters)")
    return int(k)


def _mid(text: Value, start: Value, n: Value) -> str:
    first = int(_number(start))
    if first < 1:
        raise FormulaError(f"#VALUE! (MID from {first})")
    return _text(text)[first - 1 : first - 1 + _count(n, "MID")]


def _right(text: Value, n: Value) -> str:
    s, k = _text(text), _count(n, "RIGHT")
    return s[len(s) - k :] if k else ""


_PLAIN = re.compile(r"[0-9]+(\.[0-9]+)?")


def _value(x: Value) -> float:
    if isinstance(x, float):
        return x
    if isinstance(x, str) and _PLAIN.fullmatch(x):
        return float(x)
    raise FormulaError(f"VALUE of {x!r}: only plain digits are read alike everywhere (guard it)")


_FUNCTIONS: dict[str, Callable[..., Value]] = {
    "ISTEXT": lambda x: isinstance(x, str) and not isinstance(x, _NotFound),
    "N": lambda x: x if isinstance(x, float) else (_number(x) if isinstance(x, bool) else 0.0),
    "ABS": lambda x: abs(_number(x)),
    "FIND": _find,
    "SUBSTITUTE": lambda text, old, new: _text(text).replace(_text(old), _text(new)),
    "LEFT": lambda text, n: _text(text)[: _count(n, "LEFT")],
    "CLEAN": lambda x: "".join(ch for ch in _text(x) if ord(ch) >= 32),
    "RIGHT": _right,
    "MID": _mid,
    "VALUE": _value,
}


def names(expr: Expr) -> set[str]:
    """Every cell name an expression reads."""
    if isinstance(expr, Ref):
        return {expr.name}
    if isinstance(expr, Area):
        return {expr.name}
    if isinstance(expr, Call):
        return set().union(*(names(a) for a in expr.args)) if expr.args else set()
    if isinstance(expr, BinOp):
        return names(expr.left) | names(expr.right)
    return set()


def concat(parts: Sequence[Expr]) -> Expr:
    out = parts[0]
    for p in parts[1:]:
        out = op("&", out, p)
    return out


# What generated code refers to by name (``_Generator``).
_RUNTIME: dict[str, object] = {
    "_text": _text,
    "_number": _number,
    "_truth": _truth,
    "_trim": _trim,
    "_ordering": _ordering,
    "_ordering_text": _ordering_text,
    "_area": _area,
    "_same": _same,
    "_last_filled": _last_filled,
    "_chars_in": _chars_in,
    "_count": _count_numbers,
    "_counta": _count_filled,
    "_max": _max,
}
