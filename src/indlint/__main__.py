"""Run indlint as ``python -m indlint``."""
from indlint.app.entry import main

main()
