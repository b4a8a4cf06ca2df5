/**
 * Rows for people and for scripts. On a terminal: aligned columns under a header, no borders (gh, cargo),
 * fitted to the terminal's width with the one measure of output/width.ts; in a pipe: tab-separated raw
 * values, never cut. When a table is too wide, the least important columns give way first: a name loses
 * its end (…), a path its middle, an optional column goes; ids, states and queue positions are never cut.
 */
import { tsvRow } from '../sanitize.js';
import type { Style } from './style.js';
import { blockWidth, displayWidth, pad, truncateEnd, truncateMiddle } from './width.js';

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** how the column gives way: 'never' (ids, states), 'end' (names, notes: ellipsis), 'middle' (paths) */
  shrink?: 'never' | 'end' | 'middle';
  /** lower gives way first (default 0) */
  priority?: number;
  /** narrowest a shrinking column becomes (default 8, or its natural width when smaller) */
  min?: number;
  /** may be left out when the table does not fit otherwise */
  optional?: boolean;
}

export interface TableOptions {
  /** a terminal: aligned and fitted; otherwise tab-separated raw values */
  tty: boolean;
  style?: Style;
  /** the terminal's width (80 when unknown) */
  width?: number;
  /** print the header row (default true) */
  header?: boolean;
  /** spaces between columns (default 2) */
  gap?: number;
  /** a prefix for every line (counted in the width) */
  indent?: string;
}

const GAP = 2;

export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[], options: TableOptions): string {
  if (!options.tty) return rows.map((row) => tsvRow([...row])).join('\n');
  const style = options.style;
  const ellipsis = style?.symbols.ellipsis ?? '…';
  const gap = options.gap ?? GAP;
  const showHeader = options.header ?? true;
  const indent = options.indent ?? '';
  const width = Math.max(20, (options.width ?? 80) - displayWidth(indent));
  const layout = fit(columns, rows, width, gap, showHeader);
  const shown = columns.map((_, index) => index).filter((index) => layout[index] > 0);
  const lines: string[] = [];
  if (showHeader) {
    const cells = shown.map((index) => pad(truncateEnd(columns[index].header, layout[index], ellipsis), layout[index], columns[index].align));
    lines.push(indent + bold(style, cells.join(' '.repeat(gap)).trimEnd()));
  }
  for (const row of rows) {
    const cellLines = shown.map((index) => (row[index] ?? '').split('\n'));
    const height = Math.max(1, ...cellLines.map((cell) => cell.length));
    for (let line = 0; line < height; line++) {
      const cells = shown.map((index, position) => {
        const column = columns[index];
        const text = cellLines[position][line] ?? '';
        const cut = column.shrink === 'middle' ? truncateMiddle(text, layout[index], ellipsis) : column.shrink === 'never' ? text : truncateEnd(text, layout[index], ellipsis);
        return pad(cut, layout[index], column.align);
      });
      lines.push(indent + cells.join(' '.repeat(gap)).trimEnd());
    }
  }
  return lines.join('\n');
}

function bold(style: Style | undefined, text: string): string {
  return style ? style.bold(text) : text;
}

/**
 * Column widths within `width`: natural widths first; then shrinking columns give way, lowest priority
 * and widest first, down to their minimum; then optional columns go (lowest priority first, width 0);
 * then shrinking columns go below their minimum. Columns that never shrink keep their width whatever.
 */
export function fit(columns: readonly Column[], rows: readonly (readonly string[])[], width: number, gap = GAP, header = true): number[] {
  const content = columns.map((_, index) => Math.max(0, ...rows.map((row) => blockWidth(row[index] ?? ''))));
  const widths = columns.map((column, index) => {
    const headerWidth = header ? displayWidth(column.header) : 0;
    // a column that never shrinks may still cut its header ("POSITION" over "3")
    return column.shrink === 'never' ? Math.max(content[index], Math.min(headerWidth, Math.max(content[index], 3))) : Math.max(content[index], headerWidth);
  });
  // a column with nothing in it (and no header) takes no room
  const present = (index: number) => widths[index] > 0;
  const total = () => widths.reduce((sum, value, index) => sum + value + (present(index) ? gap : 0), 0) - gap;
  const order = columns
    .map((column, index) => ({ column, index }))
    .sort((a, b) => (a.column.priority ?? 0) - (b.column.priority ?? 0) || a.index - b.index);
  const shrinkable = order.filter(({ column }) => column.shrink !== 'never');
  const minimum = (index: number) => Math.min(widths[index], columns[index].min ?? 8);
  // 1. shrinking columns give way down to their minimum, the widest of the lowest priority first
  for (const priority of [...new Set(shrinkable.map(({ column }) => column.priority ?? 0))]) {
    const group = shrinkable.filter(({ column }) => (column.priority ?? 0) === priority).map(({ index }) => index);
    const floor = new Map(group.map((index) => [index, minimum(index)]));
    while (total() > width) {
      const widest = group.filter((index) => widths[index] > floor.get(index)!).sort((a, b) => widths[b] - widths[a])[0];
      if (widest === undefined) break;
      widths[widest]--;
    }
    if (total() <= width) return widths;
  }
  // 2. optional columns go
  for (const { column, index } of order) {
    if (total() <= width) return widths;
    if (column.optional) widths[index] = 0;
  }
  // 3. shrinking columns below their minimum (one column each at least)
  for (const { index } of shrinkable) {
    while (total() > width && widths[index] > 1) widths[index]--;
  }
  return widths;
}

/** one line of parts fitted like a table row without a header (headlines, tree lines) */
export function fitLine(parts: readonly { text: string; shrink?: Column['shrink']; priority?: number; min?: number; optional?: boolean }[], options: TableOptions): string {
  const kept = parts.filter((part) => part.text !== '');
  return renderTable(
    kept.map(({ text: _text, ...column }) => ({ header: '', ...column })),
    [kept.map((part) => part.text)],
    { ...options, header: false },
  );
}
