"""A step run's artefacts, one click away.

Links are relative to the kernel's folder (a notebook's kernel runs in the notebook's folder):
JupyterLab opens a relative link of rendered output in one of its own tabs, through its
document manager, and the workspace folder is visible to its server. For front ends that are
not JupyterLab, the logs' tails, the images a step made and the executed notebook itself are
shown inline.
"""
from __future__ import annotations

import base64
import html
import json
import os
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from ..run.records.logs import end_of_file

LOG_TAIL = 3_000            # characters of a log's end shown inline
IMAGES = 4                  # images shown inline per step
IMAGE_BYTES = 1_500_000     # larger images are linked, not inlined
NOTEBOOK_BYTES = 20_000_000  # larger executed notebooks are linked, not rendered inline
IMAGE_SUFFIXES = {".png": "image/png", ".svg": "image/svg+xml"}


def _esc(value: object) -> str:
    return html.escape(str(value))


def href(path: str | os.PathLike) -> str:
    """The link to `path` from the kernel's folder."""
    relative = os.path.relpath(Path(path).absolute(), Path.cwd())
    return quote(Path(relative).as_posix())


def open_link(path: str | os.PathLike, label: str | None = None) -> str:
    """A link JupyterLab opens in a tab (the notebook, a log, a CSV: its own viewer); a
    binary file (a pickled model) has no viewer, so its link downloads it instead."""
    shown = label if label is not None else Path(path).name
    if is_binary(Path(path)):
        # JupyterLab leaves a link with `download` to the browser, pointed at the file's
        # download URL, instead of opening it in an editor that cannot decode it
        return (f"<a class='pw-download' href='{_esc(href(path))}' download "
                f"title='download (no viewer for this file)' "
                f"style='color:#1565c0;text-decoration:underline'>{_esc(shown)}</a> "
                f"<small>(download)</small>")
    return (f"<a class='pw-open' href='{_esc(href(path))}' "
            f"title='open in a new tab' style='color:#1565c0;text-decoration:underline'>"
            f"{_esc(shown)}</a>")


def folder_link(path: str | os.PathLike, label: str | None = None) -> str:
    """A folder opened in JupyterLab's file browser. A link would open it as a document (an
    error); a button carrying JupyterLab's command link runs `filebrowser:go-to-path`
    instead (widget output is trusted, so no question is asked). Needs the folder's path
    from the server's root; without a server that serves it, a plain link."""
    shown = label if label is not None else Path(path).name
    where = server_path(Path(path))
    if where is None:
        return open_link(path, shown)
    args = json.dumps({"path": where})
    return (f"<button class='pw-open-folder' data-commandlinker-command='filebrowser:go-to-path'"
            f" data-commandlinker-args='{_esc(args)}' title='show in the file browser' "
            f"style='border:none;background:none;padding:0;cursor:pointer;color:#1565c0;"
            f"text-decoration:underline;font:inherit'>{_esc(shown)}</button>")


def server_path(path: Path) -> str | None:
    """`path` from the root of the Jupyter server that runs this kernel (its parent process;
    else any running server that serves it), or None."""
    try:
        from jupyter_server.serverapp import list_running_servers

        servers = sorted(list_running_servers(), key=lambda s: s.get("pid") != os.getppid())
    except Exception:   # no jupyter_server here, or an unreadable runtime folder
        return None
    target = path.resolve()
    for server in servers:
        root = server.get("root_dir")
        if root and target.is_relative_to(Path(root).resolve()):
            return target.relative_to(Path(root).resolve()).as_posix()
    return None


SNIFF_BYTES = 4096
VIEWABLE_BINARY = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".pdf", ".ipynb"}


def is_binary(path: Path) -> bool:
    """Whether a file is not text JupyterLab can show: a NUL byte or no UTF-8 in its
    beginning (images and PDFs have viewers of their own)."""
    if path.suffix.lower() in VIEWABLE_BINARY:
        return False
    try:
        with open(path, "rb") as f:
            head = f.read(SNIFF_BYTES)
    except OSError:   # a folder, or not there (yet): a plain link
        return False
    if b"\0" in head:
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as err:
        return err.start < len(head) - 4   # a character cut at the end is still text
    return False


def tail(path: str | os.PathLike, limit: int = LOG_TAIL) -> tuple[str, bool]:
    """The last `limit` characters of a log (read from its end: run.records.logs), and
    whether anything before them was left out."""
    text, cut = end_of_file(path, limit * 4)
    return text[-limit:], cut or len(text) > limit


def log_html(label: str, path: str | None) -> str:
    """A log's link and, when it has anything, its last lines."""
    if not path:
        return ""
    file = Path(path)
    if not file.is_file():
        return f"<div>{_esc(label)}: <i>no file (yet)</i></div>"
    text, cut = tail(file)
    if not text.strip():
        return f"<div>{_esc(label)}: {open_link(file)} <i>(empty)</i></div>"
    return (f"<div>{_esc(label)}: {open_link(file)}</div>"
            f"<pre class='pw-log-tail' style='font-size:11px;max-height:160px;overflow:auto;"
            f"margin:2px 0;background:#f6f6f6'>{_esc(('...' if cut else '') + text)}</pre>")


def image_html(path: Path) -> str:
    """An image file inline (small enough), else its link."""
    mime = IMAGE_SUFFIXES[path.suffix.lower()]
    if path.stat().st_size > IMAGE_BYTES:
        return f"<div>{open_link(path)} <i>(too large to show here)</i></div>"
    data = base64.b64encode(path.read_bytes()).decode()
    return _img(mime, data, path.name)


def _img(mime: str, data: str, title: str) -> str:
    return (f"<img class='pw-image' src='data:{mime};base64,{data}' title='{_esc(title)}' "
            f"style='max-width:100%;max-height:240px;display:block;margin:2px 0'>")


def notebook_images(path: str | os.PathLike) -> list[str]:
    """The last images the executed notebook displayed, as <img> tags."""
    file = Path(path)
    try:
        stat = file.stat()
    except OSError:
        return []
    if stat.st_size > NOTEBOOK_BYTES:
        return []
    return list(_notebook_images(str(file), stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=32)
def _notebook_images(path: str, mtime: int, size: int) -> tuple[str, ...]:
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # a notebook being written, or not one: nothing to show
        return ()
    found: list[str] = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                found.append(_img("image/png", "".join(data["image/png"]).strip(), "figure"))
            elif "image/svg+xml" in data:
                svg = "".join(data["image/svg+xml"]).encode()
                found.append(_img("image/svg+xml", base64.b64encode(svg).decode(), "figure"))
    return tuple(found[-IMAGES:])


def notebook_html(path: str | os.PathLike) -> str:
    """The executed notebook rendered as HTML (nbconvert's basic template), for reading it
    where JupyterLab cannot open it in a tab."""
    file = Path(path)
    try:
        stat = file.stat()
    except OSError:
        return "<i>the executed notebook is not there (yet)</i>"
    if stat.st_size > NOTEBOOK_BYTES:
        return f"<i>{_esc(file.name)} is too large to show here: {open_link(file, 'open it')}</i>"
    return _rendered(str(file), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _rendered(path: str, mtime: int, size: int) -> str:
    from nbconvert import HTMLExporter

    try:
        body, _ = HTMLExporter(template_name="basic", sanitize_html=True).from_filename(path)
    except Exception as err:  # a notebook being written, or a broken one: say so
        return f"<i>cannot show {_esc(Path(path).name)}: {_esc(err)}</i>"
    return f"<div class='pw-notebook-view'>{body}</div>"
