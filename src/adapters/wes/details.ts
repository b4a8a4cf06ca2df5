/**
 * What a WES run says, in fedimpute's terms (pure): its state word through the table of states.ts, the
 * messages and error of its run log (messages.ts), its times, and its progress as finished tasks among the
 * tasks known so far.
 */
import { cleanLine } from '../../sanitize.js';
import { redact } from '../../secrets.js';
import type { RemoteJobState } from '../types.js';
import { summarizeLog } from './messages.js';
import type { RunLog, WesLog } from './schemas.js';
import { mapWesState } from './states.js';

/** a state word as a report; `warn` hears of words that do not map (UNKNOWN, invented ones) */
export function runState(remoteId: string, raw: string | null | undefined, warn?: (text: string) => void): RemoteJobState {
  const mapped = mapWesState(raw ?? undefined);
  if (mapped.warning) warn?.(`run ${remoteId}: ${mapped.warning}`);
  return { remoteId, status: mapped.status, rawState: raw ? cleanLine(raw) : 'UNKNOWN' };
}

/** a run log as a detailed report; `progress` is the caller's (taskPercent, perhaps from /tasks) */
export function runDetails(remoteId: string, log: RunLog, progress: number | undefined, warn?: (text: string) => void): RemoteJobState & { messages: string[] } {
  const state = runState(remoteId, log.state, warn);
  const summary = summarizeLog(log.run_log?.stderr, log.run_log?.system_logs ?? [], state.rawState);
  const result: RemoteJobState & { messages: string[] } = { ...state, messages: summary.messages.map(redact) };
  if (log.run_log?.start_time) result.startedAt = log.run_log.start_time;
  if (log.run_log?.end_time) result.endedAt = log.run_log.end_time;
  if (state.status === 'failed') result.message = redact(summary.failure ?? `run ended ${state.rawState}`);
  else if (result.messages.length > 0) result.message = result.messages.at(-1);
  const shown = state.status === 'completed' ? 100 : state.status === 'running' ? progress : undefined;
  if (shown !== undefined) result.progress = shown;
  return result;
}

/** the tasks a run log itself carries (free, unlike GET /runs/{id}/tasks) */
export function tasksOf(log: RunLog): WesLog[] {
  return (log.task_logs ?? []).filter((task): task is WesLog => task !== null);
}

/** a 1.1.0 run log that keeps its tasks elsewhere (task_logs_url) */
export function tasksElsewhere(log: RunLog): boolean {
  return tasksOf(log).length === 0 && Boolean((log as { task_logs_url?: unknown }).task_logs_url);
}

/** finished tasks (ended with exit code 0) among the tasks known so far, in percent; undefined when none is known */
export function taskPercent(tasks: readonly WesLog[]): number | undefined {
  if (tasks.length === 0) return undefined;
  const done = tasks.filter((task) => task.end_time && task.exit_code === 0).length;
  return Math.round((done / tasks.length) * 100);
}
