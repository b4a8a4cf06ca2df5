/**
 * What a service reports about a job, turned into a change of the child. Adapters have already mapped
 * the server's state word to a status (null: it does not map, keep the previous one).
 */
import type { ChildPatch } from './job.js';
import type { ChildStatus, SubmitState } from './status.js';

/** the part of an adapter's RemoteJobState that decides the child's state */
export interface RemoteReport {
  /** null: the service's state does not map (WES UNKNOWN) — keep the previous status */
  status: ChildStatus | null;
  /** the service's own state word/code, e.g. "4" or "COMPLETE" */
  rawState: string;
  /** 0..100 when the protocol gives a signal ((k/n) steps, WES tasks) */
  progress?: number;
  /** Michigan positionInQueue (when >= 0) */
  queuePosition?: number;
  /** current step, e.g. "Imputation (3/22)" */
  step?: string;
  /** the service's error text for failed jobs (HTML stripped), else the latest message */
  message?: string;
  /** extra advice about the state, e.g. for Michigan state -1 why it is lost */
  hint?: string;
  /** when the server deletes the results (Michigan: deletedOn, else end + 7 days) */
  resultsExpireAt?: string;
  /** results are gone for good (Michigan 7, 10, or a job the server no longer knows) */
  retired?: boolean;
  /**
   * the service has lost the job (Michigan -1 after a server restart, a WES run it no longer knows):
   * it will not move on by itself; the child stays unfinished until the user retries or cancels it
   */
  lost?: boolean;
}

/** does the report say anything the child does not show yet (worth a detail request)? */
export function reportDiffers(
  child: { status: ChildStatus; remote_state: string | null; queue_position: number | null },
  report: RemoteReport,
): boolean {
  return (
    report.rawState !== child.remote_state ||
    (report.status !== null && report.status !== child.status) ||
    (report.queuePosition ?? null) !== child.queue_position
  );
}

interface ChildSeen {
  status: ChildStatus;
  last_error: string | null;
  submit_state?: SubmitState | null;
  cancel_requested_at?: string | null;
}

export function patchFromReport(remote: RemoteReport, child: ChildSeen): ChildPatch {
  const report = reinterpret(remote, child);
  const patch: ChildPatch = { remote_state: report.rawState };
  if (report.status !== null) patch.status = report.status;
  if (report.progress !== undefined) patch.progress = report.progress;
  patch.queue_position = report.queuePosition ?? null;
  if (report.step !== undefined) patch.step = report.step;
  const message = report.hint ? `${report.message ?? ''}${report.message ? ' — ' : ''}${report.hint}` : report.message;
  // a new state without a message of its own must not keep the old one ("submitted" on a finished run)
  if (message !== undefined) patch.message = message;
  else if (report.status !== null && report.status !== child.status) patch.message = null;
  if (report.status === 'failed') patch.last_error = message ?? child.last_error ?? `the service reports state ${report.rawState}`;
  if (report.resultsExpireAt) patch.results_expire_at = report.resultsExpireAt;
  // completed means 100 %, whatever the last progress report said (transition.ts keeps the rest below 100)
  if (report.status === 'completed') patch.progress = 100;
  // lost, or found again (an administrator restarted a dead Michigan job)
  if (report.lost) patch.submit_state = 'lost';
  else if (child.submit_state === 'lost') patch.submit_state = 'submitted';
  return patch;
}

/** the report in the child's terms: what the user already decided and what was seen before count */
function reinterpret(remote: RemoteReport, child: ChildSeen): RemoteReport {
  // A retired or deleted job maps to 'completed' so that a child that did complete keeps its status. A child
  // we never saw complete must not become 'completed' (parent 100 %, watch exit 0, nothing to download):
  // its results are gone whatever happened, so it failed.
  if (remote.retired && remote.status === 'completed' && child.status !== 'completed') {
    return { ...remote, status: 'failed', progress: undefined, hint: `${remote.hint ?? 'the server deleted the job'} before it was seen to finish` };
  }
  // Cancel means stop (DESIGN §6): a job the user canceled (or interrupted) that the service finished anyway
  // is not completed for fedimpute: the parent does not count it and `download` does not fetch it.
  if (remote.status === 'completed' && child.cancel_requested_at && child.status !== 'completed') {
    return { ...remote, status: 'canceled', progress: undefined, message: 'canceled; the service finished the job anyway, its results are not fetched', hint: undefined };
  }
  if (remote.lost) return { ...remote, status: null };
  return remote;
}
