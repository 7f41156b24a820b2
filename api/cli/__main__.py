"""``python -m api.cli``: the command line without the console script."""

from api.cli import run

run()
