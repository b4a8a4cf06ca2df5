/**
 * Rows for people and for scripts: a boxed table (cli-table3) on a TTY, tab-separated lines with raw
 * values otherwise. cli-table3 is loaded only when a table is drawn.
 */
import { createRequire } from 'node:module';

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

const require = createRequire(import.meta.url);

export function renderTable(columns: Column[], rows: string[][], tty: boolean, color = tty): string {
  if (!tty) return rows.map((row) => row.map((cell) => cell.replace(/[\t\n]/g, ' ')).join('\t')).join('\n');
  const Table = require('cli-table3') as typeof import('cli-table3');
  const table = new Table({
    head: columns.map((column) => column.header),
    colAligns: columns.map((column) => column.align ?? 'left'),
    style: { head: color ? ['bold'] : [], border: color ? ['gray'] : [], 'padding-left': 1, 'padding-right': 1 },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of rows) table.push(row);
  return table.toString();
}
