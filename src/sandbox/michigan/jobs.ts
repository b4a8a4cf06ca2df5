/**
 * Jobs and their lazy progression on the emulator's clock: nothing runs on timers; every request first brings the jobs it
 * reads up to date (refresh). 1 waiting → 2 running (deferred validation, (k/n) steps) → 3 exporting →
 * 4 success or 5 failed; after retention 8/9 (deletedOn set) then 7 (files gone). Scripts pin a state.
 */
import { rm } from 'node:fs/promises';
import type { EmulatorClock } from '../clock.js';
import { imputeJob, type ImputationSettings } from './imputation.js';
import { findPanel } from './panels.js';
import { writeChromosomeZips, writeQcFiles, type ResultSettings } from './results.js';
import { doneSteps, runningSteps, failedSteps } from './steps.js';
import type { EmulatorJob, EmulatorPanel, EmulatorTiming, ImputedChromosome, ScriptedOutcome } from './types.js';
import { validateInput } from './validation.js';

export interface JobSettings extends ResultSettings {
  clock: EmulatorClock;
  timing: EmulatorTiming;
  retentionMs: number;
  panels: EmulatorPanel[];
  maxSamples: number;
  maxRecords: number;
  imputation: ImputationSettings;
}

const FINISHED = new Set([4, 5, 6]);
/** anything but mode=imputation runs QC only */
const imputes = (job: EmulatorJob) => job.params.mode === undefined || job.params.mode === 'imputation';
export const ACTIVE = new Set([1, 2, 3]);

export class JobStore {
  readonly jobs: EmulatorJob[] = [];
  readonly scripts: ScriptedOutcome[] = [];
  private lastId = '';

  constructor(readonly settings: JobSettings) {}

  /** job-YYYYMMDD-HHMMSS-mmm, unique even for jobs submitted in the same millisecond */
  newId(now = this.settings.clock.now()): string {
    for (let time = now; ; time++) {
      const iso = new Date(time).toISOString();
      const id = `job-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${iso.slice(20, 23)}`;
      if (id > this.lastId) return (this.lastId = id);
    }
  }

  find(id: string): EmulatorJob | undefined {
    return this.jobs.find((job) => job.id === id);
  }

  /** 1-based place among the waiting jobs: by when each (re)entered the queue, then in submission order */
  positionInQueue(job: EmulatorJob): number {
    if (job.state !== 1) return -1;
    const order = this.jobs.indexOf(job);
    return this.jobs.filter((other, index) => other.state === 1 && (other.clock < job.clock || (other.clock === job.clock && index <= order))).length;
  }

  async refreshAll(now = this.settings.clock.now()): Promise<void> {
    for (const job of this.jobs) await this.refresh(job, now);
  }

  async refresh(job: EmulatorJob, now = this.settings.clock.now()): Promise<void> {
    if (job.pinned === null) await this.progress(job, now);
    else await this.settlePinned(job);
    this.retire(job, now);
  }

  private async progress(job: EmulatorJob, now: number): Promise<void> {
    const { queuedMs, runningMs, exportingMs } = this.settings.timing;
    const elapsed = now - job.clock;
    if (elapsed < queuedMs) return void (job.state = 1);
    job.state = 2;
    if (!job.startTime) job.startTime = job.clock + queuedMs;
    const panel = findPanel(this.settings.panels, job.params.refpanel ?? '')!;
    job.validation ??= validateInput({
      files: job.files, build: job.params.build ?? 'hg19', panel, population: job.params.population ?? 'off',
      phasing: job.params.phasing ?? 'eagle', maxSamples: this.settings.maxSamples, maxRecords: this.settings.maxRecords,
    });
    job.validated = await job.validation;
    if (job.pinned !== null) return; // canceled while validating
    if (job.validated.errors.length) return this.fail(job, failedSteps(job, 'validation', job.validated.errors, now), now);
    if (job.script && 'fail' in job.script) return this.fail(job, failedSteps(job, 'imputation', [job.script.fail], now), now);
    // imputation starts once the input is valid: it is the long part of a real run
    if (imputes(job)) job.imputed ??= this.startImputation(job);
    if (job.imputationError) return this.fail(job, failedSteps(job, 'imputation', [job.imputationError], now), now);
    const total = job.validated.chunks;
    if (elapsed < queuedMs + runningMs || (job.script && 'hang' in job.script)) {
      const fraction = Math.min(0.99, (elapsed - queuedMs) / runningMs);
      job.steps = runningSteps(job, Math.min(total, Math.floor(fraction * total) + 1), total, false, now);
      return;
    }
    job.state = 3;
    job.steps = runningSteps(job, total, total, true, now);
    job.results ??= this.writeResults(job);
    if (elapsed < queuedMs + runningMs + exportingMs || !job.resultsReady) return;
    job.state = 4;
    job.endTime ||= Math.max(now - (elapsed - queuedMs - runningMs - exportingMs), job.startTime);
    job.steps = doneSteps(job, now);
  }

  private startImputation(job: EmulatorJob): Promise<ImputedChromosome[]> {
    const imputed = imputeJob(job, this.settings.imputation);
    imputed.catch((error: unknown) => (job.imputationError = `Error: Imputation failed: ${(error as Error).message}`));
    return imputed;
  }

  private async writeResults(job: EmulatorJob): Promise<void> {
    await writeQcFiles(job, this.settings);
    if (imputes(job)) {
      const imputed = await (job.imputed ??= this.startImputation(job)).catch(() => undefined);
      if (!imputed) return; // the next refresh fails the job with the reason
      await writeChromosomeZips(job, this.settings, imputed);
    }
    job.resultsReady = true;
  }

  private async fail(job: EmulatorJob, steps: EmulatorJob['steps'], now: number): Promise<void> {
    job.steps = steps;
    job.pinned = job.state = 5;
    job.endTime = now;
    await writeQcFiles(job, this.settings);
  }

  /** A scripted success needs its files; a scripted failure its QC statistics. */
  private async settlePinned(job: EmulatorJob): Promise<void> {
    job.state = job.pinned!;
    if (job.state === 4 || job.state === 8) {
      if (!job.validated && job.files.length) job.validated = await (job.validation ??= this.validation(job));
      await (job.results ??= this.writeResults(job));
      if (job.steps.length === 0 || job.steps.length < 4) job.steps = doneSteps(job, this.settings.clock.now());
    }
    if ((job.state === 5 || job.state === 9) && findPanel(this.settings.panels, job.params.refpanel ?? ''))
      await writeQcFiles(job, this.settings);
  }

  private validation(job: EmulatorJob) {
    const panel = findPanel(this.settings.panels, job.params.refpanel ?? '') ?? this.settings.panels[0];
    return validateInput({ files: job.files, build: job.params.build ?? 'hg19', panel, population: 'off', phasing: 'eagle',
      maxSamples: this.settings.maxSamples, maxRecords: this.settings.maxRecords });
  }

  /** Retention: the notice (deletedOn set, 8/9) comes 2/7 of the period before the data goes (7). */
  private retire(job: EmulatorJob, now: number): void {
    if (!job.endTime || !(FINISHED.has(job.state) || job.state === 8 || job.state === 9)) return;
    const deadline = job.endTime + this.settings.retentionMs;
    if (now >= deadline) {
      job.pinned = job.state = 7;
      job.deletedOn = deadline;
      for (const output of job.outputs) output.gone = true;
      void rm(`${job.dir}/outputs`, { recursive: true, force: true });
    } else if (now >= deadline - (this.settings.retentionMs * 2) / 7 && job.deletedOn < 0) {
      job.deletedOn = deadline;
      job.pinned = job.state = job.state === 4 ? 8 : 9;
    }
  }

  /** What a server restart does: waiting and running jobs die (-1). */
  restartServer(): void {
    for (const job of this.jobs) if (ACTIVE.has(job.state)) job.pinned = job.state = -1;
  }
}
