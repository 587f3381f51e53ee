"""Check configuration: which rules run, at which severity, with which thresholds.

Sources, later ones winning: the defaults; ``[tool.xlgoals]`` in the nearest pyproject.toml; an
``xlgoals.toml`` beside the checked file (or in a folder above it); the hidden ``_config`` sheet of
the workbook itself; and a file given with ``--config`` (the reviewer's word is final).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from xlgoals.errors import XlgoalsInputError
from xlgoals.model import Document
from xlgoals.oserrors import resolved
from xlgoals.rules import rule_params
from xlgoals.rules.registry import Param
from xlgoals.synonyms import DEFAULT as DEFAULT_SYNONYMS
from xlgoals.synonyms import Synonyms

T = TypeVar("T")

PARAMS = rule_params()


class Config(BaseModel):
    """The settings of a check: which rules, at which severity, with which thresholds.

    ``params`` holds the rule thresholds (``Param``s declared beside their rules) that differ from
    their defaults; a configuration file names them at the top level (``satisfaction_min = 85``)."""

    model_config = ConfigDict(extra="forbid")

    select: list[str] = Field(default_factory=list)  # codes or prefixes ("VAL", "COST-00"); empty = all
    ignore: list[str] = Field(default_factory=list)
    severity: dict[str, str] = Field(default_factory=dict)  # code or prefix → error|warning|info
    budget_year: int | None = None  # inferred from the document when not set
    region_code: str | None = None  # 6-digit 区划代码; inferred from the project codes when not set
    labels: dict[str, list[str]] = Field(default_factory=dict)  # field → a region's own labels for it
    params: dict[str, Any] = Field(default_factory=dict)

    def synonyms(self) -> Synonyms:
        """The labels the readers search for: the defaults plus this configuration's ``labels``."""
        return DEFAULT_SYNONYMS.extended(self.labels) if self.labels else DEFAULT_SYNONYMS

    def enabled(self, code: str) -> bool:
        def match(patterns: list[str]) -> bool:
            return any(code == p or code.startswith(p.rstrip("-*")) for p in patterns)

        if self.select and not match(self.select):
            return False
        return not match(self.ignore)

    def severity_for(self, code: str, default: str) -> str:
        best = ""
        value = default
        for pattern, sev in self.severity.items():
            p = pattern.rstrip("-*")
            if (code == pattern or code.startswith(p)) and len(p) > len(best):
                best, value = p, sev
        return value

    def param(self, p: Param[T]) -> T:
        value: T = self.params.get(p.name, p.default)
        return value

    def merged(self, overrides: dict[str, Any], source: str) -> Config:
        data = self.model_dump()
        params = dict(self.params)
        for key, value in overrides.items():
            key = key.replace("-", "_")
            if key in PARAMS:
                try:
                    params[key] = PARAMS[key].validate(value)
                except ValidationError as exc:
                    raise XlgoalsInputError(
                        f"配置项“{key}”的值“{str(value)[:40]}”不正确：{invalid_value_text(exc)}。",
                        file=source,
                    ) from None
            elif key not in GENERAL_KEYS:
                raise XlgoalsInputError(f"配置项“{key}”不存在。可用：{'、'.join(known_keys())}", file=source)
            elif key == "severity" and isinstance(value, dict):
                data["severity"] = {**data["severity"], **value}
            elif key == "labels" and isinstance(value, dict):
                DEFAULT_SYNONYMS.extended(value, source)  # a key that is no field: one sentence, now
                labels = dict(data["labels"])
                for name, more in value.items():
                    more = [more] if isinstance(more, str) else list(more)
                    labels[name] = [*labels.get(name, []), *more]
                data["labels"] = labels
            elif key in ("select", "ignore") and isinstance(value, str):
                data[key] = [x.strip() for x in value.replace("，", ",").split(",") if x.strip()]
            else:
                data[key] = value
        data["params"] = params
        try:
            cfg = Config.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            raise XlgoalsInputError(f"配置项“{where}”的值不正确：{first['msg']}", file=source) from None
        for code, sev in cfg.severity.items():
            if sev not in ("error", "warning", "info"):
                raise XlgoalsInputError(
                    f"配置项 severity.{code} 应为 error、warning 或 info，而不是“{sev}”。", file=source
                )
        return cfg


GENERAL_KEYS = tuple(k for k in Config.model_fields if k != "params")
# Settings that decide how a file is read, so the file itself cannot make them (its _config sheet).
FILE_ONLY_KEYS = ("labels",)
# What each general key means, with an example value (the rule thresholds document themselves).
GENERAL_DOCS = {
    "select": ("只运行这些规则（代码或前缀，逗号分隔）", "STRUCT,CODE,FUND"),
    "ignore": ("不运行这些规则", "IND-001,VAL-010"),
    "severity": ("改变规则的级别：error / warning / info（工作表中写作 severity.代码）", "VAL-003 = info"),
    "budget_year": ("预算年度（默认从项目编码推断）", "2024"),
    "region_code": ("6位区划代码（默认取项目编码中最常见的）", "130730"),
    "labels": (
        "本地表式的其他标签写法（字段 = [标签…]，在默认写法之外识别；字段名见 docs/导入其他表式.md）",
        '{ "budget.total" = ["年度预算申请数"], name = ["绩效指标名称"] }',
    ),
}


def known_keys() -> list[str]:
    """Every configuration key: the general ones, then each rule's thresholds."""
    return [*GENERAL_KEYS, *PARAMS]


def _load_toml(path: Path) -> dict[str, Any]:
    """A TOML file's data, parsed once per content (a batch checks hundreds of files below one folder)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise XlgoalsInputError(f"无法读取配置文件：{exc.strerror or exc}", file=str(path)) from None
    return _load_toml_cached(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _load_toml_cached(path_text: str, _mtime: int, _size: int) -> dict[str, Any]:
    path = Path(path_text)
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise XlgoalsInputError(toml_error_text(exc), file=str(path)) from None
    except UnicodeDecodeError:
        raise XlgoalsInputError(
            "配置文件不是 UTF-8 编码的文本：配置文件应是 xlgoals.toml 那样的文本文件（用记事本另存为 UTF-8）。",
            file=str(path),
        ) from None
    except OSError as exc:
        raise XlgoalsInputError(f"无法读取配置文件：{exc.strerror or exc}", file=str(path)) from None


def toml_error_text(exc: tomllib.TOMLDecodeError) -> str:
    """A TOML syntax error in Chinese, with where it is (tomllib's own message is English)."""
    at = re.search(r"line (\d+), column (\d+)", str(exc))
    where = f"（第 {at[1]} 行第 {at[2]} 列附近）" if at else ""
    return (
        f"配置文件格式错误{where}：请检查引号、等号和方括号；中文的名称要加英文引号，"
        '如 "成本指标" = [0, 20]，文字的值也要加引号，如 "severity.VAL-003" = "info"。'
    )


def _ancestors(start: Path) -> list[Path]:
    start = resolved(start)
    folder = start if start.is_dir() else start.parent
    return [folder, *folder.parents]


@dataclass(frozen=True)
class Sources:
    """The configuration files that apply to one input, already read: the nearest pyproject.toml's
    [tool.xlgoals] and the nearest xlgoals.toml (``found``), and ``--config FILE`` (``explicit``).
    Data, so that a worker on another machine can check a file without its folders (Dask)."""

    found: tuple[tuple[dict[str, Any], str], ...] = ()
    explicit: tuple[dict[str, Any], str] | None = None


def _found_near(path: Path) -> tuple[tuple[dict[str, Any], str], ...]:
    """The nearest pyproject.toml's [tool.xlgoals] and the nearest xlgoals.toml above ``path``."""
    found: list[tuple[dict[str, Any], str]] = []
    for folder in _ancestors(path):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            section = _load_toml(pyproject).get("tool", {}).get("xlgoals")
            if isinstance(section, dict):
                found.append((section, str(pyproject)))
            break
    for folder in _ancestors(path):
        own = folder / "xlgoals.toml"
        if own.is_file():
            found.append((_load_toml(own), str(own)))
            break
    return tuple(found)


@dataclass(frozen=True)
class ConfigPolicy:
    """Where the configuration of every file of a run comes from, decided once by the command line or
    the service and handed to every piece of work (it is data: it travels to worker processes).

    ``explicit``: the file given with ``--config`` (or ``serve --config``), already read and checked;
    ``overrides``: the command line's ``--select``/``--ignore``; ``nearby``: also the pyproject.toml
    and xlgoals.toml found above each file (the command line) — never for the service, whose files are
    temporary copies of uploads."""

    explicit: tuple[dict[str, Any], str] | None = None
    overrides: tuple[tuple[str, Any], ...] = ()
    nearby: bool = True

    @classmethod
    def load(
        cls, explicit: Path | None = None, overrides: dict[str, Any] | None = None, *, nearby: bool = True
    ) -> ConfigPolicy:
        """Read ``explicit`` and check it with the overrides now, so a mistake in either is one sentence
        before any file is read."""
        policy = cls(
            (_load_toml(explicit), str(explicit)) if explicit is not None else None,
            tuple((overrides or {}).items()),
            nearby,
        )
        policy.across_files()
        return policy

    def sources(self, path: Path) -> Sources:
        """The configuration files that apply to checking ``path``."""
        return Sources(_found_near(path) if self.nearby else (), self.explicit)

    def reading(self, path: Path, sources: Sources | None = None) -> Config:
        """What applies before the file itself is read (its labels): everything but its own settings."""
        return _merge(path, sources if sources is not None else self.sources(path), None, self.overrides)

    def checking(self, path: Path, doc: Document, sources: Sources | None = None) -> Config:
        """What applies to checking ``doc``, read from ``path`` (its own _config sheet included)."""
        sheet = sheet_overrides(doc.settings)
        return _merge(path, sources if sources is not None else self.sources(path), sheet, self.overrides)

    def across_files(self) -> Config:
        """What applies to the checks across the files of a run (CODE-005): no file's own settings."""
        return _merge(None, Sources((), self.explicit), None, self.overrides)


NEARBY = ConfigPolicy()  # the command line without --config: the files found near each input


def _merge(
    path: Path | None,
    sources: Sources,
    sheet: dict[str, Any] | None,
    overrides: tuple[tuple[str, Any], ...],
) -> Config:
    """The defaults, then the files found near the input, its own _config sheet, the explicit file and
    the command line, later ones winning."""
    cfg = Config()
    for data, origin in sources.found:
        cfg = cfg.merged(data, origin)
    if sheet:
        where = f"{path}（工作表 _config）"
        if misplaced := [k for k in sheet if k in FILE_ONLY_KEYS]:
            raise XlgoalsInputError(
                f"配置项“{misplaced[0]}”决定怎样读取文件，只能写在 xlgoals.toml 或 --config 指定的文件中，"
                "不能写在工作簿的 _config 工作表里。",
                file=where,
            )
        cfg = cfg.merged(sheet, where)
    if sources.explicit is not None:
        cfg = cfg.merged(*sources.explicit)
    if overrides:
        cfg = cfg.merged(dict(overrides), "命令行")
    return cfg


def parse_sheet_value(key: str, value: Any) -> Any:
    """A value typed in the _config sheet: "severity.VAL-003" = "info", "satisfaction_min" = 85."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def sheet_overrides(rows: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in rows:
        key = key.strip()
        if not key or key.startswith("#") or value is None or value == "":
            continue
        if key.startswith("severity."):
            out.setdefault("severity", {})[key.split(".", 1)[1]] = str(value).strip()
        else:
            out[key] = parse_sheet_value(key, value)
    return out


_LIMITS = {
    "greater_than_equal": ("ge", "应不小于 {}"),
    "greater_than": ("gt", "应大于 {}"),
    "less_than_equal": ("le", "应不大于 {}"),
    "less_than": ("lt", "应小于 {}"),
    "too_short": ("min_length", "至少应有 {} 项"),
    "too_long": ("max_length", "至多应有 {} 项"),
}
_KINDS = {
    "int": "应为整数",
    "float": "应为数字",
    "decimal": "应为数字",
    "finite_number": "不能是 nan 或 inf",
    "list": "应为列表，如 [90, 100]",
    "dict": "应为表，如 {成本指标 = [0, 20]}",
    "string": "应为文本",
    "bool": "应为 true 或 false",
}


def invalid_value_text(exc: ValidationError) -> str:
    """What is wrong with a configured value, in Chinese (pydantic's own messages are English)."""
    error = exc.errors()[0]
    kind, ctx = error["type"], error.get("ctx") or {}
    where = "".join(f"[{p}]" if isinstance(p, int) else f"“{p}”" for p in error["loc"])
    inside = f"其中 {where} " if where else ""
    if kind in _LIMITS:
        name, text = _LIMITS[kind]
        return inside + text.format(ctx.get(name, ""))
    if kind == "value_error":
        return inside + str(ctx.get("error", "取值不对"))
    prefix = kind.split("_")[0]
    if kind in _KINDS:
        return inside + _KINDS[kind]
    if prefix in _KINDS:
        return inside + _KINDS[prefix]
    return inside + "类型或取值不对"
