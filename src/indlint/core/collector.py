"""The garbage collector's thresholds: quiet for a one-shot run, Python's own for the server."""
import gc

#: The thresholds as Python starts (this module is imported first, by app/entry.py).
DEFAULT = gc.get_threshold()
#: Young collections only after 500,000 surviving objects. A start-up's objects all live on
#: (modules, classes, rules), and so does most of what a check keeps (names, values and
#: verdicts by distinct text); rows and findings are freed by reference counting and few
#: reference cycles are made. At Python's 700, start-up collections cost about 2 ms of a one-file
#: check; at 50,000, each young collection of a big run walked those caches again, 3–4% of the
#: benchmark corpus's time, for no garbage (issue 16).
QUIET = (500_000, 20, 20)


def quiet() -> None:
    """Collect rarely: for one-shot commands (check, fix, report …)."""
    gc.set_threshold(*QUIET)


def default() -> None:
    """Python's own thresholds: for a process that lives long (serve)."""
    gc.set_threshold(*DEFAULT)
