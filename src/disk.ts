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
