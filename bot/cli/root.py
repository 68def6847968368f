"""The one Typer application every `rehearse` sub-command registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="rehearse",
    help="Rehearse: practise sales and service conversations where you already work.",
    no_args_is_help=True,
    add_completion=False,
)
