"""SIGINT and SIGTERM end a run at once: worker processes killed, one line, exit 130 / 143."""
from __future__ import annotations

import os
import signal
import sys
from contextlib import contextmanager

#: Exit codes of a run stopped by a signal (128 + the signal's number, as shells report it).
EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}


class Interrupted(BaseException):
    """Raised in the main process by a stopping signal; BaseException, so that the per-file
    ``except Exception`` (no crash ends a run) does not take it for a file's failure."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.code = EXIT_CODES.get(signum, 128 + signum)


def _kill_workers() -> None:
    """Kill the processes this one started (the --jobs pool): a pool that is shut down waits
    for every queued file, and a parent killed alone leaves its workers spinning."""
    import multiprocessing

    for child in multiprocessing.active_children():
        try:
            child.kill()
        except (OSError, ValueError):     # already gone
            pass


#: Seconds a stopped run may take to unwind before it exits regardless.
DEADLINE = 2.0
_said = []


def _say_interrupted() -> None:
    if not _said:
        _said.append(True)
        try:
            sys.stderr.flush()            # what was said before comes first
        except (OSError, ValueError):
            pass
        try:
            os.write(2, "已中断。\n".encode("utf-8"))
        except OSError:
            pass


def _force_exit(code: int) -> None:
    _say_interrupted()
    os._exit(code)


@contextmanager
def stop_on_signals():
    """Within the block, SIGINT and SIGTERM kill the workers and end the run with 130 / 143.

    A forked worker inherits the handler and leaves at once without a traceback (Ctrl-C
    reaches the whole process group). Output files are written only at the end, through the
    safe writer, whose temporary file is removed when an exception passes: none is left.
    """
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield                             # handlers can only be set in the main thread
        return
    owner = os.getpid()

    def handler(signum, frame):
        if os.getpid() != owner:          # a worker: its parent decides
            os._exit(EXIT_CODES.get(signum, 128 + signum))
        # The pool's manager thread may fail on futures cancelled while it marks the pool
        # broken (a CPython race): the run is ending, so a thread's failure is not shown.
        threading.excepthook = lambda args: None
        _kill_workers()
        # A pool whose worker died while writing a result can wait forever for the rest of it
        # (CPython's manager thread): the run ends by this deadline whatever the pool does.
        # No output file exists yet then: outputs are written after the last result.
        watchdog = threading.Timer(DEADLINE, _force_exit, (EXIT_CODES.get(signum, 128 + signum),))
        watchdog.daemon = True
        watchdog.start()
        raise Interrupted(signum)

    previous = {s: signal.signal(s, handler) for s in EXIT_CODES}
    try:
        yield
    except (Interrupted, KeyboardInterrupt) as stop:
        _kill_workers()
        _say_interrupted()
        raise SystemExit(stop.code if isinstance(stop, Interrupted) else EXIT_CODES[signal.SIGINT]) \
            from None
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


def guard(command):
    """Run a click command inside stop_on_signals (``serve`` is not guarded: its server stops
    on Ctrl+C by its own handlers, with exit 0)."""
    inner = command.invoke

    def invoke(ctx):
        with stop_on_signals():
            return inner(ctx)

    command.invoke = invoke
    return command
