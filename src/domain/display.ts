/**
 * How a job's state is shown, stated once: every table, line, JSON document and manifest uses these.
 */
import { isLost, TERMINAL, type ChildStatus, type SubmitState } from './status.js';

/**
 * 100 % means completed: a completed job is 100 whatever the last report said; a running one is kept
 * within 1..99 (it has started, it has not finished), a queued one is 0, a failed or canceled one keeps
 * where it stopped, below 100.
 */
export function shownProgress(job: { status: ChildStatus; progress: number }): number {
  if (job.status === 'completed') return 100;
  if (job.status === 'queued') return 0;
  const progress = Math.max(0, Math.min(99, Math.floor(job.progress)));
  return job.status === 'running' ? Math.max(1, progress) : progress;
}

/** the one message to show for a job: a failed job shows why it failed */
export function shownMessage(job: { status: ChildStatus; message: string | null; last_error: string | null }): string | null {
  return job.status === 'failed' ? (job.last_error ?? job.message) : job.message;
}

/** the error of a failed job, null for any other (JSON `error` fields) */
export function errorOf(job: { status: ChildStatus; last_error: string | null }): string | null {
  return job.status === 'failed' ? job.last_error : null;
}

type Child = { status: ChildStatus; submit_state: SubmitState | null };

/**
 * The counts behind a parent's status, in words: "1 of 3 still running · 1 completed · 1 failed". Queued
 * children count as still running (they will run); a lost one is named apart (it needs the user).
 */
export function progressWords(children: readonly Child[], dot = '·'): string {
  const count = (test: (child: Child) => boolean) => children.filter(test).length;
  const total = children.length;
  const lost = count(isLost);
  const active = count((child) => !TERMINAL.has(child.status)) - lost;
  const completed = count((child) => child.status === 'completed');
  const parts: string[] = [];
  if (active > 0) parts.push(`${active} of ${total} still running`);
  else if (completed === total) parts.push(`${completed} of ${total} completed`);
  if (lost > 0) parts.push(`${lost} of ${total} lost by the service`);
  if (completed > 0 && completed < total) parts.push(`${completed} completed`);
  const failed = count((child) => child.status === 'failed');
  const canceled = count((child) => child.status === 'canceled');
  if (failed > 0) parts.push(`${failed} failed`);
  if (canceled > 0) parts.push(`${canceled} canceled`);
  return parts.join(` ${dot} `);
}

/**
 * Nothing more happens without the user: every child is finished or lost, and one is lost. `watch` stops
 * there and `status --exit-status` reports it as settled with failures.
 */
export function waitsForUser(children: readonly Child[]): boolean {
  return children.some(isLost) && children.every((child) => TERMINAL.has(child.status) || isLost(child));
}

/** how `--child` names a child: its service slug reads best, but two children on one service (two panels) need the child's id */
export function childReference(child: { id: string; service_slug: string | null }, siblings: readonly { service_slug: string | null }[]): string {
  const unique = child.service_slug && siblings.filter((other) => other.service_slug === child.service_slug).length === 1;
  return unique ? child.service_slug! : child.id.slice(0, 8);
}

export interface NextStep {
  /** pasteable */
  command: string;
  why: string;
}

/** what has been done with a parent's results (results/done.ts finds it out) */
export interface ResultsDone {
  /** completed children whose results have been downloaded */
  downloaded: ReadonlySet<string>;
  /** the folder `combine` wrote into, as the user reads it; null when it has not run */
  combined: string | null;
}

const NOTHING_DONE: ResultsDone = { downloaded: new Set(), combined: null };

/**
 * The commands to run next, pasteable: results to fetch, children to retry or give up, a parent to follow.
 * Results already home lead on: to `combine` when two or more services completed (and nothing is left to
 * wait for), then to `compare`, which, once combined, sets the combination beside the services.
 * `parent` is the short id the user typed or saw.
 */
export function nextSteps(parent: string, children: readonly (Child & { id: string; service_slug: string | null })[], results: ResultsDone = NOTHING_DONE): NextStep[] {
  const steps: NextStep[] = [];
  const waiting = children.some((child) => !TERMINAL.has(child.status) && !isLost(child));
  if (waiting) steps.push({ command: `fedimpute watch ${parent}`, why: 'follow it until every child has finished' });
  for (const child of children.filter(isLost)) {
    const which = ` --child ${childReference(child, children)}`;
    steps.push({ command: `fedimpute retry ${parent}${which}`, why: 'the service lost it: submit it again' }, { command: `fedimpute cancel ${parent}${which}`, why: 'or give it up' });
  }
  const completed = children.filter((child) => child.status === 'completed');
  if (completed.some((child) => !results.downloaded.has(child.id))) steps.push({ command: `fedimpute download ${parent}`, why: 'bring the results home' });
  else if (completed.length >= 2 && !waiting && results.combined === null) {
    steps.push({ command: `fedimpute combine ${parent}`, why: "meta-impute the services' results into one VCF per chromosome" }, { command: `fedimpute compare ${parent}`, why: 'how the services agree, by allele frequency' });
  } else if (completed.length >= 2 && !waiting) {
    steps.push({ command: `fedimpute compare ${parent}`, why: `the services and their combination side by side; combined results in ${results.combined}` });
  }
  if (children.some((child) => child.status === 'failed' || child.status === 'canceled')) steps.push({ command: `fedimpute retry ${parent}`, why: 'submit the failed or canceled children again' });
  return steps;
}
