"""``xlgoals rules``: the rule catalogue, one rule's documentation, or docs/rules.md."""

from __future__ import annotations

import argparse
import sys

from xlgoals.exitcodes import EXIT_OK
from xlgoals.rulesdoc import kind_of_name, render_catalogue, render_markdown, render_rule


def run(args: argparse.Namespace) -> int:
    if args.markdown:
        sys.stdout.write(render_markdown())
    elif args.code:
        sys.stdout.write(render_rule(args.code))
    else:
        sys.stdout.write(render_catalogue(kind_of_name(args.kind) if args.kind else None))
    return EXIT_OK
