"""scripts/respawn.py: a process that dies is started again; a stop signal ends both."""

import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_command_that_dies_is_started_again_and_sigterm_stops_the_loop(tmp_path):
    starts = tmp_path / "starts"
    command = f"echo started >> {starts}; exit 3"
    wrapper = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "respawn.py"), "--name", "t", "--", "sh", "-c", command],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        end = time.monotonic() + 30
        while time.monotonic() < end and (not starts.exists() or len(starts.read_text().splitlines()) < 2):
            time.sleep(0.1)
        assert len(starts.read_text().splitlines()) >= 2  # it died and was started again
        assert wrapper.poll() is None  # the wrapper itself carries on
    finally:
        wrapper.send_signal(signal.SIGTERM)
        code = wrapper.wait(10)
    assert code == 3  # the command's own status
    assert "respawn: t exited with 3" in wrapper.stdout.read()


def test_sigterm_reaches_a_running_command(tmp_path):
    marker = tmp_path / "got-term"
    command = f"trap 'echo term > {marker}; exit 0' TERM; echo up > {tmp_path / 'up'}; while true; do sleep 0.1; done"
    wrapper = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "respawn.py"), "--", "sh", "-c", command])
    end = time.monotonic() + 30
    while time.monotonic() < end and not (tmp_path / "up").exists():
        time.sleep(0.1)

    wrapper.send_signal(signal.SIGTERM)

    assert wrapper.wait(10) == 0
    assert marker.read_text().strip() == "term"


def test_a_stop_signal_blocked_by_the_parent_still_stops_the_wrapper(tmp_path):
    up = tmp_path / "up"
    command = f"echo up > {up}; while true; do sleep 0.1; done"
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        wrapper = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "respawn.py"), "--", "sh", "-c", command])
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    end = time.monotonic() + 30
    while time.monotonic() < end and not up.exists():
        time.sleep(0.1)

    wrapper.send_signal(signal.SIGTERM)

    assert wrapper.wait(20) == 128 + signal.SIGTERM  # the command died of the signal and the loop ended


def test_killing_the_wrapper_outright_stops_the_command(tmp_path):
    pid_file = tmp_path / "pid"
    command = f"echo $$ > {pid_file}; while true; do sleep 0.1; done"
    wrapper = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "respawn.py"), "--", "sh", "-c", command])
    end = time.monotonic() + 30
    while time.monotonic() < end and not (pid_file.exists() and pid_file.read_text().strip()):
        time.sleep(0.1)
    pid = int(pid_file.read_text())

    wrapper.kill()
    wrapper.wait(10)

    end = time.monotonic() + 20
    while time.monotonic() < end and Path(f"/proc/{pid}").exists() and "Z" not in _state(pid):
        time.sleep(0.1)
    assert not Path(f"/proc/{pid}").exists() or "Z" in _state(pid)  # gone (or a zombie of init), not orphaned


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return "Z"
