"""The kernel fork server: one long-lived Python per interpreter and start-up environment
that has imported ipykernel once, and forks a fresh kernel process for each step.

Run by path (client.py starts it): `python -c BOOT server.py OWNER_PID MODULE`. Standard
library until it pre-imports the kernel's own modules; it starts no thread (a fork copies
only the thread that forks). It reads requests from stdin and answers on stdout, one JSON
object a line:

    -> {"id": 1, "argv": ["-f", "kernel.json", ...], "cwd": "...", "env": {...}}
    <- {"id": 1, "pid": 4321}              the kernel's supervisor (its process group)
    <- {"exit": 4321, "code": 0}           when that supervisor has ended

Each kernel runs under its own supervisor (step/supervisor.py), forked from here, which
ends the kernel's whole tree when it ends or when this server goes. The server ends when
its owner does (its stdin closes), and then ends every kernel
and removes their connection files.

What a forked kernel shares with this process is only what ipykernel's import made, before
any step: its folder, environment, sys.path, argv and random state are set as a kernel
started cold for the step would have them (see `_become_kernel`).
"""
import importlib.util
import json
import os
import selectors
import signal
import sys

# What a kernel started as a program has imported by the time it runs a step's first line
# (found in a cold kernel's sys.modules then): importing it here is work every forked kernel
# would repeat, and none of it is the step's own (its imports are traced from that line on).
# The debugger (debugpy, pydevd) alone is about two thirds of a kernel's start after fork.
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell",
           "ipykernel.debugger", "IPython.core.interactiveshell", "IPython.core.completerlib",
           "IPython.core.debugger", "IPython.core.logger", "IPython.core.oinspect",
           "IPython.extensions.storemagic", "IPython.utils.wildcard", "jupyter_client.session",
           "zmq", "tornado.ioloop", "tornado.gen", "tornado.locks", "tornado.queues",
           "tornado.platform.asyncio", "comm", "psutil", "faulthandler", "runpy")
_connection_files: set = set()   # of the kernels forked: removed when the server ends
_own_fds: list = []         # the server's own descriptors, closed in what it forks
_set_by_imports: dict = {}  # variables the preloaded modules set as they were imported
PR_SET_NAME = 15
# What `ps` and `top` show for the processes forked from here (their command lines are the
# server's): the server, a kernel's supervisor, a kernel.
NAMES = {"server": b"pw-fork-server", "supervisor": b"pw-supervisor", "kernel": b"pw-kernel"}


def _name(what):
    import ctypes

    ctypes.CDLL(None).prctl(PR_SET_NAME, NAMES[what], 0, 0, 0)


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_here = os.path.dirname(os.path.abspath(__file__))
supervisor = _load("_pipeline_widget_supervisor", os.path.join(os.path.dirname(_here),
                                                               "supervisor.py"))


def _preload():
    """Import what every kernel imports before its first request, once, here; and keep
    the variables those imports set (debugpy sets PYDEVD_USE_FRAME_EVAL unless given),
    which a forked kernel's own environment would otherwise lose."""
    before = dict(os.environ)
    for name in PRELOAD:
        try:
            __import__(name)
        except Exception:   # a kernel that needs it fails as it would cold
            pass
    _set_by_imports.update((k, v) for k, v in os.environ.items() if before.get(k) != v)


def _become_kernel(module, argv, cwd, env):
    """In the forked child: the process a cold `python -m MODULE ARGV...` started in `cwd`
    with `env` would be, then run the kernel; never returns."""
    import runpy

    code = 1
    try:
        _name("kernel")
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        for key, value in _set_by_imports.items():   # as the imports would, given `env`
            os.environ.setdefault(key, value)
        sys.argv = [module, *argv]
        sys.orig_argv = [sys.executable, "-m", module, *argv]
        sys.path.insert(0, cwd)   # `-m` puts the start folder first; the launcher removes it
        tracer = sys.modules.get("_pipeline_widget_trace")
        if tracer is not None:   # "the folder and sys.path the kernel was started with"
            tracer._START_CWD = cwd
            tracer._START_PATH = list(sys.path)
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:
        code = 1
    finally:
        try:
            import atexit

            atexit._run_exitfuncs()
        finally:
            os._exit(code)


def _fork(request, server_pid):
    """A supervisor for the kernel, in a session of its own; its pid."""
    pid = os.fork()
    if pid:
        return pid
    try:
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):   # the server's pipes are its own
            os.dup2(devnull, fd)
        os.close(devnull)
        for fd in _own_fds:
            os.close(fd)
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD, signal.SIGINT):
            signal.signal(sig, signal.SIG_DFL)
        signal.set_wakeup_fd(-1)
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        _name("supervisor")
        supervisor.supervise(server_pid, lambda: _become_kernel(
            request["module"], request["argv"], request["cwd"], request["env"]))
    finally:
        os._exit(127)


def _answer(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _end(*_args):
    """End every kernel (their supervisors end their trees) and their connection files."""
    supervisor.kill_tree()
    for path in _connection_files:
        try:
            os.remove(path)
        except OSError:
            pass
    os._exit(0)


def serve(owner):
    import ctypes

    # Orphaned grandchildren come back here, so ending the tree ends them too. The owner's
    # end is seen as the end of stdin (a parent-death signal would follow the owner's
    # thread that started this server, not the owner).
    ctypes.CDLL(None).prctl(supervisor.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    _name("server")
    signal.signal(signal.SIGTERM, _end)
    signal.signal(signal.SIGHUP, _end)
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl+C is for the runner
    if os.getppid() != owner:
        _end()   # the owner is already gone
    _preload()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    selector = selectors.DefaultSelector()
    selector.register(0, selectors.EVENT_READ, "request")
    selector.register(wake_r, selectors.EVENT_READ, "child")
    _own_fds.extend([wake_r, wake_w, selector.fileno()])
    me = os.getpid()
    _answer({"ready": me})
    pending = b""
    while True:
        for key, _ in selector.select():
            if key.data == "child":
                os.read(wake_r, 512)
                for pid, status in supervisor.reap():
                    _answer({"exit": pid, "code": os.waitstatus_to_exitcode(status)})
                continue
            data = os.read(0, 65536)
            if not data:   # the owner closed the pipe, or is gone
                _end()
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                _handle(line, me)


def _handle(line, me):
    request = None
    try:
        request = json.loads(line)
        path = _connection_file(request["argv"])
        if path:
            _connection_files.add(path)
        _answer({"id": request["id"], "pid": _fork(request, me)})
    except Exception as err:   # a bad request is answered, never the end
        _answer({"id": request.get("id") if isinstance(request, dict) else None,
                 "error": f"{type(err).__name__}: {err}"})


def _connection_file(argv):
    for flag, value in zip(argv, argv[1:]):
        if flag == "-f":
            return value
    return None


if __name__ == "__main__":
    serve(int(sys.argv[1]))
