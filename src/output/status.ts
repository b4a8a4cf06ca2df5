/** The parent block, child table, notes and next steps of `status`, `watch` and `submit`. */
import type { Change } from '../domain/change.js';
import { nextSteps, progressWords, shownMessage, type ResultsDone } from '../domain/display.js';
import { isLost } from '../domain/status.js';
import { tsvRow } from '../sanitize.js';
import type { JobRow } from '../store/rows.js';
import { childDetail, expiryNote, progressCells } from './jobs.js';
import { formatDuration, relativeTime, shortId, statusLabel } from './format.js';
import type { Style } from './style.js';
import { fit, fitLine, renderTable, type Column } from './table.js';
import { blockWidth, stripEscapes, wrapProse, wrapText } from './width.js';

export interface BlockOptions {
  width: number;
  /** when a service last answered about the unfinished children ("as of 3 min ago") */
  asOf?: string | null;
}

/** "3f2a9c1d  my-study  ✖ failed  █████░░░ 45%" and "1 of 3 still running · 1 failed · created 2 hours ago · as of 3 min ago" */
export function parentBlock(parent: JobRow, children: JobRow[], style: Style, now: Date, options: BlockOptions): string {
  const [bar, share] = progressCells(parent, style);
  const head = fitLine(
    [
      { text: style.bold(shortId(parent.id)), shrink: 'never' },
      { text: style.bold(parent.name ?? ''), shrink: 'end', min: 8 },
      { text: statusLabel(parent.status, style), shrink: 'never' },
      { text: bar, shrink: 'never', optional: true },
      { text: share, shrink: 'never' },
    ],
    { tty: true, style, width: options.width },
  );
  const dot = ` ${style.symbols.dot} `;
  const facts = [
    progressWords(children, style.symbols.dot),
    `created ${relativeTime(parent.created_at, now)}`,
    parent.completed_at ? `finished ${relativeTime(parent.completed_at, now)}` : '',
    !parent.settled && options.asOf ? `as of ${relativeTime(options.asOf, now)}` : '',
  ].filter(Boolean);
  return [head, ...wrapText(facts.join(dot), options.width, '  ').map((line) => style.dim(line))].join('\n');
}

const CHILD_COLUMNS: Column[] = [
  { header: 'SERVICE', shrink: 'never' },
  { header: 'PANEL', shrink: 'end', priority: 0, min: 6, optional: true },
  { header: 'REMOTE JOB', shrink: 'never' },
  { header: 'STATUS', shrink: 'never' },
  { header: '', shrink: 'never', optional: true, priority: -1 },
  { header: '%', shrink: 'never', align: 'right' },
  { header: 'ELAPSED', shrink: 'never', align: 'right', optional: true, priority: 1 },
  { header: 'NOTE', shrink: 'end', priority: 2, min: 16, optional: true },
];
const NOTE = CHILD_COLUMNS.length - 1;

/** the children as a table: fitted to a terminal, or tab-separated raw values for scripts */
export function childTable(children: JobRow[], style: Style, now: Date, tty: boolean, width = 80): string {
  const rows = children.map((child) => {
    const elapsed = child.started_at
      ? formatDuration((child.completed_at ? Date.parse(child.completed_at) : now.getTime()) - Date.parse(child.started_at))
      : '';
    if (!tty) {
      return [
        child.id,
        child.service_slug ?? '',
        String(child.reference_panel_id ?? ''),
        child.remote_job_id ?? '',
        child.status,
        String(child.progress),
        child.queue_position !== null && child.queue_position >= 0 ? String(child.queue_position) : '',
        child.step ?? '',
        elapsed,
        shownMessage(child) ?? '',
        child.results_expire_at ?? '',
      ];
    }
    const [bar, share] = progressCells(child, style);
    return [
      child.service_slug ?? '',
      `${child.reference_panel_id ?? ''} ${style.dim(child.panel_name ?? '')}`,
      child.remote_job_id ?? style.dim(style.symbols.none),
      statusLabel(child.status, style),
      bar,
      share,
      elapsed,
      [childDetail(child, now), expiryNote(child, style, now)].filter(Boolean).join('  '),
    ];
  });
  if (!tty) return renderTable([], rows, { tty: false });
  // a note cut short says little: when the notes do not fit beside the children, they go under the table,
  // whole (a failure or a lost job has its own lines there, childNotes)
  const own = (index: number) => children[index].status !== 'failed' && !isLost(children[index]);
  const widest = Math.max(0, ...rows.map((row, index) => (own(index) ? blockWidth(row[NOTE]) : 0)));
  if (fit(CHILD_COLUMNS, rows, width)[NOTE] >= widest) return renderTable(CHILD_COLUMNS, rows, { tty: true, style, width });
  const table = renderTable(CHILD_COLUMNS.slice(0, NOTE), rows.map((row) => row.slice(0, NOTE)), { tty: true, style, width });
  const notes = children.flatMap((child, index) => {
    const note = rows[index][NOTE];
    if (!note || !own(index)) return [];
    return wrapText(`${child.service_slug}: ${stripEscapes(note)}`, width - 2, '  ').map((line, at) => style.dim(at === 0 ? `${style.symbols.dot} ${line}` : line));
  });
  return [table, ...notes].join('\n');
}

/**
 * What a table cuts but a person must read in full: why a child failed, that the service lost it. One
 * entry per such child, word-wrapped to the width.
 */
export function childNotes(children: JobRow[], style: Style, width: number): string[] {
  const lines: string[] = [];
  for (const child of children) {
    const lost = isLost(child);
    if (child.status !== 'failed' && !lost) continue;
    const text = lost ? `${child.service_slug}: lost by the service: ${child.message ?? ''}` : `${child.service_slug}: ${shownMessage(child) ?? 'failed'}`;
    const mark = lost ? style.yellow(style.symbols.attention) : style.red(style.symbols.failed);
    const wrapped = wrapText(text, width - 2, '  ');
    lines.push(`${mark} ${wrapped[0]}`, ...wrapped.slice(1));
  }
  return lines;
}

/**
 * "next: fedimpute download 3f2a9c1d  # bring the results home" and the other commands that apply, or none.
 * A comment too long for the width goes on under a `#` (the lines stay pasteable); off a terminal, width
 * Infinity: whole lines.
 */
export function nextLines(parent: JobRow, children: JobRow[], style: Style, width = 80, results?: ResultsDone): string[] {
  const steps = nextSteps(shortId(parent.id), children, results);
  return steps.flatMap((step, index) => wrapProse(`${index === 0 ? 'next:' : '     '} ${step.command}  # ${step.why}`, width, index === 0 ? '      # ' : ' # ').split('\n').map((line) => style.dim(line)));
}

/** the warning for a child stuck in one state longer than its service's max_run_seconds */
export function stuckLine(stuck: { service: string; child_id: string; child_ref: string; parent_id: string; status: string; for_ms: number; limit_ms: number }, parentName?: string | null): string {
  const parent = shortId(stuck.parent_id);
  return `${stuck.service}: child ${shortId(stuck.child_id)} of ${parent}${parentName ? ` (${parentName})` : ''} has been ${stuck.status} for ${formatDuration(stuck.for_ms)}, longer than the service's max_run_seconds (${formatDuration(stuck.limit_ms)}); it may be stuck: look at it on the service, or run fedimpute cancel ${parent} --child ${stuck.child_ref} and fedimpute retry ${parent} --child ${stuck.child_ref}`;
}

/** the flag for a child its service lost, with the commands that settle it */
export function lostLine(lost: { service: string; child_id: string; child_ref: string; parent_id: string; remote_job_id: string | null }, parentName?: string | null): string {
  const parent = shortId(lost.parent_id);
  const child = lost.child_ref;
  return `${lost.service}: the service lost job ${lost.remote_job_id ?? shortId(lost.child_id)} of ${parent}${parentName ? ` (${parentName})` : ''}; nothing happens by waiting: run fedimpute retry ${parent} --child ${child} to submit it again, or fedimpute cancel ${parent} --child ${child} to give it up`;
}

/**
 * A plain line for one change, for `watch` without a TTY and for `poll`: tab-separated, raw words, and
 * every line names its parent (short id and name) and its service, so that a cron log reads on its own.
 * Columns: time, parent short id, parent name, service ('' for the parent's own line), child short id
 * ('parent' for the parent's line), from->to, progress, remote job id, message.
 */
export function changeLine(change: Change, parentName: string | null): string {
  // a parent whose status stays while its last child finishes has settled; say so rather than "failed->failed"
  const news = change.from === change.to && change.submit_state ? ` (${SUBMIT_WORDS[change.submit_state] ?? change.submit_state})` : '';
  const transition = change.kind === 'parent' && change.from === change.to ? `${change.to} (settled)` : `${change.from ?? ''}->${change.to}${news}`;
  return tsvRow([
    change.at,
    shortId(change.parent_id),
    parentName ?? '',
    change.service_slug ?? '',
    change.kind === 'parent' ? 'parent' : shortId(change.id),
    transition,
    String(change.progress),
    change.remote_job_id ?? '',
    change.message ?? '',
  ]);
}

/** a child's submission news in a cron log's words */
const SUBMIT_WORDS: Record<string, string> = {
  submitted: 'accepted by the service',
  'waiting-slot': 'waiting for a free slot',
  unconfirmed: 'checking whether the upload arrived',
  'cancel-pending': 'cancel requested',
  lost: 'lost by the service',
};
