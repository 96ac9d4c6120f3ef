"""The ``indlint`` console script: the collector settled before anything is imported, then the CLI."""
from indlint.core import collector


def main() -> None:
    """Run the command line (app/cli.py) in a process whose young collections are rare
    (core/collector.py: one-shot commands keep them rare; ``serve`` goes back to Python's own)."""
    collector.quiet()
    from indlint.core.deferred import deferring

    # pathlib imports urllib.parse, which imports ipaddress (94 KB) for IPv6 hosts in URLs:
    # only ``serve`` ever meets one, and it then loads (core/deferred.py).
    with deferring("ipaddress"):
        from indlint.app.cli import main as cli
    cli()
