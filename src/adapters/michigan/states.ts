/**
 * Cloudgene job states → fedimpute child statuses, one exhaustive table (protocols/michigan.md "States").
 * -1 (DEAD: the server restarted while the job waited or ran) is not terminal: it maps to null (the child
 * keeps its status) and `lost` (nothing happens by waiting; the user retries or cancels it, and an
 * administrator's restart would bring it back). 7 and 10 are terminal with the results gone.
 */
import type { ChildStatus } from '../../domain/status.js';
import { michiganProgress } from './progress.js';

interface StateInfo {
  status: ChildStatus | null;
  terminal: boolean;
  retired?: boolean;
  lost?: boolean;
  hint?: string;
}

export const MICHIGAN_STATES = {
  '-1': { status: null, terminal: false, lost: true, hint: 'the server restarted while this job waited or ran, and dropped it' },
  1: { status: 'queued', terminal: false },
  2: { status: 'running', terminal: false },
  3: { status: 'running', terminal: false }, // exporting
  4: { status: 'completed', terminal: true },
  5: { status: 'failed', terminal: true },
  6: { status: 'canceled', terminal: true },
  7: { status: 'completed', terminal: true, retired: true, hint: 'the server deleted the results after its retention period' },
  8: { status: 'completed', terminal: true }, // success, retirement notice sent (deletedOn set)
  9: { status: 'failed', terminal: true }, // failed/canceled, retirement notice sent
  10: { status: 'completed', terminal: true, retired: true, hint: 'the job was deleted on the server' },
} as const satisfies Record<string, StateInfo>;

export type MichiganState = keyof typeof MICHIGAN_STATES;

export function mapMichiganState(code: number): StateInfo {
  const key = String(code);
  if (Object.hasOwn(MICHIGAN_STATES, key)) return MICHIGAN_STATES[key as unknown as MichiganState];
  return { status: null, terminal: false, hint: `unrecognised Cloudgene state ${code}; keeping the previous status` };
}

const RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
const PROGRESS = /\((\d+)\s*\/\s*(\d+)\)/;

interface JobLike {
  id: string;
  state: number;
  positionInQueue?: number | null;
  startTime?: number | null;
  endTime?: number | null;
  deletedOn?: number | null;
  steps?: { name: string; logMessages: { message: string; type: number }[] }[] | null;
}

const iso = (ms: number | null | undefined) => (ms && ms > 0 ? new Date(ms).toISOString() : undefined);

/** One Cloudgene Job → RemoteJobState; `plainText` strips the HTML of step messages. */
export function mapJob(job: JobLike, plainText: (html: string) => string): import('../types.js').RemoteJobState & { messages: string[] } {
  const info = mapMichiganState(job.state);
  const all = (job.steps ?? []).flatMap((step) => step.logMessages.map((message) => ({ step: step.name, ...message })));
  const messages = all.map((message) => plainText(message.message)).filter(Boolean);
  const errors = all.filter((message) => message.type === 1).map((message) => plainText(message.message));
  const progressMessage = [...all].reverse().find((message) => PROGRESS.test(message.message));
  let progress: number | undefined;
  if (info.status === 'completed') progress = 100;
  else if (job.state === 1) progress = 0;
  else progress = michiganProgress(job.state, all.map((message) => ({ step: message.step, text: plainText(message.message) })));
  const running = [...all].reverse().find((message) => message.type === 3);
  const endTime = job.endTime && job.endTime > 0 ? job.endTime : undefined;
  return {
    remoteId: job.id,
    status: info.status,
    rawState: String(job.state),
    progress,
    queuePosition: job.state === 1 && (job.positionInQueue ?? -1) >= 0 ? job.positionInQueue! : undefined,
    step: running ? plainText(running.message) : progressMessage ? plainText(progressMessage.message) : undefined,
    message: errors.length ? errors.join(' ') : messages.at(-1),
    hint: info.hint,
    startedAt: iso(job.startTime),
    endedAt: iso(endTime),
    resultsExpireAt: job.deletedOn && job.deletedOn > 0 ? iso(job.deletedOn) : endTime ? iso(endTime + RETENTION_MS) : undefined,
    retired: info.retired,
    lost: 'lost' in info ? info.lost : undefined,
    messages,
  };
}
