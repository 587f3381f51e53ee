"""One run's settings, decided once by the command line or the service and passed to every piece of
work: where each file's configuration comes from, how workbooks are read, each file's budget, how
many processes, and what to produce besides the findings (marked copies, 汇总 rows).

Immutable and picklable: the same object reaches the worker processes (and Dask workers), so no
piece of work works a setting out again from loose parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from xlgoals import limits
from xlgoals.config import NEARBY, ConfigPolicy
from xlgoals.pool import Budget

DEFAULT_BUDGET = Budget(limits.FILE_SECONDS, limits.FILE_MEMORY_MB)


@dataclass(frozen=True)
class RunContext:
    config: ConfigPolicy = NEARBY
    fast: bool = True  # read workbooks with python-calamine (False: openpyxl)
    budget: Budget = DEFAULT_BUDGET  # per file: time and memory of its worker
    workers: int | None = None  # worker processes (None: one per core)
    annotate_dir: Path | None = None  # write a marked copy of each file here
    rows: bool = False  # also compute the 汇总 rows of each file's tables

    def but(self, **changes: object) -> RunContext:
        """This context with some settings changed (``ctx.but(rows=True)``)."""
        return replace(self, **changes)  # type: ignore[arg-type]


DEFAULT = RunContext()  # a run with every default: what a test or a library call gets unless it says
