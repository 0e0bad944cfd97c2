"""``python -m takehome``."""

from takehome.cli import main

main()
