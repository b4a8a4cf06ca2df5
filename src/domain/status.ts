/**
 * A child job's statuses (DESIGN §4) and its submission bookkeeping. Adapters translate a server's state
 * words into these once (their states.ts); everything else speaks only these.
 */
export const CHILD_STATUSES = ['queued', 'running', 'completed', 'failed', 'canceled'] as const;
export type ChildStatus = (typeof CHILD_STATUSES)[number];
export const TERMINAL: ReadonlySet<ChildStatus> = new Set(['completed', 'failed', 'canceled']);

export function isTerminal(status: ChildStatus): boolean {
  return TERMINAL.has(status);
}

export function isChildStatus(value: string): value is ChildStatus {
  return (CHILD_STATUSES as readonly string[]).includes(value);
}

/** submission bookkeeping of a child (crash safety, per-user slots) */
export type SubmitState =
  /** recorded, no attempt yet */
  | 'pending'
  /** a live process holds the lease and is uploading */
  | 'submitting'
  /** the service gave us a remote id */
  | 'submitted'
  /** the service gave us a remote id, and a cancel asked for during the upload is not confirmed yet */
  | 'cancel-pending'
  /** the per-user job limit was reached; poll/watch submit it when a slot frees */
  | 'waiting-slot'
  /** the POST got no usable answer: find it again on the service before resubmitting */
  | 'unconfirmed'
  /** the service refused it (child failed) */
  | 'rejected'
  /**
   * accepted once, but the service has lost it since (a Michigan job left dead, state -1, by a server
   * restart; a WES run the server no longer knows): nothing happens by waiting, the user retries or cancels
   */
  | 'lost';

/** an unfinished child its service has lost: `retry` resubmits it, `cancel` settles it */
export function isLost(child: { status: ChildStatus; submit_state: SubmitState | null }): boolean {
  return child.submit_state === 'lost' && !TERMINAL.has(child.status);
}
