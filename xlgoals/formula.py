"""A small expression language for the checks that also live in the workbook.

A check is written once, as an ``Expr``. ``render`` turns it into the text of a spreadsheet formula
(plain A1 references, functions every Excel since 2010, WPS and LibreOffice share); ``evaluate``
computes it in Python with the spreadsheet's own semantics for what a cell can hold — blank
(``None``), a number, text, a boolean — through ``compiled``, which turns each expression once into
nested Python functions (no tree is walked per row). So the template's live flags, the rules of ``xlgoals check``
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
from typing import overload

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


_TESTS: dict[str, Callable[[int], bool]] = {
    "=": lambda o: o == 0,
    "<>": lambda o: o != 0,
    "<": lambda o: o < 0,
    "<=": lambda o: o <= 0,
    ">": lambda o: o > 0,
    ">=": lambda o: o >= 0,
}

Cells = Mapping[str, Value]
Areas = Mapping[str, Sequence[Value]]
Compiled = Callable[[Cells, Areas], Value]


def evaluate(expr: Expr, cells: Cells, areas: Areas | None = None, *, strict: bool = False) -> Value:
    """The value a spreadsheet computes for ``expr`` when the named cells hold ``cells`` and the named
    ranges ``areas``. ``strict``: AND and OR evaluate every argument, as a spreadsheet does, so an
    error behind a false guard raises (the tests run the checks so); otherwise they stop at the first
    argument that decides — the same value wherever the strict evaluation raises nothing, at a
    fraction of the work (a guard such as the row's 二级 skips the rest)."""
    return compiled(expr, strict)(cells, areas or {})


_COMPILED: dict[tuple[int, bool], tuple[Expr, Compiled]] = {}


def compiled(expr: Expr, strict: bool = False) -> Compiled:
    """``expr`` as a Python function of (cells, areas), built once per expression: a check runs on
    every indicator row of every file, and walking its tree each time was most of 校验's work."""
    hit = _COMPILED.get((id(expr), strict))
    if hit is not None and hit[0] is expr:
        return hit[1]
    fn = _compile(expr, strict)
    _COMPILED[(id(expr), strict)] = (expr, fn)  # the expression is kept, so its id is not reused
    return fn


def _compile(expr: Expr, strict: bool) -> Compiled:
    if isinstance(expr, Ref):
        name = expr.name
        return lambda c, a: c.get(name)
    if isinstance(expr, Lit):
        v = expr.value
        value: Value = float(v) if isinstance(v, int) and not isinstance(v, bool) else v
        return lambda c, a: value
    if isinstance(expr, BinOp):
        return _binop(expr.op, _compile(expr.left, strict), _compile(expr.right, strict))
    if isinstance(expr, Area):

        def area(c: Cells, a: Areas) -> Value:
            raise FormulaError("a range is only an argument of COUNT, COUNTA or MAX")

        return area
    assert isinstance(expr, Call)
    return _call(expr, strict)


def _binop(op: str, left: Compiled, right: Compiled) -> Compiled:
    if op == "&":
        return lambda c, a: _text(left(c, a)) + _text(right(c, a))
    if op == "+":
        return lambda c, a: _number(left(c, a)) + _number(right(c, a))
    if op == "-":
        return lambda c, a: _number(left(c, a)) - _number(right(c, a))
    if op == "*":
        return lambda c, a: _number(left(c, a)) * _number(right(c, a))
    test = _TESTS[op]
    return lambda c, a: test(_ordering(left(c, a), right(c, a)))


def _call(expr: Call, strict: bool) -> Compiled:
    fn = expr.fn
    args = [_compile(x, strict) for x in expr.args]
    if fn == "IF":
        cond, then, other = args
        return lambda c, a: then(c, a) if _truth(cond(c, a)) else other(c, a)
    if (
        fn == "AND" and strict
    ):  # every argument is evaluated, as in a spreadsheet (an error anywhere is an error)
        return lambda c, a: all([_truth(x(c, a)) for x in args])
    if fn == "OR" and strict:
        return lambda c, a: any([_truth(x(c, a)) for x in args])
    if fn == "AND":
        return lambda c, a: all(_truth(x(c, a)) for x in args)
    if fn == "OR":
        return lambda c, a: any(_truth(x(c, a)) for x in args)
    if fn == "SAME":
        area = expr.args[0]
        assert isinstance(area, Area), "SAME counts over a range"
        name, value = area.name, args[1]

        def same(c: Cells, a: Areas) -> Value:
            cells = a[name]
            key = _same_key(value(c, a))
            if isinstance(cells, SameCounts):
                return float(cells.count_same(key))
            return float(sum(_same_key(v) == key for v in cells))

        return same
    if fn == "LAST_FILLED":
        looked = expr.args[0]
        assert isinstance(looked, Area), "LAST_FILLED looks through a range"
        area_name = looked.name

        def last_filled(c: Cells, a: Areas) -> Value:
            cells = a[area_name]
            if isinstance(cells, LastFilled):
                return cells.last
            return next((v for v in reversed(cells) if v is not None and v != ""), "")

        return last_filled
    if fn == "CHARS_IN":
        text, among = args[0], expr.args[1]
        assert isinstance(among, Lit) and isinstance(among.value, str)
        wanted = frozenset(among.value)
        return lambda c, a: float(sum(ch in wanted for ch in _text(text(c, a))))
    if fn in ("COUNT", "COUNTA", "MAX"):
        parts = [
            (x.name, None) if isinstance(x, Area) else ("", f) for x, f in zip(expr.args, args, strict=True)
        ]

        def values(c: Cells, a: Areas) -> list[Value]:
            out: list[Value] = []
            for name, f in parts:
                if f is None:
                    out.extend(a[name])  # an Area contributes each of its cells
                else:
                    out.append(f(c, a))
            return out

        if fn == "COUNT":
            return lambda c, a: float(sum(isinstance(v, float) for v in values(c, a)))
        if fn == "COUNTA":
            return lambda c, a: float(sum(v is not None for v in values(c, a)))
        return lambda c, a: max((v for v in values(c, a) if isinstance(v, float)), default=0.0)
    function = _FUNCTIONS[fn]
    if len(args) == 1:
        (only,) = args
        return lambda c, a: function(only(c, a))
    return lambda c, a: function(*[x(c, a) for x in args])


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
    "NOT": lambda x: not _truth(x),
    "ISNUMBER": lambda x: isinstance(x, float),
    "ISTEXT": lambda x: isinstance(x, str) and not isinstance(x, _NotFound),
    "N": lambda x: x if isinstance(x, float) else (_number(x) if isinstance(x, bool) else 0.0),
    "ABS": lambda x: abs(_number(x)),
    "TRIM": lambda x: _trim(_text(x)),
    "LEN": lambda x: float(len(_text(x))),
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
