/**
 * The parent's status follows the seed's rules (DESIGN §4), evaluated after every child change:
 * all completed → completed 100; any failed or canceled → failed (all canceled → canceled);
 * any running → running; otherwise queued 0. Progress is the children's average except for the
 * two ends of the table, and below 100 until every child completed. The summary keeps the seed's words
 * and counts queued children too (`1/3 jobs completed, 0 failed, 1 running, 1 queued`).
 */
import { shownProgress } from './display.js';
import type { EventDraft } from './transition.js';
import { TERMINAL, type ChildStatus } from './status.js';

export interface ChildSnapshot {
  status: ChildStatus;
  progress: number;
}

export interface ParentAggregate {
  status: ChildStatus;
  progress: number;
  summary: string;
  /** every child terminal */
  settled: boolean;
}

export function aggregate(children: readonly ChildSnapshot[]): ParentAggregate {
  const count = (status: ChildStatus) => children.filter((child) => child.status === status).length;
  const total = children.length;
  const completed = count('completed');
  const failed = count('failed');
  const canceled = count('canceled');
  const running = count('running');
  const queued = count('queued');
  const average = total === 0 ? 0 : children.reduce((sum, child) => sum + shownProgress(child), 0) / total;

  let status: ChildStatus;
  let progress: number;
  if (total > 0 && completed === total) {
    status = 'completed';
    progress = 100;
  } else if (failed > 0 || canceled > 0) {
    status = canceled === total ? 'canceled' : 'failed';
    progress = average;
  } else if (running > 0) {
    status = 'running';
    progress = average;
  } else {
    status = 'queued';
    progress = 0;
  }
  let summary = `${completed}/${total} jobs completed, ${failed} failed, ${running} running`;
  if (queued > 0) summary += `, ${queued} queued`;
  if (canceled > 0) summary += `, ${canceled} canceled`;
  return {
    status,
    progress: status === 'completed' ? 100 : Math.min(99, Math.round(progress * 10) / 10),
    summary,
    settled: total > 0 && children.every((child) => TERMINAL.has(child.status)),
  };
}

/** the parent columns the aggregate decides */
export interface ParentState {
  status: ChildStatus;
  progress: number;
  /** the summary line */
  message: string | null;
  settled: number;
  started_at: string | null;
  completed_at: string | null;
}

export interface ParentUpdate {
  /** undefined: nothing changed, write nothing */
  columns?: ParentState & { updated_at: string };
  event?: EventDraft;
}

/**
 * The parent after a change of its children: the aggregate, started when the first child started,
 * completed when the last one ended (once settled). An event when its status or settled flag changes.
 */
export function reaggregate(
  parent: ParentState,
  children: readonly (ChildSnapshot & { started_at: string | null; completed_at: string | null })[],
  now: string,
): ParentUpdate {
  const result = aggregate(children);
  const next: ParentState = {
    status: result.status,
    progress: result.progress,
    message: result.summary,
    settled: result.settled ? 1 : 0,
    started_at: children.map((child) => child.started_at).filter((at): at is string => Boolean(at)).sort()[0] ?? null,
    completed_at: result.settled
      ? (children.map((child) => child.completed_at).filter((at): at is string => Boolean(at)).sort().at(-1) ?? now)
      : null,
  };
  const same = (Object.keys(next) as (keyof ParentState)[]).every((key) => parent[key] === next[key]);
  if (same) return {};
  const update: ParentUpdate = { columns: { ...next, updated_at: now } };
  if (parent.status !== next.status || parent.settled !== next.settled) {
    update.event = {
      from_status: parent.status,
      to_status: next.status,
      message: next.message,
      reason: null,
      progress: next.progress,
      remote_job_id: null,
      submit_state: null,
      settled: next.settled,
    };
  }
  return update;
}
