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
  /** told which columns were left out to fit (their values can then be shown another way) */
  dropped?: (indexes: number[]) => void;
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
  options.dropped?.(columns.map((_, index) => index).filter((index) => layout[index] === 0 && columns[index].optional));
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
 * Column widths within `width`, the least important columns giving way first. Natural widths first, no
 * shrinking column wider than 45 % of the width when they do not fit; then, priority by priority from the lowest: the level's shrinking columns give way (the widest first) down to
 * their minimum, then its optional columns go (width 0). Last resorts: a header wider than its column's
 * values is cut, then shrinking columns go below their minimum. Columns that never shrink keep their values
 * whole whatever the width: a table of ids too wide for the terminal is wider than the terminal.
 */
export function fit(columns: readonly Column[], rows: readonly (readonly string[])[], width: number, gap = GAP, header = true): number[] {
  const content = columns.map((_, index) => Math.max(0, ...rows.map((row) => blockWidth(row[index] ?? ''))));
  const headers = columns.map((column) => (header ? displayWidth(column.header) : 0));
  const widths = columns.map((_, index) => Math.max(content[index], headers[index]));
  // a column with nothing in it (and no header) takes no room, nor a gap
  const total = () => {
    const shown = widths.filter((value) => value > 0);
    return shown.reduce((sum, value) => sum + value, 0) + gap * Math.max(0, shown.length - 1);
  };
  const fits = () => total() <= width;
  const shrinking = (index: number) => columns[index].shrink !== 'never';
  const minimum = (index: number) => Math.min(widths[index], Math.max(columns[index].min ?? 8, Math.min(headers[index], 3)));
  const levels = [...new Set(columns.map((column) => column.priority ?? 0))].sort((a, b) => a - b);
  // one long note must not take the room of every other column: none is wider than 45 % of the width
  const share = Math.floor(width * 0.45);
  if (!fits()) {
    const capped = [...columns.keys()].filter((index) => shrinking(index) && widths[index] > share);
    for (const index of capped) widths[index] = Math.max(share, minimum(index));
    // room the cap left over goes back to the capped columns (a path need not be cut when there is space)
    for (const index of capped) widths[index] += Math.max(0, Math.min(width - total(), Math.max(content[index], headers[index]) - widths[index]));
  }
  for (const level of levels) {
    if (fits()) return widths;
    const group = columns.map((_, index) => index).filter((index) => (columns[index].priority ?? 0) === level);
    const floor = new Map(group.map((index) => [index, shrinking(index) ? minimum(index) : widths[index]]));
    while (!fits()) {
      const widest = group.filter((index) => widths[index] > floor.get(index)!).sort((a, b) => widths[b] - widths[a])[0];
      if (widest === undefined) break;
      widths[widest]--;
    }
    for (const index of group) if (!fits() && columns[index].optional) widths[index] = 0;
  }
  // headers wider than their values give way, then shrinking columns below their minimum
  for (const index of columns.map((_, index) => index)) {
    while (!fits() && widths[index] > Math.max(content[index], 3) && widths[index] > 0) widths[index]--;
  }
  for (const level of levels) {
    for (const index of columns.map((_, index) => index).filter((index) => shrinking(index) && (columns[index].priority ?? 0) === level)) {
      while (!fits() && widths[index] > 1) widths[index]--;
    }
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
