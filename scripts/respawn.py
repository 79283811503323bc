#!/usr/bin/env python3
"""Run a command and start it again whenever it exits, until told to stop.

honcho (`make run`) stops every process as soon as one of them exits; wrapped in this, a worker that
dies is restarted instead and the web and beat carry on. Production uses systemd's `Restart=always`
for the same thing (deploy/systemd/).

    scripts/respawn.py [--name NAME] -- COMMAND [ARGS...]

Restarts wait 1 s, doubling up to 30 s while the command keeps dying quickly (under 60 s); a run that
lasted longer resets the wait. SIGTERM/SIGINT/SIGHUP are passed to the command's main process and end
the loop; the wrapper then exits with the command's status. Only the main process: gunicorn's and
Celery's masters stop their own children in order (signalling the whole group killed Celery's pool
under it, and its warm shutdown hung).
"""

import ctypes
import signal
import subprocess
import sys
import time

FIRST_WAIT, MAX_WAIT, HEALTHY_RUN = 1.0, 30.0, 60.0
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def main(argv: list[str]) -> int:
    name = "process"
    if argv[:1] == ["--name"]:
        name, argv = argv[1], argv[2:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2

    stopping: int = 0  # the stop signal received, 0 while none
    child: subprocess.Popen | None = None

    def forward(signum: int) -> None:
        if child is not None and child.poll() is None:
            try:
                child.send_signal(signum)
            except ProcessLookupError:
                pass

    def stop(signum, _frame):
        nonlocal stopping
        stopping = signum
        forward(signum)

    stop_signals = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP}
    # A parent may hand us these signals blocked (the mask survives fork and exec): a supervisor that
    # cannot be stopped is worse than none, so take them back; the command inherits the cleared mask.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, stop_signals)
    for signum in stop_signals:
        signal.signal(signum, stop)

    wait = FIRST_WAIT
    while True:
        started = time.monotonic()
        child = subprocess.Popen(argv, start_new_session=True, preexec_fn=_die_with_parent)
        if stopping:  # the signal came while the command was starting, before `child` was set
            forward(stopping)
        code = child.wait()
        if stopping:
            return code
        ran = time.monotonic() - started
        delay = FIRST_WAIT if ran >= HEALTHY_RUN else wait
        wait = min(delay * 2, MAX_WAIT)
        print(f"respawn: {name} exited with {code} after {ran:.0f} s; starting it again in {delay:.0f} s", flush=True)
        deadline = time.monotonic() + delay
        while not stopping and time.monotonic() < deadline:
            time.sleep(0.2)
        if stopping:
            return code


def _die_with_parent() -> None:
    """In the command, before exec: if this wrapper is killed outright (SIGKILL, as honcho does to
    a process that is slow to stop), the command gets SIGTERM instead of running on as an orphan."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def exit_status(code: int) -> int:
    """The command's status as a shell reports it: a death by signal N is 128 + N."""
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(exit_status(main(sys.argv[1:])))
