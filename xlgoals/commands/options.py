"""What the reading commands (check, summary, convert) share: their limits and configuration
options, turned into the run's one ``RunContext``."""

from __future__ import annotations

import argparse
import errno
import stat
from pathlib import Path

from xlgoals.config import ConfigPolicy
from xlgoals.errors import XlgoalsInputError
from xlgoals.oserrors import describe
from xlgoals.pool import Budget
from xlgoals.runcontext import RunContext
from xlgoals.safetext import path_text


def budget(args: argparse.Namespace) -> Budget:
    if args.timeout <= 0 or args.max_memory < 0:
        raise XlgoalsInputError("--timeout 应大于0，--max-memory 应不小于0（0 = 不限）。")
    return Budget(float(args.timeout), int(args.max_memory))


def config_file(args: argparse.Namespace) -> Path | None:
    explicit = Path(args.config) if getattr(args, "config", None) else None
    if explicit is None:
        return None
    try:
        mode = explicit.stat().st_mode
    except OSError as exc:
        reason = "配置文件不存在" if exc.errno == errno.ENOENT else f"无法读取配置文件：{describe(exc)}"
        raise XlgoalsInputError(f"{reason}。", file=path_text(explicit)) from None
    if not stat.S_ISREG(mode):
        raise XlgoalsInputError(
            "配置文件应是一个文件（如 xlgoals.toml），这里给的不是。", file=path_text(explicit)
        )
    return explicit


def context(args: argparse.Namespace, **more: object) -> RunContext:
    """The run's context from the command line: --config and --select/--ignore (checked now, before
    any file is read), --reader, --timeout/--max-memory, -j."""
    jobs = getattr(args, "jobs", None)
    if jobs is not None and jobs < 1:
        raise XlgoalsInputError("-j 应为不小于1的整数。")
    overrides = {k: getattr(args, k) for k in ("select", "ignore") if getattr(args, k, None)}
    policy = ConfigPolicy.load(config_file(args), overrides)
    return RunContext(policy, fast=args.reader == "fast", budget=budget(args), workers=jobs).but(**more)
