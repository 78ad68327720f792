import { diskAction, DiskLooks } from '../disk';
import {
  ICytoscape,
  MIN_CANVAS,
  MIN_SIDE,
  nextZoom,
  sideWidth,
  zoomBy,
  zoomToFit
} from '../view';

describe('nextZoom', () => {
  it('zooms in and out by one step', () => {
    expect(nextZoom(1, 1, 0.05, 1.6)).toBeCloseTo(1.25);
    expect(nextZoom(1, -1, 0.05, 1.6)).toBeCloseTo(0.8);
  });

  it('stays within the bounds of the canvas', () => {
    expect(nextZoom(1.5, 1, 0.05, 1.6)).toBe(1.6);
    expect(nextZoom(0.05, -1, 0.05, 1.6)).toBe(0.05);
  });
});

function fakeCy(level: number) {
  const calls: any[] = [];
  const cy = {
    zoom: (options?: any) => {
      if (options === undefined) {
        return level;
      }
      calls.push(['zoom', options]);
    },
    minZoom: () => 0.05,
    maxZoom: () => 1.6,
    width: () => 400,
    height: () => 300,
    fit: (eles: unknown, padding: number) => calls.push(['fit', padding]),
    resize: () => calls.push(['resize'])
  } as unknown as ICytoscape;
  return { cy, calls };
}

describe('the zoom buttons', () => {
  it('zoom about the centre of the canvas', () => {
    const { cy, calls } = fakeCy(1);
    zoomBy(cy, 1);
    expect(calls).toEqual([
      ['zoom', { level: 1.25, renderedPosition: { x: 200, y: 150 } }]
    ]);
  });

  it('fit after taking the canvas size', () => {
    const { cy, calls } = fakeCy(1);
    zoomToFit(cy);
    expect(calls.map(c => c[0])).toEqual(['resize', 'fit']);
  });
});

describe('sideWidth', () => {
  it('widens the panel as its edge is dragged left', () => {
    expect(sideWidth(400, -100, 1200)).toBe(500);
    expect(sideWidth(400, 100, 1200)).toBe(300);
  });

  it('keeps the panel and the canvas usable', () => {
    expect(sideWidth(400, 1000, 1200)).toBe(MIN_SIDE);
    expect(sideWidth(400, -2000, 1200)).toBe(1200 - MIN_CANVAS);
  });
});

describe('diskAction', () => {
  const t0 = '2026-01-01T10:00:00.000Z';
  const t1 = '2026-01-01T10:00:05.000Z';

  it('reloads a tab without unsaved changes', () => {
    expect(diskAction(t0, t1, false, null)).toBe('reload');
  });

  it('asks, once per change, in a tab with unsaved changes', () => {
    expect(diskAction(t0, t1, true, null)).toBe('ask');
    expect(diskAction(t0, t1, true, t1)).toBe('none');
  });

  it('does nothing while the file is as the tab knows it', () => {
    expect(diskAction(t1, t1, true, null)).toBe('none');
    expect(diskAction(t1, t0, false, null)).toBe('none');
    expect(diskAction(undefined, t1, false, null)).toBe('none');
  });
});

describe('DiskLooks', () => {
  it('keeps the answer of a look when nothing happened meanwhile', () => {
    const looks = new DiskLooks();
    const look = looks.begin() as number;
    expect(look).not.toBeNull();
    expect(looks.holds(look)).toBe(true);
  });

  it('drops an answer that arrives while the tab saves or after it saved', () => {
    const looks = new DiskLooks();
    const before = looks.begin() as number;
    looks.saveState('started');
    expect(looks.begin()).toBeNull(); // no look begins during a save
    expect(looks.holds(before)).toBe(false); // the file is being written by the tab
    looks.saveState('completed');
    expect(looks.holds(before)).toBe(false); // the tab knows the new time now
    const after = looks.begin() as number;
    expect(looks.holds(after)).toBe(true);
  });

  it('drops an answer when the tab read its file meanwhile, and looks again after a failed save', () => {
    const looks = new DiskLooks();
    const look = looks.begin() as number;
    looks.fileChanged();
    expect(looks.holds(look)).toBe(false);
    looks.saveState('started');
    looks.saveState('failed');
    expect(looks.begin()).not.toBeNull();
  });
});
