/**
 * The view of a designer tab that lives in the page only: the canvas's zoom (zoom to fit,
 * + and −) and the width of the properties panel beside it (a drag handle; a toggle that
 * collapses it). The pipeline and its drawing stay the kernel's; these change how it is seen.
 */

/** How much one press of + or − zooms, and the margin zoom to fit leaves (px). */
export const ZOOM_FACTOR = 1.25;
export const FIT_PADDING = 30;

/** The narrowest the properties panel and the canvas may be made by dragging (px). */
export const MIN_SIDE = 220;
export const MIN_CANVAS = 240;

/** The parts of a cytoscape.js instance the buttons use. */
export interface ICytoscape {
  zoom(): number;
  zoom(options: {
    level: number;
    renderedPosition: { x: number; y: number };
  }): void;
  minZoom(): number;
  maxZoom(): number;
  width(): number;
  height(): number;
  fit(elements?: unknown, padding?: number): void;
  resize(): void;
}

/** The zoom after one press of + (direction 1) or − (-1), within the canvas's bounds. */
export function nextZoom(
  level: number,
  direction: 1 | -1,
  min: number,
  max: number
): number {
  const next = direction > 0 ? level * ZOOM_FACTOR : level / ZOOM_FACTOR;
  return Math.min(max, Math.max(min, next));
}

/** Zoom the canvas in or out about its centre. */
export function zoomBy(cy: ICytoscape, direction: 1 | -1): void {
  cy.zoom({
    level: nextZoom(cy.zoom(), direction, cy.minZoom(), cy.maxZoom()),
    renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 }
  });
}

/** Take the canvas's new size, then show the whole graph. */
export function zoomToFit(cy: ICytoscape): void {
  cy.resize();
  cy.fit(undefined, FIT_PADDING);
}

/** The cytoscape instance drawn inside `host` (cytoscape keeps it on its container). */
export function cytoscapeIn(host: Element | null): ICytoscape | null {
  if (!host) {
    return null;
  }
  for (const el of [host, ...Array.from(host.querySelectorAll('*'))]) {
    const reg = (el as any)._cyreg;
    if (reg && reg.cy) {
      return reg.cy as ICytoscape;
    }
  }
  return null;
}

/**
 * The properties panel's width while its left edge is dragged: `start` wide when the drag
 * began, the pointer moved `dx` px (to the right narrows it); never so narrow that it is
 * unreadable, nor so wide that the canvas goes.
 */
export function sideWidth(start: number, dx: number, rowWidth: number): number {
  const widest = Math.max(MIN_SIDE, rowWidth - MIN_CANVAS);
  return Math.round(Math.min(widest, Math.max(MIN_SIDE, start - dx)));
}
