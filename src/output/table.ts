/**
 * Rows for people and for scripts: a boxed table (cli-table3) on a TTY, tab-separated lines with raw
 * values otherwise. cli-table3 is loaded only when a table is drawn.
 */
import { createRequire } from 'node:module';
import { tsvRow } from '../sanitize.js';
import { stripAnsi } from './style.js';

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** may be cut to fit the terminal (ids, names, messages); others keep their width */
  flexible?: boolean;
}

const require = createRequire(import.meta.url);

export function renderTable(columns: Column[], rows: string[][], tty: boolean, color = tty, width?: number): string {
  if (!tty) return rows.map(tsvRow).join('\n');
  const Table = require('cli-table3') as typeof import('cli-table3');
  const widths = width ? fitWidths(columns, rows, width) : undefined;
  if (widths) rows = rows.map((row) => row.map((cell, index) => cut(cell, widths[index] - 2)));
  const table = new Table({
    head: columns.map((column, index) => (widths ? cut(column.header, widths[index] - 2) : column.header)),
    colAligns: columns.map((column) => column.align ?? 'left'),
    style: { head: color ? ['bold'] : [], border: color ? ['gray'] : [], 'padding-left': 1, 'padding-right': 1 },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of rows) table.push(row);
  return table.toString();
}

/** Column widths that fit the terminal: the widest flexible column gives way first, none below 8. */
function fitWidths(columns: Column[], rows: string[][], width: number): number[] | undefined {
  const natural = columns.map((column, index) =>
    Math.max(column.header.length, ...rows.map((row) => Math.max(...stripAnsi(row[index] ?? '').split('\n').map(visibleLength)))) + 2,
  );
  let excess = natural.reduce((sum, value) => sum + value, 0) + columns.length + 1 - width;
  if (excess <= 0) return undefined;
  const widths = [...natural];
  const flexible = columns.map((column, index) => (column.flexible ? index : -1)).filter((index) => index >= 0);
  const candidates = flexible.length > 0 ? flexible : columns.map((_, index) => index);
  while (excess > 0) {
    const widest = candidates.reduce((best, index) => (widths[index] > widths[best] ? index : best), candidates[0]);
    if (widths[widest] <= 8) break;
    widths[widest]--;
    excess--;
  }
  return widths;
}

function visibleLength(text: string): number {
  return [...text].length;
}

/** each line of a cell at most `limit` characters; a cut cell loses its colour rather than its frame */
function cut(cell: string, limit: number): string {
  const plain = stripAnsi(cell);
  if (plain.split('\n').every((line) => visibleLength(line) <= limit)) return cell;
  return plain
    .split('\n')
    .map((line) => (visibleLength(line) <= limit ? line : `${[...line].slice(0, Math.max(1, limit - 1)).join('')}…`))
    .join('\n');
}
