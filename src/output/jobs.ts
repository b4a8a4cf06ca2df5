/**
 * The JSON shape of parents and children (keys from the store schema, never from display labels;
 * stable across versions) and the tree/line renderings shared by `jobs` and `status`.
 */
import { shownProgress } from '../domain/display.js';
import { inputsOf, jsonOf } from '../store/columns.js';
import type { JobRow } from '../store/rows.js';
import { formatDuration, progressBar, relativeTime, shortId, statusLabel } from './format.js';
import type { Style } from './style.js';

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

/** the parent's headline: "3f2a9c1d  my-study  ◐ running  45%  1/3 jobs completed, …" */
export function parentLine(parent: JobRow, style: Style, now: Date): string {
  return [
    style.bold(shortId(parent.id)),
    parent.name ?? '',
    statusLabel(parent.status, style),
    `${Math.round(parent.progress)}%`,
    style.dim(parent.message ?? ''),
    style.dim(relativeTime(parent.created_at, now)),
  ]
    .filter(Boolean)
    .join('  ');
}

export function childLine(child: JobRow, style: Style, now: Date, last: boolean): string {
  const branch = style.gray(last ? '└─' : '├─');
  const detail = childDetail(child, now);
  return `  ${branch} ${statusLabel(child.status, style).padEnd(style.enabled ? 22 : 12)} ${(child.service_slug ?? '').padEnd(10)} ${style.dim(
    `panel ${child.reference_panel_id ?? '?'}`,
  )}  ${progressBar(shownProgress(child), 10)} ${String(Math.round(shownProgress(child))).padStart(3)}%${detail ? `  ${style.dim(detail)}` : ''}${expiryNote(child, style, now)}`;
}

/** queue position, step or the last message, whichever says most */
export function childDetail(child: JobRow, now: Date): string {
  if (child.submit_state === 'waiting-slot') return 'waiting for a free slot on the service';
  if (child.cancel_requested_at && child.status !== 'canceled') return 'cancel requested';
  if (child.status === 'failed' || child.status === 'canceled') return child.last_error ?? child.message ?? '';
  if (child.status === 'completed') return '';
  if (child.queue_position !== null && child.queue_position >= 0 && child.status === 'queued')
    return `position ${child.queue_position} in queue`;
  if (child.step) return child.step;
  if (child.status === 'running' && child.started_at) return `running for ${formatDuration(now.getTime() - Date.parse(child.started_at))}`;
  return child.message ?? '';
}

const HOUR = 3_600_000;

/** Michigan results are deleted by the server; say when, loudly under 48 h */
export function expiryNote(child: JobRow, style: Style, now: Date): string {
  if (!child.results_expire_at || child.status !== 'completed') return '';
  const left = Date.parse(child.results_expire_at) - now.getTime();
  if (left <= 0) return `  ${style.red('results deleted by the server')}`;
  const text = `results deleted ${relativeTime(child.results_expire_at, now)}`;
  return `  ${left < 48 * HOUR ? style.yellow(`⚠ ${text}`) : style.dim(text)}`;
}
