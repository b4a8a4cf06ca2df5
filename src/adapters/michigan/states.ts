/**
 * Cloudgene job states → fedimpute child statuses, one exhaustive table (protocols/michigan.md "States").
 * -1 (DEAD: the server restarted while the job waited or ran) is not terminal: it maps to null (the child
 * keeps its status) and `lost` (nothing happens by waiting; the user retries or cancels it, and an
 * administrator's restart would bring it back). 7 and 10 are terminal with the results gone.
 */
import type { ChildStatus } from '../../domain/status.js';

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
