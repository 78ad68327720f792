"""Inside a step's process: what the step really reads, seen through Python's audit hooks.

Loaded by the step's start-up code (step/startup/sitecustomize.py) before any user
code, in script processes and kernels alike. Standard library only, and never in the
way: a failure here records nothing more and never stops the step.

Between `start` and `finish` it records, for the project folder only (the standard
library, installed packages and temporary folders are not listed one by one):
- files opened for reading (`open`, `io.open_code`, `os.open`), found or not;
- module code executed from project files (`exec` of a module's code: imports,
  including those served from a `.pyc`);
- folders listed (`os.listdir`, `os.scandir`: glob, os.walk), except by the import
  system's own finders;
- environment variables read through `os.environ` / `os.getenv`, by name;
- the top-level modules imported from outside the project, with the folder each came
  from, so the runner can name their distributions and versions.

`finish` writes them as JSON to the trace file; a process that ends without it (killed,
`os._exit`) leaves no trace, and its result is not kept for reuse.
"""
import json
import os
import sys

TRACE_ENV = "PIPELINE_WIDGET_TRACE"        # where finish() writes the read set
ROOTS_ENV = "PIPELINE_WIDGET_TRACE_ROOTS"  # the project folder's names (os.pathsep)
SKIP_ENV = "PIPELINE_WIDGET_TRACE_SKIP"    # folders inside it that are not recorded
CHILD_ENV = "PIPELINE_WIDGET_TRACE_CHILD"  # set for a step's child processes
CHILD_SUFFIX = ".child"                     # they write <trace>.<pid>.child
CAP = 100_000                               # files and folders recorded, at most
FORMAT = 1

_START_CWD = os.getcwd()


class _State:
    active = False
    out = ""
    roots: tuple = ()
    skip: tuple = ()
    files: set = set()
    dirs: set = set()
    env: set = set()
    imported: set = set()
    overflow = False


_state = _State()


def _inside(path, folders):
    for folder in folders:
        if path == folder or path.startswith(folder + os.sep):
            return True
    return False


def installed(path):
    """In a Python environment's own folders (a virtual environment inside the project
    included): the module list names these, by distribution."""
    return (os.sep + "site-packages" + os.sep in path or os.sep + "dist-packages" + os.sep in path
            or _inside(path, (sys.prefix, sys.base_prefix)))


def _note(found, path):
    """Record an absolute path if it is the project's (and not in a skipped folder)."""
    if not _inside(path, _state.roots) or "__pycache__" in path or installed(path):
        return
    if _inside(path, _state.skip):
        real = os.path.realpath(path)   # a link from the workspace (a snapshot) to the project
        if real == path or _inside(real, _state.skip) or not _inside(real, _state.roots):
            return
        path = real
    if path not in found:
        if len(_state.files) + len(_state.dirs) >= CAP:
            _state.overflow = True
            return
        found.add(path)


def _absolute(path):
    if isinstance(path, int) or path is None:
        return None
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    elif not isinstance(path, str):
        path = os.fspath(path)
    return os.path.abspath(path)


def _reads(mode, flags):
    if isinstance(mode, str):
        return "r" in mode or "+" in mode
    if isinstance(flags, int):
        return flags & os.O_ACCMODE != os.O_WRONLY
    return True


def _hook(event, args):
    if not _state.active:
        return
    try:
        if event == "open":
            if _reads(args[1], args[2]):
                path = _absolute(args[0])
                if path is not None:
                    _note(_state.files, path)
        elif event == "exec":
            name = getattr(args[0], "co_filename", None)
            if isinstance(name, str) and name and not name.startswith("<"):
                _note(_state.files, os.path.abspath(name))
        elif event == "import":
            _state.imported.add(str(args[0]).partition(".")[0])
        elif event in ("os.listdir", "os.scandir"):
            caller = sys._getframe(1).f_code.co_filename
            if not caller.startswith("<frozen"):   # the import system's directory caches
                path = _absolute(args[0] if args[0] is not None else ".")
                if path is not None:
                    _note(_state.dirs, path)
    except Exception:
        pass


class _TracedEnviron(type(os.environ)):  # type: ignore[misc]
    """os.environ that remembers the names read from it (get, [], in, os.getenv)."""

    def __getitem__(self, key):
        if _state.active:
            _state.env.add(key)
        return super().__getitem__(key)


def install():
    """Add the audit hook (for good: hooks cannot be removed; idle until `start`)."""
    if getattr(sys, "_pipeline_widget_traced", False):
        return
    sys._pipeline_widget_traced = True
    sys.addaudithook(_hook)
    try:
        os.environ.__class__ = _TracedEnviron
    except TypeError:
        pass
    out = os.environ.get(TRACE_ENV)
    if out:   # a script, or a process a step started: its step starts now
        if os.environ.get(CHILD_ENV):
            out = f"{out}.{os.getpid()}{CHILD_SUFFIX}"
        else:
            os.environ[CHILD_ENV] = "1"
        start(out, os.environ.get(ROOTS_ENV, ""), os.environ.get(SKIP_ENV, ""))
        import atexit

        atexit.register(finish)


def start(out, roots, skip):
    """Begin recording for one step (a kernel is given its step's files by the runner)."""
    def folders(text):
        return tuple(os.path.abspath(p) for p in text.split(os.pathsep) if p)

    _state.out, _state.roots, _state.skip = out, folders(roots), folders(skip)
    _state.files, _state.dirs, _state.env, _state.imported = set(), set(), set(), set()
    _state.overflow = False
    _state.active = True


def _origin(module):
    """The folder on sys.path a top-level module was found in, or None."""
    path = getattr(module, "__file__", None)
    if path:
        path = os.path.abspath(path)
        base = os.path.dirname(path)
        return os.path.dirname(base) if os.path.basename(path).startswith("__init__.") else base
    locations = list(getattr(module, "__path__", None) or [])
    return os.path.dirname(os.path.abspath(locations[0])) if locations else None


def _modules():
    found = {}
    stdlib = getattr(sys, "stdlib_module_names", ())
    for name in sorted(_state.imported):
        module = sys.modules.get(name)
        if module is None or name in stdlib or name.startswith("_pipeline_widget"):
            continue
        origin = _origin(module)
        if origin and (installed(origin + os.sep) or not _inside(origin, _state.roots)):
            found[name] = origin
    return found


def finish():
    """Stop recording and write what was read to the trace file, atomically."""
    if not _state.active:
        return
    _state.active = False
    try:
        data = {
            "format": FORMAT, "files": sorted(_state.files), "dirs": sorted(_state.dirs),
            "env": sorted(_state.env), "modules": _modules(), "overflow": _state.overflow,
            "python": {"executable": sys.executable, "prefix": sys.prefix,
                       "version": "%d.%d.%d" % sys.version_info[:3]},
        }
        tmp = f"{_state.out}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f)
        os.replace(tmp, _state.out)
    except Exception:
        pass


def prepare_kernel(cwd, env, trace, roots, skip):
    """In a kernel, before its step's first cell: the step's folder, environment and
    sys.path exactly as a kernel started cold for it would have them, then recording.
    The folder the kernel was started in leaves no trace on sys.path."""
    os.chdir(cwd)
    os.environ.update(env)
    start_dir = os.path.abspath(_START_CWD)
    sys.path[:] = [p for p in sys.path if not p or os.path.abspath(p) != start_dir]
    sys.path.insert(0, cwd)
    try:
        shell = sys.modules["IPython"].get_ipython()
        shell.user_ns["_dh"][:] = [cwd]
    except Exception:
        pass
    if trace:   # Python processes the step starts record their reads too
        os.environ.update({TRACE_ENV: trace, ROOTS_ENV: roots, SKIP_ENV: skip, CHILD_ENV: "1"})
        start(trace, roots, skip)
