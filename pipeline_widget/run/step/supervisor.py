"""A step's process supervisor: the parent of a kernel or a script, and the end of its tree.

Run as `python -S supervisor.py RUNNER_PID COMMAND...` (by path, standard library only, so
it starts in milliseconds). It becomes a child subreaper, so every process the step starts
stays its descendant even when orphaned or moved to another session, and it kills that
whole tree when the command ends, when it is told to stop (SIGTERM, SIGHUP) or when the
runner dies (even by kill -9: it watches its parent). Its exit status is the command's.
Linux only; elsewhere the runner starts the command directly.
"""
from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys

TYPE_CHECKING = False   # typing is not imported: this program starts in milliseconds
if TYPE_CHECKING:
    from typing import Callable

PR_SET_CHILD_SUBREAPER = 36
POLL = 0.25   # seconds between checks that the runner is alive
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def _children(pid: int) -> list[int]:
    """The children of `pid`, from each of its threads' `children` file (none if it is gone)."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", "rb") as f:
                found.extend(int(child) for child in f.read().split())
        except OSError:   # the thread ended: its children went to another of its threads
            pass
    return found


def descendants(root: int) -> list[int]:
    """Every live process under `root`: read from the subtree's own `children` files, so
    what it costs grows with the subtree, not with every process of the machine (Linux
    without CONFIG_PROC_CHILDREN: from every process's /proc entry)."""
    if not os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children"):
        return _descendants_from_every_process(root)
    found, todo = [], [root]
    while todo:
        below = _children(todo.pop())
        found.extend(below)
        todo.extend(below)
    return found


def _descendants_from_every_process(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def reap() -> list[tuple[int, int]]:
    """Collect every child that has exited: (pid, wait status)."""
    done: list[tuple[int, int]] = []
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return done
        if pid == 0:
            return done
        done.append((pid, status))


def kill_tree() -> None:
    """SIGKILL every descendant until none is left (a process may fork meanwhile)."""
    for _ in range(100):
        pids = descendants(os.getpid())
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        signal.sigtimedwait([signal.SIGCHLD], 0.05)
        reap()


def exit_like(status: int) -> None:
    """End this process as the command ended: the same exit code, or the same signal."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        signal.signal(sig, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [sig])
        os.kill(os.getpid(), sig)
    os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 1)


def supervise(runner: int, command: list[str] | Callable[[], object]) -> None:
    """Run `command` (a program, or a function run in a forked child: a kernel forked by
    the fork server) and end with it, ending its whole tree; end it when `runner` goes."""
    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # a kernel interrupt is for the kernel
    watched = [signal.SIGCHLD, *STOP_SIGNALS]
    signal.pthread_sigmask(signal.SIG_BLOCK, watched)
    if os.getppid() != runner:
        os._exit(1)   # the runner is already gone
    pid = os.fork()
    if pid == 0:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, watched)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        try:
            if callable(command):
                command()
            else:
                os.execvp(command[0], command)
        finally:
            os._exit(127)
    while True:
        got = signal.sigtimedwait(watched, POLL)
        if got is not None and got.si_signo in STOP_SIGNALS:
            kill_tree()
            os._exit(128 + got.si_signo)
        for child, status in reap():
            if child == pid:
                kill_tree()   # whatever the command left behind
                exit_like(status)
        if os.getppid() != runner:
            kill_tree()
            os._exit(1)


def wrap(command: list[str]) -> list[str]:
    """The command run under a supervisor for this process, where supervising is possible."""
    if not sys.platform.startswith("linux"):
        return command
    return [sys.executable, "-S", os.path.abspath(__file__), str(os.getpid()), *command]


def stop(process: subprocess.Popen, grace: float = 5.0) -> None:
    """End a process started with `wrap` (in a session of its own) and everything under it:
    its supervisor kills the tree; should it not answer, its whole group is killed."""
    supervised = sys.platform.startswith("linux")
    try:
        if process.poll() is None and supervised:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        if process.poll() is None or not supervised:   # unanswered, or leftovers in its group
            os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        pass
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass


if __name__ == "__main__":
    supervise(int(sys.argv[1]), sys.argv[2:])
