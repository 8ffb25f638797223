"""``python -m bioris`` runs the command line."""

from bioris.cli import main

main()
