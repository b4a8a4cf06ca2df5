/** The parent block and child table of `status` and `watch`. */
import type { Change } from '../domain/change.js';
import { shownMessage, shownProgress } from '../domain/display.js';
import { tsvRow } from '../sanitize.js';
import type { JobRow } from '../store/rows.js';
import { childDetail, expiryNote } from './jobs.js';
import { formatDuration, progressBar, relativeTime, shortId, statusLabel } from './format.js';
import type { Style } from './style.js';
import { renderTable } from './table.js';

export function parentBlock(parent: JobRow, style: Style, now: Date): string {
  const lines = [
    `${style.bold(shortId(parent.id))}  ${style.bold(parent.name ?? '')}  ${statusLabel(parent.status, style)}  ${progressBar(parent.progress, 16)} ${Math.round(parent.progress)}%`,
    style.dim(
      [
        parent.message,
        `created ${relativeTime(parent.created_at, now)}`,
        parent.started_at ? `started ${relativeTime(parent.started_at, now)}` : 'not started',
        parent.completed_at ? `finished ${relativeTime(parent.completed_at, now)}` : parent.settled ? '' : 'in progress',
        parent.settled ? 'settled' : '',
      ]
        .filter(Boolean)
        .join(' · '),
    ),
  ];
  return lines.join('\n');
}

export function childTable(children: JobRow[], style: Style, now: Date, tty: boolean, width?: number): string {
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
    return [
      `${child.service_slug ?? ''}`,
      `${child.reference_panel_id ?? ''} ${style.dim(truncate(child.panel_name ?? '', 24))}`,
      child.remote_job_id ? truncate(child.remote_job_id, 26) : style.dim('—'),
      statusLabel(child.status, style),
      `${progressBar(shownProgress(child), 10)} ${String(Math.round(shownProgress(child))).padStart(3)}%`,
      elapsed,
      [truncate(childDetail(child, now), 60), expiryNote(child, style, now).trim()].filter(Boolean).join('  '),
    ];
  });
  if (!tty) return renderTable([], rows, false);
  return renderTable(
    [
      { header: 'SERVICE' },
      { header: 'PANEL', flexible: true },
      { header: 'REMOTE JOB', flexible: true },
      { header: 'STATUS' },
      { header: 'PROGRESS' },
      { header: 'ELAPSED', align: 'right' },
      { header: 'NOTE', flexible: true },
    ],
    rows,
    true,
    style.enabled,
    width,
  );
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/** the warning for a child stuck in one state longer than its service's max_run_seconds */
export function stuckLine(stuck: { service: string; child_id: string; status: string; for_ms: number; limit_ms: number }): string {
  return `${stuck.service}: child ${stuck.child_id.slice(0, 8)} has been ${stuck.status} for ${formatDuration(stuck.for_ms)}, longer than the service's max_run_seconds (${formatDuration(stuck.limit_ms)}); it may be stuck: look at it on the service, or cancel and retry it`;
}

/** a plain line for one change, for `watch` without a TTY and for `poll` */
export function changeLine(change: Change): string {
  // a parent whose status stays while its last child finishes has settled; say so rather than "failed->failed"
  const transition = change.kind === 'parent' && change.from === change.to ? `${change.to} (settled)` : `${change.from ?? ''}->${change.to}`;
  return tsvRow([change.at, change.kind, change.id, change.service_slug ?? '', transition, String(change.progress), change.remote_job_id ?? '', change.message ?? '']);
}
