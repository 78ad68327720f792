/**
 * A pipeline file changed on disk while its tab is open (saved from another tab, an editor,
 * `git checkout`): JupyterLab notices it only when the tab saves, so the document checks the
 * file's modification time, and decides here what to do about a change.
 */

/** How often an open, visible document looks at its file on disk (ms). */
export const CHECK_EVERY_MS = 1500;

/** What a change on disk means for the tab. */
export type DiskAction = 'none' | 'reload' | 'ask';

/**
 * `known`: the modification time of the file as the tab last read or saved it; `onDisk`:
 * the one on disk now; `askedAbout`: the time already asked about (asked once per change).
 * A tab without unsaved changes reloads; one with unsaved changes asks, as JupyterLab does.
 */
export function diskAction(
  known: string | undefined,
  onDisk: string | undefined,
  dirty: boolean,
  askedAbout: string | null
): DiskAction {
  if (!known || !onDisk) {
    return 'none';
  }
  const before = Date.parse(known);
  const now = Date.parse(onDisk);
  if (!(now > before)) {
    return 'none';
  }
  if (!dirty) {
    return 'reload';
  }
  return askedAbout === onDisk ? 'none' : 'ask';
}

/**
 * Whether the answer of a look at the disk still holds when it arrives. The tab's own save
 * writes the file before the tab learns the file's new time, so an answer that arrives
 * during a save (or after the tab saved or read its file since the look began) would show
 * the tab's own write as a change from elsewhere.
 */
export class DiskLooks {
  /** The tab started, finished or failed a save. */
  saveState(state: string): void {
    this._generation++;
    this._saving = state === 'started';
  }

  /** The tab read or wrote its file. */
  fileChanged(): void {
    this._generation++;
  }

  /** A look that begins now, or null while the tab saves (it would find its own write). */
  begin(): number | null {
    return this._saving ? null : this._generation;
  }

  /** Whether the answer of the look that `begin` gave `look` for still holds. */
  holds(look: number): boolean {
    return !this._saving && look === this._generation;
  }

  private _generation = 0;
  private _saving = false;
}
