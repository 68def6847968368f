"""Tables that survive a pipe: Rich tables in a terminal, tab-separated lines when piped.

Rich lays a table out for the terminal's width, and for 80 columns when stdout is not a terminal,
so a piped `scenarios list` cut ids in half. Piped, every row is one line of whole values a script
can `cut -f1`; in a terminal the first column (the id people copy) never wraps.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table


def to_terminal() -> bool:
    return sys.stdout.isatty()


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], title: str | None = None) -> Table:
    """The terminal table; the id column is as wide as its longest id, at any terminal width."""
    t = Table(title=title)
    widest = max([len(headers[0]), *(len(r[0]) for r in rows)]) if headers else 0
    for i, name in enumerate(headers):
        if i == 0:
            t.add_column(name, no_wrap=True, min_width=widest)
        else:
            t.add_column(name, overflow="fold")
    for row in rows:
        t.add_row(*row)
    return t


def print_rows(headers: Sequence[str], rows: Sequence[Sequence[str]], title: str | None = None,
               console: Console | None = None) -> None:
    """A table in a terminal; a header line and tab-separated rows when piped."""
    if console is None and not to_terminal():
        write = sys.stdout.write
        write("\t".join(headers) + "\n")
        for row in rows:
            write("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row) + "\n")
        return
    (console or Console(highlight=False)).print(table(headers, rows, title))
