/**
 * The emulator's runs: state is computed lazily from the emulator's clock (no timers). The workflow (workflow.ts)
 * starts when the run is created; a run whose time is up stays RUNNING until its outputs exist, as a real
 * workflow takes as long as it takes.
 */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AttachmentInfo, EmulatorState, RunRequestInfo, ScriptedOutcome, WesTiming } from './types.js';

export const TERMINAL_STATES: ReadonlySet<EmulatorState> = new Set([
  'COMPLETE',
  'EXECUTOR_ERROR',
  'SYSTEM_ERROR',
  'CANCELED',
  'PREEMPTED',
]);

const TASKS = ['quality-control', 'phasing', 'imputation', 'compression'] as const;

export interface Run {
  id: string;
  createdAt: number;
  request: RunRequestInfo;
  attachments: AttachmentInfo[];
  /** how the run ends when its time is up */
  outcome: { kind: 'complete' } | { kind: 'hang' } | { kind: 'end'; state: EmulatorState; message: string };
  /** set by setState, cancel, restart: wins over the timeline */
  forced?: { state: EmulatorState; at: number; message?: string };
  statusCalls: number;
  dir: string;
  /** the workflow (workflow.ts) while it runs, its outputs by relative name and when it finished */
  workflow?: Promise<void>;
  stopWorkflow?: () => void;
  outputs?: Map<string, Buffer>;
  finishedAt?: number;
  deleted: Set<string>;
}

export function outcomeOf(script: ScriptedOutcome | undefined): Run['outcome'] {
  if (!script) return { kind: 'complete' };
  if ('hang' in script) return { kind: 'hang' };
  if ('fail' in script) return { kind: 'end', state: 'EXECUTOR_ERROR', message: script.fail };
  if (script.state === 'COMPLETE') return { kind: 'complete' };
  return { kind: 'end', state: script.state, message: `scripted ${script.state}` };
}

export function stateOf(run: Run, timing: WesTiming, now: number): EmulatorState {
  if (run.forced) {
    if (run.forced.state === 'CANCELING' && now - run.forced.at >= timing.initializingMs) return 'CANCELED';
    return run.forced.state;
  }
  const elapsed = now - run.createdAt;
  if (elapsed < timing.queuedMs) return 'QUEUED';
  if (elapsed < timing.queuedMs + timing.initializingMs) return 'INITIALIZING';
  if (elapsed < timing.queuedMs + timing.initializingMs + timing.runningMs) return 'RUNNING';
  if (run.outcome.kind === 'hang') return 'RUNNING';
  if (run.outcome.kind === 'end') return run.outcome.state;
  return run.outputs ? 'COMPLETE' : 'RUNNING';
}

export function failureMessage(run: Run, state: EmulatorState): string | undefined {
  if (run.forced?.message) return run.forced.message;
  if (run.outcome.kind === 'end' && state === run.outcome.state) return run.outcome.message;
  if (state === 'EXECUTOR_ERROR' || state === 'SYSTEM_ERROR' || state === 'PREEMPTED') return `run ended ${state}`;
  return undefined;
}

export function startTime(run: Run, timing: WesTiming, state: EmulatorState): string | undefined {
  if (state === 'QUEUED' || state === 'INITIALIZING') return undefined;
  return new Date(run.createdAt + timing.queuedMs + timing.initializingMs).toISOString();
}

export function endTime(run: Run, timing: WesTiming, state: EmulatorState): string | undefined {
  if (!TERMINAL_STATES.has(state)) return undefined;
  const planned = Math.max(run.createdAt + timing.queuedMs + timing.initializingMs + timing.runningMs, run.finishedAt ?? 0);
  return new Date(run.forced ? Math.min(run.forced.at, planned) : planned).toISOString();
}

/** 1.1.0 task list: tasks finish one by one while RUNNING. */
export function tasksOf(run: Run, timing: WesTiming, state: EmulatorState, now: number): Record<string, unknown>[] {
  const started = run.createdAt + timing.queuedMs + timing.initializingMs;
  let done = 0;
  if (state === 'COMPLETE') done = TASKS.length;
  else if (state === 'RUNNING') done = Math.min(TASKS.length - 1, Math.floor(((now - started) / timing.runningMs) * TASKS.length));
  else if (TERMINAL_STATES.has(state)) done = 2;
  else return [];
  const failed = TERMINAL_STATES.has(state) && state !== 'COMPLETE';
  const slice = timing.runningMs / TASKS.length;
  return TASKS.slice(0, failed || state === 'RUNNING' ? done + 1 : done).map((name, index) => {
    const finished = index < done || failed;
    return {
      id: `${run.id}-${index + 1}`,
      name,
      start_time: new Date(started + index * slice).toISOString(),
      ...(finished ? { end_time: new Date(started + (index + 1) * slice).toISOString() } : {}),
      ...(finished ? { exit_code: index < done ? 0 : 1 } : {}),
    };
  });
}

/** The VCF the run works on: first attached .vcf.gz, else the first such name anywhere in the params. */
export function sampleName(run: Run): string {
  const attached = run.attachments.find((file) => /\.vcf(\.b?gz)?$/i.test(file.name));
  const name = attached?.name ?? firstVcfString(run.request.workflow_params) ?? 'sample';
  const base = name.split(/[\\/]/).pop() ?? name;
  return base.replace(/\.vcf(\.b?gz)?$/i, '') || 'sample';
}

function firstVcfString(value: unknown): string | undefined {
  if (typeof value === 'string') return /\.vcf(\.b?gz)?$/i.test(value) ? value : undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = firstVcfString(item);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) {
      const found = firstVcfString(item);
      if (found) return found;
    }
  }
  return undefined;
}

/** the CWL output id of an output file, as the sandbox's impute.cwl names them (registry.ts) */
export function outputKey(name: string): string {
  if (name.endsWith('.empiricalDose.vcf.gz')) return 'imputed_empirical';
  if (name.endsWith('.dose.vcf.gz')) return 'imputed_dose';
  if (name.endsWith('.info.gz')) return 'imputed_info';
  return name === 'logs/run.log' ? 'log' : name;
}

/** name → absolute path of the outputs (none until the workflow finished) */
export function outputPaths(run: Run): Map<string, string> {
  return new Map([...(run.outputs?.keys() ?? [])].map((name) => [name, join(run.dir, 'outputs', name)]));
}

export function deleteOutputFile(run: Run, name: string): void {
  run.deleted.add(name);
  rmSync(join(run.dir, 'outputs', name), { force: true });
}

export function sha1(content: Buffer): string {
  return createHash('sha1').update(content).digest('hex');
}
