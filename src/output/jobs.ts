/**
 * The JSON shape of parents and children (keys from the store schema, never from display labels;
 * stable across versions) and the words and tree of `jobs`, shared with `status`, `watch` and `submit`.
 */
import { progressWords, shownProgress } from '../domain/display.js';
import { isLost } from '../domain/status.js';
import { inputsOf, jsonOf } from '../store/columns.js';
import type { JobRow } from '../store/rows.js';
import { formatDuration, percent, progressBar, relativeTime, shortId, statusLabel } from './format.js';
import type { Style } from './style.js';
import { renderTable, type Column } from './table.js';

export function childJson(child: JobRow) {
  return {
    id: child.id,
    service_id: child.service_id,
    service_slug: child.service_slug,
    service_name: child.service_name,
    panel_id: child.reference_panel_id,
    panel_name: child.panel_name,
    remote_job_id: child.remote_job_id,
    status: child.status,
    remote_state: child.remote_state,
    progress: child.progress,
    queue_position: child.queue_position,
    step: child.step,
    message: child.message,
    last_error: child.last_error,
    submit_state: child.submit_state,
    attempt: child.attempt,
    cancel_requested_at: child.cancel_requested_at,
    results_expire_at: child.results_expire_at,
    created_at: child.created_at,
    submitted_at: child.submitted_at,
    started_at: child.started_at,
    completed_at: child.completed_at,
  };
}

export function parentJson(parent: JobRow, children: JobRow[]) {
  return {
    id: parent.id,
    name: parent.name,
    description: parent.description,
    status: parent.status,
    progress: parent.progress,
    summary: parent.message,
    settled: parent.settled === 1,
    inputs: inputsOf(parent),
    options: jsonOf(parent.options, {}),
    created_at: parent.created_at,
    started_at: parent.started_at,
    completed_at: parent.completed_at,
    children: children.map(childJson),
  };
}

/**
 * What a child is doing, in words a user knows (never the store's submission states): its queue position,
 * step, error, or where its submission stands.
 */
export function childDetail(child: JobRow, now: Date): string {
  if (isLost(child)) return `lost by the service${child.message ? `: ${child.message}` : ''}`;
  if (child.cancel_requested_at && child.status !== 'canceled' && child.status !== 'completed' && child.status !== 'failed') return 'cancel requested';
  if (!child.remote_job_id && child.status === 'queued') {
    if (child.submit_state === 'waiting-slot') return 'waiting for a free slot on the service';
    if (child.submit_state === 'unconfirmed') return 'checking whether the upload arrived';
    if (child.submit_state === 'submitting') return 'uploading';
    return 'not uploaded yet';
  }
  if (child.status === 'failed' || child.status === 'canceled') return child.last_error ?? child.message ?? '';
  if (child.status === 'completed') return '';
  if (child.queue_position !== null && child.queue_position >= 0 && child.status === 'queued') return `position ${child.queue_position} in queue`;
  if (child.step) return child.step;
  if (child.status === 'running' && child.started_at) return `running for ${formatDuration(now.getTime() - Date.parse(child.started_at))}`;
  return child.message ?? '';
}

const HOUR = 3_600_000;

/** Michigan results are deleted by the server; say when, loudly under 48 h */
export function expiryNote(child: JobRow, style: Style, now: Date): string {
  if (!child.results_expire_at || child.status !== 'completed') return '';
  const left = Date.parse(child.results_expire_at) - now.getTime();
  if (left <= 0) return style.red('results deleted by the server');
  const text = `results deleted ${relativeTime(child.results_expire_at, now)}`;
  return left < 48 * HOUR ? style.yellow(`${style.symbols.warning} ${text}`) : text;
}

/** a child's progress: an optional bar and the percentage (a running child is never 100 %) */
export function progressCells(job: { status: JobRow['status']; progress: number }, style: Style): [string, string] {
  const shown = shownProgress(job);
  return [progressBar(shown, 10, style), percent(shown)];
}

const TREE_COLUMNS: Column[] = [
  { header: 'JOB', shrink: 'never' },
  { header: 'NAME', shrink: 'end', priority: 0, min: 10 },
  { header: 'STATUS', shrink: 'never' },
  { header: '', shrink: 'never', optional: true, priority: -1 },
  { header: '%', shrink: 'never', align: 'right' },
  { header: 'NOTE', shrink: 'end', priority: 1, min: 12, optional: true },
];

/** `jobs` on a terminal: each parent, its children under it as a tree, fitted to the width */
export function jobsTree(parents: readonly { parent: JobRow; children: JobRow[] }[], style: Style, now: Date, width: number): string {
  const rows: string[][] = [];
  for (const { parent, children } of parents) {
    const [bar, share] = progressCells(parent, style);
    rows.push([
      style.bold(shortId(parent.id)),
      parent.name ?? '',
      statusLabel(parent.status, style),
      parent.status === 'queued' ? '' : bar,
      parent.status === 'queued' ? '' : share,
      style.dim([progressWords(children, style.symbols.dot), relativeTime(parent.created_at, now)].filter(Boolean).join(` ${style.symbols.dot} `)),
    ]);
    children.forEach((child, index) => {
      const branch = index === children.length - 1 ? style.symbols.lastBranch : style.symbols.branch;
      const [childBar, childShare] = progressCells(child, style);
      const note = [childDetail(child, now), expiryNote(child, style, now)].filter(Boolean).join('  ');
      rows.push([`${style.gray(branch)} ${child.service_slug ?? ''}`, `${child.reference_panel_id ?? ''} ${child.panel_name ?? ''}`.trim(), statusLabel(child.status, style), childBar, childShare, style.dim(note)]);
    });
  }
  return renderTable(TREE_COLUMNS, rows, { tty: true, style, width });
}
