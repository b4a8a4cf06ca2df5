/**
 * The parent's status follows the seed's rules (DESIGN §4), evaluated after every child change:
 * all completed → completed 100; any failed or canceled → failed (all canceled → canceled);
 * any running → running; otherwise queued 0. Progress is the children's average except for the
 * two ends of the table.
 */
import { TERMINAL, type ChildStatus } from '../adapters/types.js';

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
  const average = total === 0 ? 0 : children.reduce((sum, child) => sum + childProgress(child), 0) / total;

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
  if (canceled > 0) summary += `, ${canceled} canceled`;
  return {
    status,
    progress: Math.round(progress * 10) / 10,
    summary,
    settled: total > 0 && children.every((child) => TERMINAL.has(child.status)),
  };
}

function childProgress(child: ChildSnapshot): number {
  return child.status === 'completed' ? 100 : Math.max(0, Math.min(100, child.progress));
}
