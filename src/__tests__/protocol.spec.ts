import {
  baseName,
  isTextEntry,
  keyAction,
  openCode,
  pythonString,
  stepSources
} from '../protocol';

const press = (key: string, mods: Partial<Record<string, boolean>> = {}) => ({
  key,
  ctrlKey: !!mods.ctrl,
  metaKey: !!mods.meta,
  shiftKey: !!mods.shift,
  altKey: !!mods.alt
});

describe('keyAction', () => {
  it('maps the document keys to designer actions', () => {
    expect(keyAction(press('z', { ctrl: true }))).toBe('undo');
    expect(keyAction(press('z', { meta: true }))).toBe('undo');
    expect(keyAction(press('Z', { ctrl: true, shift: true }))).toBe('redo');
    expect(keyAction(press('y', { ctrl: true }))).toBe('redo');
    expect(keyAction(press('Delete'))).toBe('delete');
    expect(keyAction(press('Escape'))).toBe('escape');
  });

  it('leaves other keys alone', () => {
    expect(keyAction(press('z'))).toBeNull();
    expect(keyAction(press('s', { ctrl: true }))).toBeNull();
    expect(keyAction(press('Delete', { ctrl: true }))).toBeNull();
    expect(keyAction(press('z', { ctrl: true, alt: true }))).toBeNull();
    expect(keyAction(press('Backspace'))).toBeNull();
  });
});

describe('isTextEntry', () => {
  it('tells text fields from buttons and the canvas', () => {
    const input = document.createElement('input');
    const checkbox = document.createElement('input');
    checkbox.type = 'checkbox';
    expect(isTextEntry(input)).toBe(true);
    expect(isTextEntry(document.createElement('textarea'))).toBe(true);
    expect(isTextEntry(checkbox)).toBe(false);
    expect(isTextEntry(document.createElement('div'))).toBe(false);
    expect(isTextEntry(null)).toBe(false);
  });
});

describe('openCode', () => {
  it('passes any text to Python as a string literal', () => {
    const text = '{"name": "a \\"quoted\\" \\\\ name"}\n';
    const code = openCode('p.pipeline.json', 'dir/p.pipeline.json', text);
    expect(code).toContain(
      'from pipeline_widget.widget.document import open_document'
    );
    expect(code).toContain(pythonString(text));
    expect(JSON.parse(pythonString(text))).toBe(text);
  });
});

describe('paths', () => {
  it('takes base names and keeps only notebooks and scripts from a drag', () => {
    expect(baseName('a/b/c.pipeline.json')).toBe('c.pipeline.json');
    expect(baseName('c.ipynb')).toBe('c.ipynb');
    expect(stepSources(['a/x.ipynb', 'b/y.py', 'data/raw.csv', 3])).toEqual([
      'a/x.ipynb',
      'b/y.py'
    ]);
    expect(stepSources('a/x.ipynb')).toEqual([]);
  });
});
