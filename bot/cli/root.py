"""The one Typer application every `rehearse` sub-command registers on, with `--version` and shell completion.

Its group turns the known failures (a bad setting, an unusable DATABASE_URL, a path that cannot be
written) into one line and the documented exit code (bot/cli/errors.py) for every sub-command at once.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from bot.cli.errors import explain


class FriendlyGroup(TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except Exception as exc:  # noqa: BLE001 - explained failures become one line; the rest re-raise
            known = explain(exc)
            if known is None:
                raise
            message, code = known
            typer.echo(message, err=True)
            raise typer.Exit(code) from None


app = typer.Typer(
    name="rehearse",
    help="Rehearse: practise sales and service conversations where you already work.\n\n"
         "Exit codes: 0 ok, 1 not found (or not allowed), 2 bad input.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish and PowerShell
    cls=FriendlyGroup,
)


def package_version() -> str:
    """The installed package's version, as pip knows it."""
    try:
        return version("rehearse")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"rehearse {package_version()}")
        raise typer.Exit()


@app.callback()
def main_options(
    show_version: bool = typer.Option(False, "--version", help="Print the version and exit.",
                                      callback=_print_version, is_eager=True),
) -> None:
    """Rehearse: practise sales and service conversations where you already work."""
