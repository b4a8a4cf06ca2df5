/**
 * WES run states → fedimpute child statuses, one exhaustive table (protocols/wes.md "States").
 * PREEMPTED exists from WES 1.1.0 on; UNKNOWN maps to null: keep the previous status and warn.
 */
import type { ChildStatus } from '../../domain/status.js';

export const WES_STATES = {
  QUEUED: 'queued',
  INITIALIZING: 'queued',
  RUNNING: 'running',
  PAUSED: 'running',
  CANCELING: 'running',
  COMPLETE: 'completed',
  EXECUTOR_ERROR: 'failed',
  SYSTEM_ERROR: 'failed',
  PREEMPTED: 'failed',
  CANCELED: 'canceled',
  UNKNOWN: null,
} as const satisfies Record<string, ChildStatus | null>;

export type WesState = keyof typeof WES_STATES;

export const WES_TERMINAL: ReadonlySet<string> = new Set<WesState>([
  'COMPLETE',
  'EXECUTOR_ERROR',
  'SYSTEM_ERROR',
  'PREEMPTED',
  'CANCELED',
]);

export function isWesState(value: string): value is WesState {
  return Object.hasOwn(WES_STATES, value);
}

/**
 * Maps a state word. An unmapped word (UNKNOWN, or one a server invented) yields null with a warning,
 * so the caller keeps the child's previous status instead of guessing.
 */
export function mapWesState(raw: string | undefined): { status: ChildStatus | null; warning?: string } {
  const word = (raw ?? '').trim().toUpperCase();
  if (isWesState(word)) {
    const status = WES_STATES[word];
    return status === null ? { status, warning: 'the server reports state UNKNOWN; keeping the previous status' } : { status };
  }
  return { status: null, warning: `unrecognised WES state ${JSON.stringify(raw ?? '')}; keeping the previous status` };
}
