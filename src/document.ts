import { registerWidgetManager } from '@jupyter-widgets/jupyterlab-manager';
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { DocumentRegistry, DocumentWidget } from '@jupyterlab/docregistry';
import { OutputArea, OutputAreaModel } from '@jupyterlab/outputarea';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { Contents, Kernel, KernelMessage } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';
import { Drag } from '@lumino/dragdrop';
import { Message } from '@lumino/messaging';
import { Signal } from '@lumino/signaling';
import { PanelLayout, Widget } from '@lumino/widgets';

import {
  baseName,
  COMM_TARGET,
  CONTENTS_MIME,
  IKernelMessage,
  isTextEntry,
  keyAction,
  openCode,
  stepSources
} from './protocol';
import { CHECK_EVERY_MS, diskAction, DiskLooks } from './disk';
import { cytoscapeIn, sideWidth, zoomBy, zoomToFit } from './view';

/** How many times a document starts a kernel again when its session is shut down under it. */
const MAX_RESTARTS = 2;

/** The widget views' MIME type, and how long a new widget manager may take to be ready. */
const WIDGET_VIEW_MIMETYPE = 'application/vnd.jupyter.widget-view+json';
const WIDGETS_WAIT_MS = 10000;

/** How long the document waits after a change made elsewhere before showing it. */
const SHOW_DELAY_MS = 300;

/** Opens files the designer asks for (a step's notebook). */
export type FileOpener = (path: string) => void;

/**
 * The content of a designer tab: the Python PipelineDesigner, run in the document's
 * kernel and shown through the widget manager in an output area. The document's text is
 * the model's; the designer in the kernel keeps it in step through a comm.
 */
export class DesignerPanel extends Widget {
  constructor(
    private readonly _context: DocumentRegistry.Context,
    rendermime: IRenderMimeRegistry,
    private readonly _open: FileOpener,
    private readonly _contents: Contents.IManager
  ) {
    super();
    this.addClass('pw-DesignerPanel');
    this.node.tabIndex = -1;
    this._rendermime = rendermime.clone();
    this._outputs = new OutputArea({
      model: new OutputAreaModel({ trusted: true }),
      rendermime: this._rendermime
    });
    this._outputs.addClass('pw-DesignerPanel-outputs');
    this._status = new Widget();
    this._status.addClass('pw-DesignerPanel-status');
    this._status.node.textContent = 'Starting the designer\u2026';
    const layout = new PanelLayout();
    layout.addWidget(this._status);
    layout.addWidget(this._outputs);
    this.layout = layout;
    _context.model.contentChanged.connect(this._modelChanged, this);
    _context.sessionContext.kernelChanged.connect(this._kernelChanged, this);
    _context.saveState.connect(this._saveStateChanged, this);
    _context.fileChanged.connect(this._fileChanged, this);
    this._clearDirtyOnRevert();
    this._layoutWatcher = new MutationObserver(() => this._installSplitter());
    this._layoutWatcher.observe(this._outputs.node, {
      childList: true,
      subtree: true
    });
    void this._start();
  }

  /** Resolves once the designer is shown (or its start failed). */
  get ready(): Promise<void> {
    return this._ready;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    clearTimeout(this._showTimer);
    clearInterval(this._diskTimer);
    this._layoutWatcher.disconnect();
    this._comm = null;
    this._widgets?.dispose();
    Signal.clearData(this);
    super.dispose();
  }

  handleEvent(event: Event): void {
    switch (event.type) {
      case 'keydown':
        this._keydown(event as KeyboardEvent);
        break;
      case 'pointerdown':
      case 'pointerup':
        this._pointer(event as PointerEvent);
        break;
      case 'lm-dragenter':
      case 'lm-dragover':
        this._dragover(event as Drag.Event);
        break;
      case 'lm-dragleave':
        this.removeClass('pw-mod-dropTarget');
        break;
      case 'lm-drop':
        this._drop(event as Drag.Event);
        break;
    }
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    // keys in the capture phase: widget views inside may stop them on their way up
    this.node.addEventListener('keydown', this, true);
    this.node.addEventListener('pointerdown', this, true);
    this.node.addEventListener('pointerup', this, true);
    for (const type of [
      'lm-dragenter',
      'lm-dragover',
      'lm-dragleave',
      'lm-drop'
    ]) {
      this.node.addEventListener(type, this);
    }
    clearInterval(this._diskTimer);
    this._diskTimer = window.setInterval(
      () => void this._checkDisk(),
      CHECK_EVERY_MS
    );
  }

  protected onBeforeDetach(msg: Message): void {
    this.node.removeEventListener('keydown', this, true);
    this.node.removeEventListener('pointerdown', this, true);
    this.node.removeEventListener('pointerup', this, true);
    for (const type of [
      'lm-dragenter',
      'lm-dragover',
      'lm-dragleave',
      'lm-drop'
    ]) {
      this.node.removeEventListener(type, this);
    }
    clearInterval(this._diskTimer);
    super.onBeforeDetach(msg);
  }

  protected onActivateRequest(msg: Message): void {
    if (!this.node.contains(document.activeElement)) {
      this.node.focus();
    }
  }

  /** What the widget manager needs of a notebook's context, for a document of JSON text. */
  private _widgetContext(): any {
    const context = this._context;
    return {
      sessionContext: context.sessionContext,
      saveState: context.saveState,
      urlResolver: context.urlResolver,
      // the widgets' state is never saved into the pipeline file
      model: {
        getMetadata: () => undefined,
        setMetadata: () => undefined,
        dirty: false
      }
    };
  }

  /** Wait for the file and the kernel, then run the designer for the file in the kernel. */
  private async _start(): Promise<void> {
    try {
      await this._context.ready;
      await this._context.sessionContext.ready;
      await this._show();
    } catch (err) {
      this._say(`The designer could not start: ${err}`);
    }
    this._readyResolve();
  }

  /** Run the designer in the session's kernel, once per kernel. */
  private async _show(): Promise<void> {
    const kernel = this._context.sessionContext.session?.kernel;
    if (!kernel) {
      this._say(
        'Choose a Python kernel (in the toolbar) to open the designer.'
      );
      return;
    }
    if (!this._context.isReady || this._shownIn === kernel.id) {
      return;
    }
    this._shownIn = kernel.id;
    this._listen(kernel);
    await this._widgetsFor(kernel);
    this._say('');
    const path = this._context.path;
    const code = openCode(baseName(path), path, this._context.model.toString());
    this._outputs.model.clear();
    try {
      const reply = await OutputArea.execute(
        code,
        this._outputs,
        this._context.sessionContext
      );
      if (reply && reply.content.status !== 'ok') {
        this._say(
          'The designer could not start in this kernel: see the error below.'
        );
      }
    } catch (err) {
      // the kernel went away while it started: the tab closed, or the session of a tab of
      // the same file closed just before was shut down under this one; start another
      if (!this.isDisposed && this._shownIn === kernel.id) {
        this._say('The kernel stopped; starting another\u2026');
        await this._restart(kernel.name);
      }
    }
  }

  /**
   * A widget manager of this kernel's own, ready before the designer is displayed: a kernel
   * that replaced another (chosen in the toolbar, or started again) gets a fresh one.
   */
  private async _widgetsFor(kernel: Kernel.IKernelConnection): Promise<void> {
    this._widgets?.dispose();
    // the old manager's renderer goes now, so the wait below sees the new one's
    this._rendermime.removeMimeType(WIDGET_VIEW_MIMETYPE);
    this._widgets = registerWidgetManager(
      this._widgetContext(),
      this._rendermime,
      [][Symbol.iterator]()
    );
    for (let waited = 0; waited < WIDGETS_WAIT_MS; waited += 20) {
      if (this._rendermime.getFactory(WIDGET_VIEW_MIMETYPE)) {
        return;
      }
      await new Promise(resolve => window.setTimeout(resolve, 20));
    }
  }

  /** Start a kernel of this name for the document again (its session was shut down). */
  private async _restart(name: string): Promise<void> {
    if (this._restarts++ >= MAX_RESTARTS) {
      this._say(
        'The kernel keeps stopping: choose a kernel in the toolbar to try again.'
      );
      return;
    }
    try {
      await this._context.sessionContext.changeKernel({ name });
    } catch (err) {
      this._say(`The designer could not start a kernel: ${err}`);
    }
  }

  private _listen(kernel: Kernel.IKernelConnection): void {
    if (this._listening.has(kernel)) {
      return;
    }
    this._listening.add(kernel);
    kernel.registerCommTarget(COMM_TARGET, (comm: Kernel.IComm, msg) => {
      const opened = (msg.content.data as { opened?: string }).opened;
      if (opened !== this._context.path) {
        return;
      }
      this._comm = comm;
      comm.onMsg = (reply: KernelMessage.ICommMsgMsg) => {
        this._received(reply.content.data as IKernelMessage);
      };
      comm.onClose = () => {
        if (this._comm === comm) {
          this._comm = null;
        }
      };
    });
  }

  private _kernelChanged(): void {
    this._comm = null;
    void this._show();
  }

  private _say(text: string): void {
    this._status.node.textContent = text;
    this._status.setHidden(!text);
  }

  /** A message of the designer in the kernel. */
  private _received(message: IKernelMessage): void {
    if (typeof message.text === 'string') {
      this._kernelText = message.text;
      const model = this._context.model;
      if (model.toString() !== message.text) {
        // an empty file's first text is the empty pipeline it already means: not an edit
        const edited = !(message.initial && !model.toString().trim());
        model.fromString(message.text);
        model.dirty = edited || model.dirty;
      }
    }
    if (message.dirty) {
      this._context.model.dirty = true;
    }
    if (message.save) {
      void this._context.save();
    }
    if (typeof message.open === 'string') {
      this._open(message.open);
    }
  }

  private _send(data: Record<string, any>): void {
    if (this._comm && !this._comm.isDisposed) {
      this._comm.send(data);
    }
  }

  /** The document's text changed: when not by the designer, show the new text there. */
  private _modelChanged(): void {
    clearTimeout(this._showTimer);
    this._showTimer = window.setTimeout(() => {
      const text = this._context.model.toString();
      if (text !== this._kernelText) {
        this._kernelText = text;
        this._send({ text });
      }
    }, SHOW_DELAY_MS);
  }

  private _saveStateChanged(
    _: DocumentRegistry.Context,
    state: DocumentRegistry.SaveState
  ): void {
    this._diskLooks.saveState(state);
    if (state === 'completed' && !this._context.model.dirty) {
      this._send({ saved: this._context.path });
    }
  }

  /** The tab read or wrote its file: what it knows of the disk is new. */
  private _fileChanged(): void {
    this._diskLooks.fileChanged();
  }

  /**
   * A reverted document (File > Reload from Disk, Revert to Checkpoint, a change on disk
   * reloaded) is its file again: no unsaved changes. JupyterLab's context leaves that to
   * each kind of document (its editors clear it themselves).
   */
  private _clearDirtyOnRevert(): void {
    const context = this._context;
    const revert = context.revert.bind(context);
    context.revert = async () => {
      await revert();
      if (!context.isDisposed) {
        context.model.dirty = false;
      }
    };
  }

  /**
   * Look at the file on disk: changed since the tab read or saved it, it is reloaded (no
   * unsaved changes) or the user is asked which to keep.
   */
  private async _checkDisk(): Promise<void> {
    const context = this._context;
    if (
      this._checkingDisk ||
      this.isDisposed ||
      !this.isVisible ||
      !context.isReady ||
      context.isDisposed
    ) {
      return;
    }
    const look = this._diskLooks.begin();
    if (look === null) {
      return; // saving: the tab learns its file's new time when the save ends
    }
    this._checkingDisk = true;
    try {
      const onDisk = await this._contents.get(context.path, { content: false });
      if (
        !this._diskLooks.holds(look) ||
        this.isDisposed ||
        context.isDisposed
      ) {
        return; // saved or reloaded meanwhile: this answer may be older than the tab
      }
      const action = diskAction(
        context.contentsModel?.last_modified,
        onDisk.last_modified,
        context.model.dirty,
        this._askedAbout
      );
      if (action === 'reload') {
        await context.revert();
      } else if (action === 'ask') {
        this._askedAbout = onDisk.last_modified;
        await this._askReload();
      }
    } catch (err) {
      // the file was removed or renamed, or the server is away: JupyterLab says so itself
    } finally {
      this._checkingDisk = false;
    }
  }

  private async _askReload(): Promise<void> {
    const name = baseName(this._context.path);
    const result = await showDialog({
      title: 'File Changed',
      body:
        `"${name}" has changed on disk since it was opened or saved here. ` +
        'Reload it from disk (your unsaved changes are lost), or keep your version ' +
        '(saving it then overwrites the file)?',
      buttons: [
        Dialog.cancelButton({ label: 'Keep Mine' }),
        Dialog.warnButton({ label: 'Reload' })
      ]
    });
    if (result.button.accept && !this._context.isDisposed) {
      await this._context.revert();
    }
  }

  /** Zoom the canvas: in (+), out (−), or to show the whole graph. */
  zoom(how: 'in' | 'out' | 'fit'): void {
    const cy = cytoscapeIn(this._outputs.node.querySelector('.pw-canvas'));
    if (!cy) {
      return;
    }
    if (how === 'fit') {
      zoomToFit(cy);
    } else {
      zoomBy(cy, how === 'in' ? 1 : -1);
    }
  }

  /** Whether the properties panel beside the canvas is collapsed. */
  get sideCollapsed(): boolean {
    return this._sideCollapsed;
  }

  set sideCollapsed(collapsed: boolean) {
    this._sideCollapsed = collapsed;
    this._applySide();
  }

  /**
   * Put a handle between the canvas and the properties panel once the designer has drawn
   * them: dragging it sets the panel's width, its button collapses the panel.
   */
  private _installSplitter(): void {
    const row = this._outputs.node.querySelector<HTMLElement>('.pw-canvas-row');
    const side = row?.querySelector<HTMLElement>(':scope > .pw-side');
    if (!row || !side || row.querySelector(':scope > .pw-splitter')) {
      return;
    }
    const handle = document.createElement('div');
    handle.className = 'pw-splitter';
    handle.title = 'Drag to resize the properties panel';
    const toggle = document.createElement('button');
    toggle.className = 'pw-side-toggle';
    toggle.addEventListener('click', () => {
      this.sideCollapsed = !this._sideCollapsed;
    });
    handle.appendChild(toggle);
    handle.addEventListener('pointerdown', event => {
      if (event.target === toggle || this._sideCollapsed) {
        return;
      }
      event.preventDefault();
      const start = side.getBoundingClientRect().width;
      const rowWidth = row.getBoundingClientRect().width;
      handle.setPointerCapture(event.pointerId);
      handle.classList.add('pw-mod-dragging');
      const move = (e: PointerEvent) => {
        this._sideWidth = sideWidth(start, e.clientX - event.clientX, rowWidth);
        this._applySide();
      };
      const up = () => {
        handle.classList.remove('pw-mod-dragging');
        handle.removeEventListener('pointermove', move);
        handle.removeEventListener('pointerup', up);
        handle.removeEventListener('pointercancel', up);
      };
      handle.addEventListener('pointermove', move);
      handle.addEventListener('pointerup', up);
      handle.addEventListener('pointercancel', up);
    });
    row.insertBefore(handle, side);
    this._applySide();
  }

  /** Show the panel's width and collapsed state, and let the canvas take its new size. */
  private _applySide(): void {
    const row = this._outputs.node.querySelector<HTMLElement>('.pw-canvas-row');
    if (!row) {
      return;
    }
    row.classList.toggle('pw-mod-sideCollapsed', this._sideCollapsed);
    row.classList.toggle('pw-mod-sized', this._sideWidth !== null);
    if (this._sideWidth !== null) {
      row.style.setProperty('--pw-side-width', `${this._sideWidth}px`);
    }
    const toggle = row.querySelector<HTMLElement>('.pw-side-toggle');
    if (toggle) {
      toggle.textContent = this._sideCollapsed ? '\u2039' : '\u203a';
      toggle.title = this._sideCollapsed
        ? 'Show the properties panel'
        : 'Hide the properties panel';
      toggle.setAttribute('aria-pressed', String(this._sideCollapsed));
    }
    const cy = cytoscapeIn(row.querySelector('.pw-canvas'));
    if (cy) {
      cy.resize();
    }
  }

  /**
   * A press on the canvas gives the tab the focus, so that its keys come here: the canvas
   * takes none, and blurs what had it while the button is down, so the focus is taken
   * again when the button comes up.
   */
  private _pointer(event: PointerEvent): void {
    const target = event.target as Element;
    if (
      isTextEntry(target) ||
      target.closest('button, select, input, textarea, a')
    ) {
      return;
    }
    const focus = () => {
      if (!this.isDisposed && !this.node.contains(document.activeElement)) {
        this.node.focus({ preventScroll: true });
      }
    };
    if (event.type === 'pointerup') {
      focus();
    }
    window.setTimeout(focus, 0);
  }

  private _keydown(event: KeyboardEvent): void {
    if (isTextEntry(event.target as Element)) {
      return;
    }
    const action = keyAction(event);
    if (action && this._comm) {
      event.preventDefault();
      event.stopPropagation();
      this._send({ key: action });
    }
  }

  /**
   * The file browser drags files with the 'move' action only; accepting it adds a step and
   * leaves the file where it is (the file browser moves files on its own drops only).
   */
  private _dragover(event: Drag.Event): void {
    if (!event.mimeData.hasData(CONTENTS_MIME)) {
      return;
    }
    const sources = stepSources(event.mimeData.getData(CONTENTS_MIME));
    if (!sources.length) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    event.dropAction = event.proposedAction;
    this.addClass('pw-mod-dropTarget');
  }

  private _drop(event: Drag.Event): void {
    this.removeClass('pw-mod-dropTarget');
    if (!event.mimeData.hasData(CONTENTS_MIME)) {
      return;
    }
    const sources = stepSources(event.mimeData.getData(CONTENTS_MIME));
    if (!sources.length) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    event.dropAction = event.proposedAction;
    for (const path of sources) {
      this._send({ drop: path });
    }
  }

  private _rendermime: IRenderMimeRegistry;
  private _outputs: OutputArea;
  private _status: Widget;
  private _widgets: IDisposable | null = null;
  private _comm: Kernel.IComm | null = null;
  private _kernelText: string | null = null;
  private _showTimer = 0;
  private _shownIn: string | null = null;
  private _restarts = 0;
  private _diskTimer = 0;
  private _diskLooks = new DiskLooks();
  private _checkingDisk = false;
  private _askedAbout: string | null = null;
  private _sideWidth: number | null = null;
  private _sideCollapsed = false;
  private _layoutWatcher: MutationObserver;
  private _listening = new WeakSet<Kernel.IKernelConnection>();
  private _readyResolve!: () => void;
  private _ready = new Promise<void>(resolve => (this._readyResolve = resolve));
}

/** The designer's tab: a document widget whose content is the designer panel. */
export class DesignerDocument extends DocumentWidget<DesignerPanel> {
  constructor(options: DocumentWidget.IOptions<DesignerPanel>) {
    super(options);
    this.addClass('pw-DesignerDocument');
  }
}
