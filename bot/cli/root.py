"""The one Typer application every `rehearse` sub-command registers on, with `--version` and shell completion."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import typer

app = typer.Typer(
    name="rehearse",
    help="Rehearse: practise sales and service conversations where you already work.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish and PowerShell
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
