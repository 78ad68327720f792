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

`finish` writes them to the trace file (read_trace reads it): a JSON line with the counts,
then a line per file, then a line per folder. A process that ends without it (killed,
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
CAP = 500_000        # names kept in memory, at most: beyond, the read set is marked overflowed
FORMAT = 2
TOO_MANY, LINE_BREAK = "too many", "line break"   # why a read set is incomplete

_START_CWD = os.getcwd()
_START_PATH = list(sys.path)   # before the interpreter adds the folder it was started in
_READ_ONLY_FLAGS = os.O_ACCMODE

# The hook runs for every audit event of the process: it only collects raw names (as the
# step gave them) into sets, per working folder; finish() resolves and filters them.
_active = False
_cwd_stale = False
# (dicts used as sets: of text only, the garbage collector never walks them)
_opened: dict = {}            # names opened for reading, relative to the folder below
_listed: dict = {}            # folders listed, the same way
_by_folder: list = []         # [(working folder, opened, listed)] for each folder used
_executed: set = set()        # co_filename of code objects executed (modules)
_imported: set = set()        # top-level module names imported
_env: set = set()             # environment variables read
_overflow = ""          # why the read set is incomplete, if it is


class _Config:
    out = ""
    roots: tuple = ()
    skip: tuple = ()


_config = _Config()


def _new_folder():
    """The working folder changed (os.chdir): names given from now are relative to it."""
    global _opened, _listed, _cwd_stale
    _cwd_stale = False
    _opened, _listed = {}, {}
    _by_folder.append((os.getcwd(), _opened, _listed))


def _hook(event, args):
    global _overflow
    if not _active:
        return
    try:
        if event == "open":   # by far the most frequent: first, and kept short
            mode = args[1]
            if mode == "r" or mode == "rb" or (
                    "r" in mode or "+" in mode if mode is not None
                    else args[2] & _READ_ONLY_FLAGS != os.O_WRONLY):
                if _cwd_stale:
                    _new_folder()
                _opened[args[0]] = None
                if len(_opened) > CAP:
                    _overflow = TOO_MANY
                    _opened.clear()
        elif event == "exec":
            _executed.add(getattr(args[0], "co_filename", None))
        elif event == "import":
            _imported.add(str(args[0]).partition(".")[0])
        elif event == "os.chdir" or event == "os.fchdir":
            _set_stale()
        elif event == "os.listdir" or event == "os.scandir":
            if sys._getframe(1).f_code.co_filename.startswith("<frozen"):
                return   # the import system's own directory caches
            if _cwd_stale:
                _new_folder()
            _listed["." if args[0] is None else args[0]] = None
    except Exception:   # never in the step's way
        pass


def _set_stale():
    global _cwd_stale
    _cwd_stale = True


def _inside(path, folders):
    for folder in folders:
        if path == folder or path.startswith(folder + os.sep):
            return True
    return False


_INSTALLED_PARTS = (os.sep + "site-packages" + os.sep, os.sep + "dist-packages" + os.sep)


def installed(path, prefixes=(sys.prefix, sys.base_prefix)):
    """In a Python environment's own folders (a virtual environment inside the project
    included): the module list names these, by distribution."""
    return (_INSTALLED_PARTS[0] in path or _INSTALLED_PARTS[1] in path
            or _inside(path, prefixes))


def _absolute(name, folder):
    """An absolute, normal path for a name given relative to `folder`, or None."""
    if name.__class__ is not str:
        if isinstance(name, int) or name is None:
            return None
        try:
            name = os.fsdecode(os.fspath(name))
        except TypeError:
            return None
    path = name if name.startswith(os.sep) else folder + os.sep + name
    if "/." in path or "//" in path:
        path = os.path.normpath(path)
    return path


def _lines(names):
    """The names joined as lines, if every one is text and on one line (the common case);
    the runner resolves and normalises them (read_trace)."""
    try:
        joined = "\n".join(names)
    except TypeError:
        return None
    return joined if joined.count("\n") == len(names) - 1 else None


def _folder_chunks(folder, kind, names):
    """Chunks for the names given in one working folder: as they were given, with the
    folder as their base, or else (bytes, descriptors, a newline in a name) made absolute
    one by one."""
    text = _lines(names)
    if text is not None:
        return [(folder, kind, len(names), text)]
    global _overflow
    paths = [p for p in (_absolute(n, folder) for n in names) if p]
    if any("\n" in p for p in paths):   # cannot be a line of the trace: no read set then
        _overflow = LINE_BREAK
        paths = [p for p in paths if "\n" not in p]
    return [("", kind, len(paths), "\n".join(paths))] if paths else []


def _chunks():
    """[(base folder, "f" or "d", count, text)]: what the step read, names one a line. A
    step may have opened a great many, so the names are written as the step gave them,
    relative to their working folder (base); the runner resolves and filters them
    (read_trace)."""
    chunks = []
    for folder, opened, listed in _by_folder:
        for kind, names in (("f", opened), ("d", listed)):
            if names:
                chunks.extend(_folder_chunks(folder, kind, names))
    here = os.getcwd()
    code = [os.path.join(here, n) for n in _executed
            if n.__class__ is str and n and not n.startswith("<") and "\n" not in n]
    if code:
        chunks.append(("", "f", len(code), "\n".join(code)))
    return chunks


class _Filter:
    """Which absolute paths are the project's, decided once per folder with prefix tests."""

    def __init__(self, roots, skip, environments):
        self.roots = tuple(r + os.sep for r in roots)
        self.skip = tuple(s + os.sep for s in skip)
        self.environments = tuple(p + os.sep for p in environments)
        self.folders = {}   # folder -> True (the project's), False (not), None (skipped)

    def _folder(self, prefix):
        if not prefix.startswith(self.roots) or "__pycache__" in prefix \
                or _INSTALLED_PARTS[0] in prefix or _INSTALLED_PARTS[1] in prefix \
                or prefix.startswith(self.environments):
            return False
        return None if prefix.startswith(self.skip) else True

    def __call__(self, path, listed=False):
        """The path if it is one of the project's files or folders `listed` (not in a
        skipped folder), the file it links to from a skipped folder (a snapshot's link), or
        None."""
        if "/." in path or "//" in path or path.endswith(os.sep):
            path = os.path.normpath(path)
        folder = path if listed else path.rpartition(os.sep)[0]
        verdict = self.folders.get(folder, 0)
        if verdict == 0:
            verdict = self.folders[folder] = self._folder(folder + os.sep)
        if verdict:
            return path
        if verdict is False:
            return None
        real = os.path.realpath(path)
        if real == path or real.startswith(self.skip) or not real.startswith(self.roots):
            return None
        return real


class _TracedEnviron(type(os.environ)):  # type: ignore[misc]
    """os.environ that remembers the names read from it (get, [], in, os.getenv)."""

    def __getitem__(self, key):
        if _active:
            _env.add(key)
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
    global _active, _overflow, _cwd_stale

    def folders(text):
        return tuple(os.path.abspath(p) for p in text.split(os.pathsep) if p)

    _config.out, _config.roots, _config.skip = out, folders(roots), folders(skip)
    for collected in (_executed, _imported, _env):
        collected.clear()
    _by_folder.clear()
    _overflow = ""
    _new_folder()
    _active = True


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
    for name in sorted(_imported):
        module = sys.modules.get(name)
        if module is None or name in stdlib or name.startswith("_pipeline_widget"):
            continue
        origin = _origin(module)
        if origin and (installed(origin + os.sep) or not _inside(origin, _config.roots)):
            found[name] = origin
    return found


def finish():
    """Stop recording and write what was read to the trace file."""
    global _active
    if not _active:
        return
    _active = False
    try:
        write_trace(_config.out, _chunks(), env=sorted(_env), modules=_modules(),
                    overflow=_overflow, roots=_config.roots, skip=_config.skip)
    except Exception:
        pass


def write_trace(out, chunks, env=(), modules=None, overflow="", roots=(), skip=()):
    """The trace file, atomically: a JSON line (the header), then the chunks' names, one a
    line. `chunks` are (base folder, "f" or "d", count, names joined by newlines)."""
    header = {"format": FORMAT, "env": list(env), "modules": modules or {},
              "overflow": overflow, "roots": list(roots), "skip": list(skip),
              "chunks": [[base, kind, count] for base, kind, count, _ in chunks],
              "python": {"executable": sys.executable, "prefix": sys.prefix,
                         "base_prefix": sys.base_prefix,
                         "version": "%d.%d.%d" % sys.version_info[:3]}}
    tmp = f"{out}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write("\n".join([json.dumps(header), *(text for *_, text in chunks), ""]))
    os.replace(tmp, out)


def prepare_kernel(cwd, env, trace, roots, skip, unset=()):
    """In a kernel, before its step's first cell: the step's folder, environment and
    sys.path exactly as a kernel started cold for it would have them, then recording.
    The folder the kernel was started in leaves no trace on sys.path."""
    os.chdir(cwd)
    os.environ.update(env)
    for name in unset:   # gone from the runner's environment since the kernel started
        os.environ.pop(name, None)
    start_dir = os.path.abspath(_START_CWD)
    keep = sum(1 for p in _START_PATH if p and os.path.abspath(p) == start_dir)
    cleaned = []
    for p in sys.path:   # the start folder's entry goes; one that was there before stays
        if p and os.path.abspath(p) == start_dir:
            if keep <= 0:
                continue
            keep -= 1
        cleaned.append(p)
    sys.path[:] = cleaned
    sys.path.insert(0, cwd)
    try:
        shell = sys.modules["IPython"].get_ipython()
        shell.user_ns["_dh"][:] = [cwd]
    except Exception:
        pass
    if trace:   # Python processes the step starts record their reads too
        os.environ.update({TRACE_ENV: trace, ROOTS_ENV: roots, SKIP_ENV: skip, CHILD_ENV: "1"})
        start(trace, roots, skip)


def read_trace(path):
    """What finish() wrote: the header's fields, with "files" and "dirs" the project's
    files and folders the step read, absolute and resolved (a path may come twice)."""
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        data = json.loads(f.readline())
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not a trace")
        lines = f.read().split("\n")
    python = data.get("python") or {}
    keep = _Filter(data["roots"], data["skip"],
                   {python.get("prefix") or sys.prefix, python.get("base_prefix") or sys.prefix})
    found = {"f": [], "d": []}
    at = 0
    for base, kind, count in data["chunks"]:
        names = lines[at:at + count]
        at += count
        if len(names) < count:
            raise ValueError("a cut trace")
        prefix = base + os.sep if base else ""
        for name in names:
            path = keep(name if name[:1] == os.sep or not name else prefix + name, kind == "d")
            if path:
                found[kind].append(path)
    data["files"], data["dirs"] = found["f"], found["d"]
    return data
