"""The ``indlint`` console script: the collector settled before anything is imported, then the CLI."""
import gc


def main() -> None:
    """Run the command line (app/cli.py) in a process whose young collections are rare.

    A start-up makes tens of thousands of objects that all live on (modules, classes, the rules):
    the young collections the default threshold (700) runs during it free nothing, and cost
    about 2 ms of a one-file check (issue 16). ``check`` keeps the same threshold for its run
    (check_cmd._settle_memory says why).
    """
    gc.set_threshold(500_000, 20, 20)
    from indlint.core.deferred import deferring

    # pathlib imports urllib.parse, which imports ipaddress (94 KB) for IPv6 hosts in URLs:
    # only ``serve`` ever meets one, and it then loads (core/deferred.py).
    with deferring("ipaddress"):
        from indlint.app.cli import main as cli
    cli()
