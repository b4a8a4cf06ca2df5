/**
 * The one measure of terminal text, the fitting of tables and the live redraw: hand-checked cases. A table
 * and a redraw that measure alike never wrap a row (`✔ completed` once did, between cli-table3 and
 * log-update).
 */
import { describe, expect, it } from 'vitest';
import { createLiveArea } from '../../src/output/live.js';
import { createStyle } from '../../src/output/style.js';
import { fit, renderTable, type Column } from '../../src/output/table.js';
import { displayWidth, stripEscapes, truncateEnd, truncateMiddle, wrapProse, wrapText } from '../../src/output/width.js';
import { memoryStream } from '../helpers/harness.js';

describe('displayWidth', () => {
  it.each([
    ['plain ASCII', 'completed', 9],
    ['status symbols are one column, as terminals draw them', '✔ completed', 11],
    ['every symbol fedimpute draws', '✔✖⊘◐○█░⚠★…—├─└─·⠋', 17],
    ['escapes take none', '\u001b[32m✔ completed\u001b[39m', 11],
    ['CJK and emoji take two', '研究✅', 6],
    ['combining marks and variation selectors take none', 'e\u0301✔\uFE0F', 2],
  ])('%s', (_label, text, width) => {
    expect(displayWidth(text)).toBe(width);
  });
});

describe('cutting', () => {
  it('the end of a name, with an ellipsis, keeping (and closing) its colour', () => {
    expect(truncateEnd('a study with a long name', 10)).toBe('a study w…');
    expect(truncateEnd('short', 10)).toBe('short');
    expect(truncateEnd('\u001b[2mdimmed text here\u001b[22m', 8)).toBe('\u001b[2mdimmed \u001b[0m…');
    expect(truncateEnd('研究研究', 5)).toBe('研究…');
    expect(truncateEnd('abcdef', 4, '~')).toBe('abc~');
  });
  it('the middle of a path: its start and its file name stay', () => {
    const path = 'results/3f2a9c1d-study/h3africa/statistics/snps-excluded.txt';
    const cut = truncateMiddle(path, 30);
    expect(displayWidth(cut)).toBe(30);
    expect(cut.startsWith('results/')).toBe(true);
    expect(cut.endsWith('snps-excluded.txt')).toBe(true);
  });
  it('wraps words, cuts a word longer than a line, indents the rest', () => {
    expect(wrapText('one two three four', 9, '  ')).toEqual(['one two', '  three', '  four']);
    expect(wrapText('0f8e2d0c56b74a1e9f3c7d2b1a0e9c44', 12)).toEqual(['0f8e2d0c56b7', '4a1e9f3c7d2b', '1a0e9c44']);
  });
  it('prose: each line too wide is wrapped under its own indentation; lines that fit are kept as they are', () => {
    expect(wrapProse('short line\n  → one two three four five', 14)).toBe('short line\n  → one two\n    three four\n    five');
    expect(wrapProse('a   b', 10)).toBe('a   b');
    // spaces that align a label are kept; a line break in a server's message is one space
    expect(wrapProse('  tokens    /tmp/a.token, /tmp/b.token', 30, '          ')).toBe('  tokens    /tmp/a.token,\n            /tmp/b.token');
    expect(wrapText('one\n  two three', 20)).toEqual(['one two three']);
  });
  it('prose: a style cut by a break is closed at the end of the line and opened again on the next', () => {
    const dim = (text: string) => `\u001b[2m${text}\u001b[22m`;
    const wrapped = wrapProse(`\u001b[1m── input\u001b[22m ${dim('250 samples admixed from A and B')}`, 19).split('\n');
    expect(wrapped.map(stripEscapes)).toEqual(['── input 250', '  samples admixed', '  from A and B']);
    expect(wrapped[0]).toBe('\u001b[1m── input\u001b[22m \u001b[2m250\u001b[0m');
    expect(wrapped[1]).toBe('\u001b[1m\u001b[22m\u001b[2m  samples admixed\u001b[0m');
    expect(wrapped[2]).toBe('\u001b[1m\u001b[22m\u001b[2m  from A and B\u001b[22m');
    for (const line of wrapped) expect(displayWidth(line)).toBeLessThanOrEqual(19);
  });
});

describe('fitting a table', () => {
  const columns: Column[] = [
    { header: 'ID', shrink: 'never' },
    { header: 'NAME', shrink: 'end', priority: 0, min: 6 },
    { header: 'STATE', shrink: 'never' },
    { header: 'BAR', shrink: 'never', optional: true, priority: -1 },
    { header: 'NOTE', shrink: 'end', priority: 1, min: 8, optional: true },
  ];
  const rows = [['job-20250601-080102-866', 'a rather long study name', '✔ completed', '██████████', 'results deleted in 6 days']];
  it('natural widths when they fit', () => {
    expect(fit(columns, rows, 200)).toEqual([23, 24, 11, 10, 25]);
  });
  it('the least important give way first: the optional bar goes, then names shrink, then notes; ids and states never', () => {
    expect(fit(columns, rows, 100)).toEqual([23, 24, 11, 0, 25]);
    const at80 = fit(columns, rows, 80);
    expect(at80[0]).toBe(23);
    expect(at80[2]).toBe(11);
    expect(at80[3]).toBe(0);
    expect(at80.filter((width) => width > 0).reduce((sum, width) => sum + width, 0) + 2 * 3).toBeLessThanOrEqual(80);
    const at50 = fit(columns, rows, 50);
    expect(at50).toEqual([23, 6, 11, 0, 0]);
  });
  it('renders no line wider than the width, ids whole, values in a pipe never cut', () => {
    const style = createStyle(true);
    for (const width of [50, 80, 120]) {
      const text = renderTable(columns, rows, { tty: true, style, width });
      for (const line of text.split('\n')) expect(displayWidth(line), line).toBeLessThanOrEqual(width);
      expect(stripEscapes(text)).toContain('job-20250601-080102-866');
      expect(stripEscapes(text)).toContain('✔ completed');
    }
    expect(renderTable(columns, rows, { tty: false })).toBe(rows[0].join('\t'));
  });
});

describe('the live area', () => {
  it('cuts each frame to the width with the same measure, and moves back over exactly the lines it drew', () => {
    const stream = memoryStream({ tty: true, columns: 20 });
    const area = createLiveArea(stream);
    area.update('✔ completed ✔ completed ✔ completed\nsecond');
    area.update('one\ntwo\nthree');
    area.done();
    const written = stream.text();
    const frames = written.split(/\r(?:\u001b\[\d+A)?/);
    // the first frame's first line was cut to 20 columns
    expect(displayWidth(stripEscapes(frames[0]).split('\n')[0])).toBe(20);
    // the second frame moved back one line (the first had two) and erased what was below
    expect(written).toContain('\r\u001b[1A\u001b[J');
    expect(written.endsWith('one\ntwo\nthree\n\u001b[?25h')).toBe(true);
  });
  it('prints above itself: the frame is drawn again under a warning', () => {
    const stream = memoryStream({ tty: true, columns: 40 });
    const area = createLiveArea(stream);
    area.update('bar 1\nbar 2');
    area.above('warning: something\n');
    area.clear();
    expect(stream.text()).toContain('\r\u001b[1A\u001b[Jwarning: something\nbar 1\nbar 2');
    expect(stream.text().endsWith('\r\u001b[1A\u001b[J\u001b[?25h')).toBe(true);
  });
});
