/** The imputationserver2 steps and their HTML log messages (types: 0 OK, 1 ERROR, 2 WARNING, 3 RUNNING). */
import type { EmulatorJob, LogMessage, Step } from './types.js';

const message = (text: string, type: LogMessage['type'], time: number): LogMessage => ({ message: text, type, time });

function validationStep(job: EmulatorJob): Step {
  const stats = job.validated;
  return {
    id: 1,
    name: 'Input Validation',
    logMessages: [
      message(`${job.files.length} valid VCF file(s) found.<br><br><b>Samples:</b> ${stats?.samples ?? 0}<br><b>Chromosomes:</b> ${stats?.chromosomes.join(' ') ?? ''}` +
        `<br><b>SNPs:</b> ${stats?.records ?? 0}<br><b>Chunks:</b> ${stats?.chunks ?? 0}<br><b>Datatype:</b> ${stats?.phased ? 'phased' : 'unphased'}` +
        `<br><b>Build:</b> ${job.params.build ?? 'hg19'}<br><b>Reference Panel:</b> ${job.params.refpanel}<br><b>Population:</b> ${job.params.population ?? 'off'}` +
        `<br><b>Phasing:</b> ${job.params.phasing ?? 'eagle'}<br><b>Mode:</b> ${job.params.mode ?? 'imputation'}`, 0, job.startTime),
    ],
  };
}

function qcStep(job: EmulatorJob): Step {
  return {
    id: 2,
    name: 'Quality Control',
    logMessages: [
      message('Uploaded data is ' + (job.params.build ?? 'hg19') + ' and reference is ' + (job.params.refpanel ?? '') + '.', 0, job.startTime),
      message(`<b>Statistics:</b> <br>Alternative allele frequency > 0.5 sites: 0<br>Reference Overlap: 100.00 %<br>` +
        `Match: ${job.validated?.records ?? 0}<br>Allele switch: 0<br>Strand flip: 0<br>Excluded sites in total: 0<br>Remaining sites in total: ${job.validated?.records ?? 0}`, 0, job.startTime),
    ],
  };
}

export function runningSteps(job: EmulatorJob, done: number, total: number, exporting: boolean, now: number): Step[] {
  const steps = [validationStep(job), qcStep(job)];
  if (job.params.mode && job.params.mode !== 'imputation') return steps;
  steps.push({ id: 3, name: 'Phasing and Imputation', logMessages: [message(`<b>Imputation (${done}/${total})</b>`, exporting ? 0 : 3, now)] });
  if (exporting) steps.push({ id: 4, name: 'Summary', logMessages: [message('Exporting data...', 3, now)] });
  return steps;
}

export function doneSteps(job: EmulatorJob, now: number): Step[] {
  const total = job.validated?.chunks ?? 1;
  const steps = runningSteps(job, total, total, true, now);
  const summary = steps.find((step) => step.name === 'Summary') ?? { id: 4, name: 'Summary', logMessages: [] };
  summary.logMessages = [message('Data have been exported successfully. We have sent a notification email to your address.', 0, job.endTime || now)];
  if (!steps.includes(summary)) steps.push(summary);
  return steps;
}

export function failedSteps(job: EmulatorJob, where: 'validation' | 'imputation', errors: string[], now: number): Step[] {
  const errorMessages = errors.map((text) => message(escapeHtml(text), 1, now));
  if (where === 'validation') return [{ id: 1, name: 'Input Validation', logMessages: errorMessages }];
  return [validationStep(job), qcStep(job), { id: 3, name: 'Phasing and Imputation', logMessages: errorMessages }];
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
