/**
 * What the document and the designer in its kernel say to each other, and the pure
 * decisions of the document (which key means what, which code opens the designer).
 *
 * The kernel side is `pipeline_widget.widget.document` (its docstring lists the messages).
 */

/** The comm target the designer's document opens in the kernel. */
export const COMM_TARGET = 'pipeline-widget:document';

/** The file type of pipelines, and the name of the designer's document factory. */
export const FILE_TYPE = 'pipeline';
export const EXTENSION = '.pipeline.json';
/** Elyra's pipeline files, which the designer opens too (the kernel side imports them). */
export const ELYRA_FILE_TYPE = 'pipeline-elyra';
export const ELYRA_EXTENSION = '.pipeline';
export const FACTORY = 'Pipeline Designer';

/** The file browser's drag payload: the paths of the dragged files. */
export const CONTENTS_MIME = 'application/x-jupyter-icontents';

/** A message from the kernel's designer. */
export interface IKernelMessage {
  /** The text the file would hold after the designer's last change. */
  text?: string;
  /** The text is an empty file's: the empty pipeline it means, not an edit. */
  initial?: boolean;
  /** Another tool's file has edits (its text stays; saving writes them beside it). */
  dirty?: boolean;
  /** The designer's Save was pressed. */
  save?: boolean;
  /** Open this file (path from the server's root) in a tab. */
  open?: string;
}

/** The keys the document passes to the designer. */
export type DesignerKey = 'undo' | 'redo' | 'delete' | 'escape';

/** The parts of a keyboard event the key mapping looks at. */
export interface IKeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/**
 * The designer action of a key pressed in the document, or null for keys it leaves alone.
 * Ctrl+Z (Cmd+Z) undoes, Ctrl+Shift+Z and Ctrl+Y redo, Delete removes the selection,
 * Escape clears it.
 */
export function keyAction(event: IKeyPress): DesignerKey | null {
  const accel = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  if (event.altKey) {
    return null;
  }
  if (accel && key === 'z') {
    return event.shiftKey ? 'redo' : 'undo';
  }
  if (accel && !event.shiftKey && key === 'y') {
    return 'redo';
  }
  if (accel || event.shiftKey) {
    return null;
  }
  if (key === 'delete') {
    return 'delete';
  }
  if (key === 'escape') {
    return 'escape';
  }
  return null;
}

/** Whether keys typed in `element` belong to it (a text field) rather than to the canvas. */
export function isTextEntry(element: Element | null): boolean {
  if (!element) {
    return false;
  }
  const tag = element.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select') {
    return true;
  }
  if (tag === 'input') {
    const type = (element.getAttribute('type') || 'text').toLowerCase();
    return !['button', 'checkbox', 'radio', 'submit', 'reset'].includes(type);
  }
  return (element as HTMLElement).isContentEditable === true;
}

/** A Python string literal for `text` (a JSON string literal is one). */
export function pythonString(text: string): string {
  return JSON.stringify(text);
}

/**
 * The code the document runs in its kernel: the designer for the file, shown as the
 * cell's result. `name` is the file's name (the kernel runs in the file's folder),
 * `path` the file from the server's root, `text` the document's text.
 */
export function openCode(name: string, path: string, text: string): string {
  return [
    'from pipeline_widget.widget.document import open_document',
    `open_document(${pythonString(name)}, ${pythonString(path)}, ${pythonString(text)})`
  ].join('\n');
}

/** The base name of a path from the server's root. */
export function baseName(path: string): string {
  const parts = path.split('/');
  return parts[parts.length - 1];
}

/** The files of a file browser drag that can become steps (notebooks and scripts). */
export function stepSources(paths: unknown): string[] {
  if (!Array.isArray(paths)) {
    return [];
  }
  return paths.filter(
    (p): p is string =>
      typeof p === 'string' && (p.endsWith('.ipynb') || p.endsWith('.py'))
  );
}
