/**
 * How far a Cloudgene job is, from what it shows (protocols/michigan.md "Progress and errors": no
 * percentage exists, only the state, the steps and `(k/n)` in step messages). Each imputationserver2 step
 * gets a share of 1..99 %; `Imputation (k/n)` moves within its share; exporting (state 3) is the last one.
 * A running job is never 100 %: `Imputation (1/1)` done is the imputation step done, not the job.
 */

/** [from, to] percent of the job each step covers, in the order the workflow runs them */
const STEPS: readonly { name: RegExp; from: number; to: number }[] = [
  { name: /validation/i, from: 1, to: 5 },
  { name: /quality control|\bqc\b/i, from: 5, to: 12 },
  { name: /phasing|imputation/i, from: 12, to: 90 },
  { name: /summary|export/i, from: 90, to: 99 },
];

const FRACTION = /\((\d+)\s*\/\s*(\d+)\)/;

export interface StepMessage {
  step: string;
  /** plain text */
  text: string;
}

/**
 * Progress of a job in Cloudgene state 2 or 3 (running, exporting), 1..99; undefined for any other state
 * (queued is 0, finished is decided by the status).
 */
export function michiganProgress(state: number, messages: readonly StepMessage[]): number | undefined {
  if (state !== 2 && state !== 3) return undefined;
  // exporting (state 3): the results are being written; the end is near but not there
  if (state === 3) return 95;
  const last = messages.at(-1);
  const share = last ? STEPS.find((candidate) => candidate.name.test(last.step)) : undefined;
  if (!share) return 1;
  const fraction = [...messages].reverse().find((message) => FRACTION.test(message.text) && share.name.test(message.step));
  const match = fraction ? FRACTION.exec(fraction.text) : null;
  if (!match || Number(match[2]) <= 0) return share.from;
  const done = Math.min(1, Number(match[1]) / Number(match[2]));
  return Math.min(share.to - 1, Math.round(share.from + done * (share.to - 1 - share.from)));
}
