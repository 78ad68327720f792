"""The runner's side of the kernel fork server (server.py): one server per interpreter and
start-up environment, started on first use, ended with this process (and, should this
process be killed, by the end of its pipe)."""
from __future__ import annotations

import atexit
import json
import os
import signal
import subprocess
import threading
from pathlib import Path
from typing import Any

from ..launch_environment import startup_values

MODULES = ("ipykernel_launcher", "ipykernel")
READY_TIMEOUT = 60
SERVER = str(Path(__file__).with_name("server.py"))
# Started by `-c`, so that no folder of this package is on the server's sys.path while it
# imports what kernels need; server.py is run as __main__.
BOOT = ("import sys; del sys.path[0]; del sys.argv[0]; __file__ = sys.argv[0]; "
        "exec(compile(open(__file__).read(), __file__, 'exec'))")


def forkable(argv: list[str]) -> str | None:
    """The module a kernelspec's command runs, if it is the standard ipykernel launcher
    (`python -m ipykernel_launcher -f {connection_file} ...`): only those are forked."""
    if len(argv) >= 5 and argv[1] == "-m" and argv[2] in MODULES and "-f" in argv[3:]:
        return argv[2]
    return None


class ForkedProcess:
    """A kernel forked by the server, as jupyter_client and the runner use a Popen: its pid
    is its supervisor's, which leads its own process group."""

    stdin = stdout = stderr = None

    def __init__(self, server: ForkServer, pid: int) -> None:
        self.server = server
        self.pid = pid
        self.returncode: int | None = None
        self.args = [str(pid)]

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.server.exit_code(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        code = self.server.wait_exit(self.pid, timeout)
        if code is None:
            raise subprocess.TimeoutExpired(self.args, timeout or 0)
        self.returncode = code
        return code

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkServer:
    """One server process: `fork` asks it for a fresh kernel."""

    def __init__(self, python: str, env: dict[str, str], cwd: str) -> None:
        self.process = subprocess.Popen(
            [python, "-c", BOOT, SERVER, str(os.getpid())], cwd=cwd, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            start_new_session=True)
        self._cond = threading.Condition()
        self._next = 0
        self._answers: dict[int, dict[str, Any]] = {}
        self._exits: dict[int, int] = {}
        self._ready = False
        self._gone = False
        threading.Thread(target=self._read, name="fork-server", daemon=True).start()

    def wait_ready(self) -> None:
        """Until the server has imported what kernels need; it is ended if it cannot."""
        with self._cond:
            ready = self._cond.wait_for(lambda: self._ready or self._gone, READY_TIMEOUT) \
                and not self._gone
        if not ready:
            self.close()
            raise RuntimeError("the kernel fork server did not start")

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return not self._gone and self.process.poll() is None

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            with self._cond:
                if "ready" in message:
                    self._ready = True
                elif "exit" in message:
                    self._exits[int(message["exit"])] = int(message["code"])
                elif "id" in message:
                    self._answers[message["id"]] = message
                self._cond.notify_all()
        with self._cond:   # the server is gone: so are its kernels (their supervisors saw it)
            self._gone = True
            self._cond.notify_all()

    def fork(self, module: str, argv: list[str], cwd: str, env: dict[str, str]) -> ForkedProcess:
        """A fresh kernel running `python -m module argv...` in `cwd` with `env`."""
        with self._cond:
            self._next += 1
            ident = self._next
            request = {"id": ident, "module": module, "argv": list(argv), "cwd": cwd,
                       "env": dict(env)}
            try:
                assert self.process.stdin is not None
                self.process.stdin.write((json.dumps(request) + "\n").encode())
                self.process.stdin.flush()
            except (OSError, ValueError) as err:
                raise RuntimeError(f"the kernel fork server is gone ({err})") from err
            if not self._cond.wait_for(lambda: ident in self._answers or self._gone,
                                       READY_TIMEOUT) or ident not in self._answers:
                raise RuntimeError("the kernel fork server did not answer")
            answer = self._answers.pop(ident)
        if "pid" not in answer:
            raise RuntimeError(f"the kernel fork server could not fork: {answer.get('error')}")
        return ForkedProcess(self, int(answer["pid"]))

    def exit_code(self, pid: int) -> int | None:
        with self._cond:
            if pid in self._exits:
                return self._exits[pid]
            return -signal.SIGKILL if self._gone else None

    def wait_exit(self, pid: int, timeout: float | None) -> int | None:
        with self._cond:
            self._cond.wait_for(lambda: pid in self._exits or self._gone, timeout)
        return self.exit_code(pid)

    def close(self) -> None:
        """End the server: it ends its kernels and removes their connection files."""
        try:
            if self.process.stdin is not None:
                self.process.stdin.close()
        except OSError:
            pass
        if not self._ready:   # still importing: it would read the end of its pipe only after
            self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_servers: dict[tuple[str, tuple[tuple[str, str], ...]], ForkServer] = {}
_lock = threading.Lock()


def server_for(python: str, env: dict[str, str], folder: str, wait: bool = True) -> ForkServer:
    """The running server for this interpreter and these start-up variables (PYTHON*,
    PATH, ...: what a Python reads as it starts), started now if there is none; it runs
    in `folder` (the kernels folder of the run or the designer that started it; the
    project folder for one started ahead of a run's plan). wait: until it is ready to fork."""
    key = (python, tuple(sorted(startup_values(env).items())))
    with _lock:
        server = _servers.get(key)
        if server is None or not server.alive():
            os.makedirs(folder, exist_ok=True)
            server = _servers[key] = ForkServer(python, env, folder)
    if wait:
        try:
            server.wait_ready()
        except RuntimeError:
            with _lock:
                if _servers.get(key) is server:
                    del _servers[key]
            raise
    return server


def servers() -> list[ForkServer]:
    """The servers running in this process."""
    with _lock:
        return [s for s in _servers.values() if s.alive()]


@atexit.register
def close_all() -> None:
    """End every server of this process, and so their kernels."""
    with _lock:
        running = list(_servers.values())
        _servers.clear()
    for server in running:
        server.close()
