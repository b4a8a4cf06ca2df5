/**
 * The emulator's runs: state is computed lazily from wall time (no timers), outputs are materialised on
 * first sight of COMPLETE with contents derived only from the run's inputs (the same inputs give the same
 * bytes, so tests can compare downloads with expectedOutputs()).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
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
  outputs?: Map<string, Buffer>;
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
  return run.outcome.kind === 'end' ? run.outcome.state : 'COMPLETE';
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
  const planned = run.createdAt + timing.queuedMs + timing.initializingMs + timing.runningMs;
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

/** The output files of a COMPLETE run, keyed by relative name; deterministic from the inputs. */
export function buildOutputs(run: Run): Map<string, Buffer> {
  const sample = sampleName(run);
  const fingerprint = createHash('sha1')
    .update(JSON.stringify(run.request.workflow_params))
    .update(run.attachments.map((file) => `${file.name}:${file.size}`).join(','))
    .digest('hex');
  const vcf =
    '##fileformat=VCFv4.2\n' +
    `##source=fedimpute-wes-emulator ${fingerprint}\n` +
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n' +
    '##FORMAT=<ID=DS,Number=1,Type=Float,Description="Dosage">\n' +
    `#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t${sample}\n` +
    '20\t60343\t20:60343:G:A\tG\tA\t.\tPASS\tR2=0.91\tGT:DS\t0|0:0.012\n' +
    '20\t60419\t20:60419:A:G\tA\tG\t.\tPASS\tR2=0.87\tGT:DS\t0|1:1.004\n';
  const info = 'SNP\tREF(0)\tALT(1)\tALT_Frq\tMAF\tAvgCall\tRsq\n20:60343:G:A\tG\tA\t0.01\t0.01\t0.99\t0.91\n';
  const log = `imputation of ${sample} finished\ninputs ${fingerprint}\n`;
  return new Map([
    [`imputed/${sample}.dose.vcf.gz`, gzipSync(vcf, { level: 6 })],
    [`imputed/${sample}.info.gz`, gzipSync(info, { level: 6 })],
    ['logs/run.log', Buffer.from(log)],
  ]);
}

export const OUTPUT_KEYS = ['imputed_dose', 'imputed_info', 'log'] as const;

/** Writes the outputs once; returns name → absolute path. */
export function materialise(run: Run): Map<string, string> {
  if (!run.outputs) {
    run.outputs = buildOutputs(run);
    for (const [name, content] of run.outputs) {
      const path = join(run.dir, 'outputs', name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
  }
  return new Map([...run.outputs.keys()].map((name) => [name, join(run.dir, 'outputs', name)]));
}

export function deleteOutputFile(run: Run, name: string): void {
  materialise(run);
  run.deleted.add(name);
  rmSync(join(run.dir, 'outputs', name), { force: true });
}

export function sha1(content: Buffer): string {
  return createHash('sha1').update(content).digest('hex');
}
