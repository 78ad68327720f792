"""Drive a real JupyterLab in Chromium: the server, the browser, notebooks, cytoscape canvases.

Used by the browser tests and by benchmarks/browser_canvas.py, so both measure the same thing.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
# What the test root holds: the designer notebook opens the seed example, which reads these.
ROOT_FOLDERS = ("notebooks", "steps", "data", "examples")
# JupyterLab settings that keep the page still: no news toast over the canvas, every cell
# rendered (no windowing, so outputs below the fold are laid out and measurable).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}
# Console messages that are known and harmless: ipycytoscape 1.3.3's labextension was built
# against @jupyter-widgets/base 4 and JupyterLab 4 shares base 6; the widgets work anyway.
HARMLESS_CONSOLE = ("Unsatisfied version", "@jupyter-widgets/base")
# Without internet, a lab asset or the news feed may fail to load; that is not our error.
HARMLESS_NETWORK = ("Failed to load resource", "net::ERR_")

# JS: the cytoscape instance inside the element matched by `sel` (cytoscape registers itself
# on its container as `_cyreg`). Prefixed to page scripts that need `cyIn`.
CY_JS = """
const cyIn = (sel) => {
  const hosts = typeof sel === 'string' ? document.querySelectorAll(sel) : [sel];
  for (const host of hosts) {
    if (!host) continue;
    if (host._cyreg && host._cyreg.cy) return host._cyreg.cy;
    for (const el of host.querySelectorAll('*')) {
      if (el._cyreg && el._cyreg.cy) return el._cyreg.cy;
    }
  }
  return null;
};
"""
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
# The launcher's "New pipeline" entry (an installed package reads it from Jupyter's data path).
LAUNCHER = Path(__file__).resolve().parents[2] / "launcher"
LAUNCHER_ENTRY = "jp_app_launcher_pipeline_widget.yaml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_root(root: Path, repo: Path) -> Path:
    """A fresh copy of the repository's notebooks, steps, data and examples in `root`."""
    root.mkdir(parents=True, exist_ok=True)
    skip = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "pipeline_workspace")
    for folder in ROOT_FOLDERS:
        if (repo / folder).is_dir():
            shutil.copytree(repo / folder, root / folder, ignore=skip, dirs_exist_ok=True)
    return root


@dataclass
class Console:
    """Browser console messages of one page, split into expected noise and the rest."""

    messages: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    def on_console(self, msg) -> None:
        text = f"{msg.type}: {msg.text}"
        self.messages.append(text)
        if msg.type == "error" and not any(h in msg.text for h in HARMLESS_CONSOLE
                                            + HARMLESS_NETWORK):
            self.unexpected.append(text)

    def on_pageerror(self, exc) -> None:
        self.messages.append(f"pageerror: {exc}")
        self.unexpected.append(f"pageerror: {exc}")


class LabServer:
    """`jupyter lab` on 127.0.0.1, a free port and a random token, isolated in `home`."""

    def __init__(self, root: Path, home: Path) -> None:
        self.root = Path(root)
        self.home = Path(home)
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.proc: subprocess.Popen | None = None
        self.log = self.home / "lab.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "lab") -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base}/{path.lstrip('/')}{sep}token={self.token}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        dirs = {"JUPYTER_RUNTIME_DIR": "runtime", "JUPYTER_CONFIG_DIR": "config",
                "JUPYTER_DATA_DIR": "data", "IPYTHONDIR": "ipython",
                "JUPYTERLAB_SETTINGS_DIR": "config/lab/user-settings",
                "JUPYTERLAB_WORKSPACES_DIR": "config/lab/workspaces"}
        for var, sub in dirs.items():
            (self.home / sub).mkdir(parents=True, exist_ok=True)
            env[var] = str(self.home / sub)
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        # the repository's launcher entry, unless the installed package put it in the data
        # path already (it would be listed twice)
        installed = Path(sys.prefix) / "share/jupyter/jupyter_app_launcher" / LAUNCHER_ENTRY
        if not installed.exists():
            env["JUPYTER_APP_LAUNCHER_PATH"] = str(LAUNCHER)
        env.pop("JUPYTER_PATH", None)
        return env

    def _write_settings(self) -> None:
        settings = self.home / "config" / "lab" / "user-settings"
        for rel, value in LAB_SETTINGS.items():
            path = settings / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value))

    def start(self, timeout: float = 90) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        env = self.env()
        self._write_settings()
        # JupyterLab and its kernels from this Python, or from another environment's (an
        # installed wheel: scripts/check_wheel.sh)
        python = os.environ.get("PIPELINE_WIDGET_LAB_PYTHON") or sys.executable
        cmd = [python, "-m", "jupyter", "lab", "--no-browser",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
               f"--ServerApp.root_dir={self.root}", "--LabApp.expose_app_in_browser=True",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--ServerApp.terminals_enabled=False"]
        if os.geteuid() == 0:  # CI containers run as root
            cmd.append("--allow-root")
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, env=env, cwd=self.root, stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.proc.returncode}:\n"
                                   + self.log_tail())
            try:
                self.api("GET", "api/status")
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"jupyter lab did not answer in {timeout}s:\n" + self.log_tail())

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def api(self, method: str, path: str, body: Any = None, timeout: float = 10) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.base}/{path}", data=data, method=method,
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None

    def descendants(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.proc.pid).children(recursive=True) if self.proc else []
        except psutil.NoSuchProcess:
            return []

    def shutdown_kernels(self) -> None:
        """Stop every kernel of the server and what the kernels started (a designer's kernel
        pool), so tests do not pile up processes."""
        started = self.descendants()
        try:
            for session in self.api("GET", "api/sessions"):
                self.api("DELETE", f"api/sessions/{session['id']}", timeout=30)
            for kernel in self.api("GET", "api/kernels"):
                self.api("DELETE", f"api/kernels/{kernel['id']}", timeout=30)
        except (urllib.error.URLError, OSError):
            pass
        _kill_survivors(started, grace=10)

    def stop(self) -> None:
        """Shut the server down with its kernels; kill whatever of ours is still alive after."""
        if self.proc is None:
            return
        descendants = self.descendants()
        if self.proc.poll() is None:
            try:
                self.shutdown_kernels()
                self.api("POST", "api/shutdown")
            except (urllib.error.URLError, OSError):
                pass
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGTERM)
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait()
        _kill_survivors(descendants, grace=5)
        self.proc = None

    def watch_console(self, page) -> Console:
        console = Console()
        page.on("console", console.on_console)
        page.on("pageerror", console.on_pageerror)
        return console


def _kill_survivors(procs: list[psutil.Process], grace: float) -> None:
    """Kill those of `procs` (processes this harness started) still alive after `grace` s."""
    _, alive = psutil.wait_procs(procs, timeout=grace)
    for proc in alive:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass


def launch_chromium(playwright):
    """Debian's Chromium, headless (Playwright's own browsers cannot be downloaded here)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=CHROMIUM_ARGS)


# ---------------------------------------------------------------- notebooks in the page

def accept_kernel_dialog(page) -> bool:
    """Accept JupyterLab's "Select Kernel" dialog (its default choice) if it is open."""
    dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
    if dialog.count() and dialog.first.is_visible():
        dialog.first.locator(".jp-Dialog-button.jp-mod-accept").click()
        dialog.first.wait_for(state="detached", timeout=10_000)
        return True
    return False


def open_notebook(page, lab: LabServer, relpath: str, timeout: float = 90_000) -> bool:
    """Open `relpath` (relative to the root) and wait until its kernel is idle; returns
    whether JupyterLab asked for a kernel (the dialog was accepted)."""
    # `reset`: a fresh layout with this notebook alone, not the tabs an earlier page left open
    page.goto(lab.url(f"lab/tree/{urllib.parse.quote(relpath)}?reset"))
    page.wait_for_selector(f"{PANEL} .jp-Notebook", timeout=timeout)
    asked = False
    deadline = time.monotonic() + timeout / 1000
    while time.monotonic() < deadline:
        asked = accept_kernel_dialog(page) or asked
        if kernel_status(page) == "idle":
            return asked
        page.wait_for_timeout(200)
    raise TimeoutError(f"the kernel of {relpath} did not become idle: {kernel_status(page)}")


def kernel_status(page) -> str | None:
    return page.evaluate("""() => {
      const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
      const k = w && w.sessionContext && w.sessionContext.session
                && w.sessionContext.session.kernel;
      return k ? k.status : null;
    }""")


def run_all_cells(page, timeout: float = 120_000) -> None:
    """Run > Run All Cells, with the mouse; returns when every code cell has run."""
    page.locator(".lm-MenuBar-item", has_text="Run").first.click()
    page.locator(".lm-Menu-item:visible", has_text="Run All Cells").first.click()
    wait_cells_done(page, timeout, every=True)


def wait_cells_done(page, timeout: float = 120_000, every: bool = False) -> None:
    """Wait until no cell is queued or running and the kernel is idle (and, with `every`,
    every code cell has an execution count)."""
    page.wait_for_function(f"""(every) => {{
      const prompts = [...document.querySelectorAll('{PANEL} .jp-CodeCell .jp-InputPrompt')];
      const busy = prompts.some(p => p.textContent.includes('*'));
      const ran = prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
      const w = window.jupyterapp.shell.currentWidget;
      const k = w && w.sessionContext.session && w.sessionContext.session.kernel;
      return !busy && (ran || !every) && k && k.status === 'idle';
    }}""", arg=every, timeout=timeout, polling=250)


def cell_errors(page) -> list[str]:
    """Tracebacks shown in the notebook's outputs."""
    return page.locator(f"{PANEL} .jp-OutputArea-output[data-mime-type*='error']").all_inner_texts()


# ---------------------------------------------------------------- cytoscape canvas

def hook(page, name: str):
    """The designer's element with CSS class `name` (the DOM hooks of the widget)."""
    return page.locator(f"{PANEL} .{name}").first


def _control(page, name: str, tags: str):
    el = hook(page, name)
    tag = el.evaluate("e => e.tagName.toLowerCase()")
    return el if tag in tags.split(", ") else el.locator(tags).first


def type_into(page, name: str, text: str) -> None:
    """Click the text field, replace its text by typing, and leave it (Tab) so it syncs."""
    field = _control(page, name, "input, textarea")
    field.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)
    page.keyboard.press("Tab")


def choose(page, name: str, label: str) -> str:
    """Pick the dropdown option whose text is `label` or ends with it; returns its text."""
    select = _control(page, name, "select")
    options = select.locator("option").all_inner_texts()
    match = [o for o in options if o.strip() == label] or [o for o in options
                                                          if o.strip().endswith(label)]
    if not match:
        raise AssertionError(f"no option {label!r} in {name}: {options}")
    select.select_option(label=match[0])
    return match[0]


def press(page, name: str) -> None:
    _control(page, name, "button").click()


def text_of(page, name: str) -> str:
    return hook(page, name).inner_text()
