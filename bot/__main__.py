"""`python -m bot` is the same as the `rehearse` console script."""

from bot.cli import main

main()
