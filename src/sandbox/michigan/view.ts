/** Job JSON as Cloudgene 3 renders it (list entries and /status without steps). */
import { displaySize } from './results.js';
import type { Context } from './context.js';
import type { EmulatorJob, OutputFile } from './types.js';

const GROUPS: { name: OutputFile['group']; description: string }[] = [
  { name: 'output', description: 'Imputation Results' },
  { name: 'qcreport', description: 'Quality-Control Report' },
  { name: 'statistics', description: 'QC Statistics' },
];

function visibleOutputs(context: Context, job: EmulatorJob): OutputFile[] {
  if (job.state === 7 || job.state === 10 || job.state === -1) return [];
  const filesAt = job.endTime + (context.options.timing?.filesDelayMs ?? 0);
  if ((job.state === 4 || job.state === 8) && context.clock.now() < filesAt) return [];
  if (job.state === 4 || job.state === 8) return job.outputs;
  if (job.state < 5) return [];
  // failed or canceled: QC statistics only
  return job.outputs.filter((output) => output.group !== 'output');
}

export function jobJson(context: Context, job: EmulatorJob, detail: boolean): Record<string, unknown> {
  const base: Record<string, unknown> = {
    id: job.id,
    name: job.name,
    application: `Genotype Imputation (Minimac4) ${context.settings.appVersion}`,
    applicationId: `imputationserver2@${context.settings.appVersion}`,
    state: job.state,
    positionInQueue: context.store.positionInQueue(job),
    submittedOn: job.submittedOn,
    startTime: job.startTime,
    endTime: job.endTime,
    deletedOn: job.deletedOn,
    currentTime: context.clock.now(),
    userAgent: 'fedimpute-sandbox',
    setupStartTime: job.submittedOn,
    setupEndTime: job.startTime,
    complete: job.state >= 4,
    workspaceSize: '',
  };
  if (!detail) return base;
  const outputs = visibleOutputs(context, job);
  return {
    ...base,
    steps: job.steps,
    outputParams: GROUPS.map((group) => ({
      name: group.name,
      description: group.description,
      download: true,
      files: outputs
        .filter((output) => output.group === group.name)
        .map((output) => ({ name: output.name, hash: output.hash, size: displaySize(output.bytes), count: output.count, path: `${job.id}/${group.name}/${output.name}` })),
    })).filter((group) => group.files.length > 0),
  };
}
