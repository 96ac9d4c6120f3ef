"""Run indlint as ``python -m indlint``."""
from .cli import main

main()
