"""Run indlint as ``python -m indlint``."""
from indlint.app.cli import main

main()
