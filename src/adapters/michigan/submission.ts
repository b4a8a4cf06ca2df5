/**
 * A Michigan submission as pure functions: the multipart form of POST /jobs/submit/imputationserver2
 * (checkboxes are on by presence; the job-name carries the child id so that an interrupted submit can be
 * found again) and what the server's answer means: accepted, no free slot, refused, or trouble that may
 * have created the job anyway.
 */
import { RemoteError } from '../../errors.js';
import type { MichiganService } from '../../registry/types.js';
import type { FormPart } from '../multipart.js';
import type { SubmitOutcome, SubmitRequest } from '../types.js';

/** Cloudgene's answer when the per-user limit of jobs at once is reached */
const NO_SLOT = /Only \d+ jobs? per user can be executed simultaneously/i;

export function submitForm(service: MichiganService, request: SubmitRequest): FormPart[] | { rejected: string } {
  const panel = service.panels.find((candidate) => candidate.id === request.panelId);
  if (!panel) return { rejected: `panel ${request.panelId} is not configured for ${service.name}` };
  const population = request.population ?? (panel.populations.length === 0 || panel.populations.includes('off') ? 'off' : undefined);
  if (!population) return { rejected: `panel ${panel.name} needs a population (${panel.populations.join(', ')})` };
  const parts: FormPart[] = request.files.map((file) => ({
    name: 'files',
    filename: file.name.endsWith('.vcf.gz') ? file.name : `${file.name.replace(/\.(vcf|gz|bgz)$/g, '')}.vcf.gz`,
    path: file.path,
    size: file.size,
  }));
  const field = (name: string, value: string) => parts.push({ name, value });
  field('refpanel', panel.remote_id);
  field('population', population);
  field('build', request.build);
  field('phasing', request.phasing);
  field('r2Filter', request.r2Filter ?? '0');
  field('mode', request.mode === 'qc-only' ? 'qc_only' : 'imputation');
  // checkboxes: presence means on, whatever the value
  if (request.aesEncryption) field('aesEncryption', 'yes');
  if (request.meta) field('meta', 'yes');
  if (request.password) field('password', request.password);
  field('job-name', request.jobName);
  return parts;
}

/**
 * A refusal (other than 200, 401/403, a redirect away) as an outcome, or the RemoteError of a server in
 * trouble. `message` is the server's error text, already cleaned and redacted.
 */
export function submitRefusal(name: string, status: number, message: string): Exclude<SubmitOutcome, { kind: 'submitted' }> | RemoteError {
  if (status === 400 && NO_SLOT.test(message)) return { kind: 'no-slot', message };
  if (status === 413) return { kind: 'rejected', message: `${name} refused the upload as too large (HTTP 413): ${message}` };
  if (status === 400 || status === 422) return { kind: 'rejected', message };
  return new RemoteError(name, `${name}: submission failed (HTTP ${status}): ${message}`, {
    status,
    retryable: status >= 500 || status === 429,
    hint: 'the job may have been created anyway; it is looked up by its job name before any new submission',
  });
}
