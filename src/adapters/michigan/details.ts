/**
 * What a Cloudgene job says, in fedimpute's terms (pure): its state through the table of states.ts, its
 * progress from its steps and their `(k/n)` messages (progress.ts), the step running now, its messages (HTML stripped), its error, and
 * when its results expire. Also the report of a job the server no longer knows.
 */
import type { RemoteJobState } from '../types.js';
import { michiganProgress } from './progress.js';
import { mapMichiganState } from './states.js';

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
export function mapJob(job: JobLike, plainText: (html: string) => string): RemoteJobState & { messages: string[] } {
  const info = mapMichiganState(job.state);
  const all = (job.steps ?? []).flatMap((step) => step.logMessages.map((message) => ({ step: step.name, ...message })));
  const messages = all.map((message) => plainText(message.message)).filter(Boolean);
  const errors = all.filter((message) => message.type === 1).map((message) => plainText(message.message));
  const progressMessage = [...all].reverse().find((message) => PROGRESS.test(message.message));
  let progress: number | undefined;
  if (info.status === 'completed') progress = 100;
  else if (job.state === 1) progress = 0;
  // running or exporting: the step and its (k/n) within 1..99 (progress.ts); never 100 before the job is done
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

/** A job the server no longer knows (a 404: deleted, state 10) */
export function goneJob(name: string, id: string, plainText: (html: string) => string): RemoteJobState & { messages: string[] } {
  return { ...mapJob({ id, state: 10 }, plainText), rawState: '404', message: `${name} no longer knows job ${id}`, messages: [] };
}
