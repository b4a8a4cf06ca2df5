/** submit --meta / --no-meta and `meta: true` per service: what each service is asked for, and what is recorded. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runForm } from '../../src/adapters/wes/form.js';
import type { SubmitRequest } from '../../src/adapters/types.js';
import { runSubmit, type SubmitCommandOptions } from '../../src/commands/submit.js';
import type { WesService } from '../../src/registry/types.js';
import { startFederation, type Federation } from '../helpers/federation.js';
import { jobRows } from '../helpers/store.js';

let fed: Federation;
let vcf: string;
// a fresh federation per test: each service takes two jobs at once
beforeEach(async () => {
  // mich1 asks for meta output by default (registry), mich2 does not
  fed = await startFederation({ michigan: [{}, {}], extra: { mich1: '    meta: true' } });
  vcf = await fed.vcf('study.vcf.gz');
});
afterEach(() => fed.close());

/** runSubmit with these options, or (an array) the argv `submit --services 1,2 <flags> study.vcf.gz` */
async function submit(options: Partial<SubmitCommandOptions> | string[]) {
  const before = fed.michigan.map((emulator) => emulator.jobs.length);
  const { code, stderr } = Array.isArray(options)
    ? await fed.cli(['submit', '--services', '1,2', ...options, vcf], { json: true })
    : await fed.call(runSubmit, { services: '1,2', files: [vcf], ...options }, { json: true });
  expect(code).toBe(0);
  const params = fed.michigan.map((emulator, index) => emulator.jobs[before[index]].params);
  return { params, stderr };
}

describe('submit --meta', () => {
  it('the registry default asks only that service; the choice is kept in the child\'s options', async () => {
    const { params } = await submit({});
    expect(params[0]).toHaveProperty('meta');
    // a checkbox: presence means on, so the other service gets no field at all
    expect(params[1]).not.toHaveProperty('meta');
    const children = jobRows(fed.db).filter((row) => row.parent_job_id !== null).slice(-2);
    expect(children.map((row) => JSON.parse(String(row.options)).meta)).toEqual([true, false]);
  });

  it('--meta asks every service and warns that services phase the input apart; --no-meta asks none', async () => {
    const both = await submit(['--meta']);
    expect(both.params.every((form) => 'meta' in form)).toBe(true);
    expect(both.stderr).toMatch(/warning: meta-imputation needs every service to impute the same haplotypes.*--no-phasing/);
    const none = await submit(['--no-meta', '--no-phasing']);
    expect(none.params.some((form) => 'meta' in form)).toBe(false);
    expect(none.stderr).not.toMatch(/meta-imputation/);
  });
});

describe('WES {{meta}}', () => {
  it('renders the boolean into the workflow params', () => {
    const service = {
      slug: 'ilifu', name: 'ilifu', type: 'wes', input: { mode: 'attachment' }, params: { empirical: '{{meta}}', label: 'meta={{meta}}' },
      workflow: { url: 'impute.cwl', type: 'CWL', version: 'v1.2', attachments: [], engine_parameters: {} },
      panels: [{ id: 39, name: 'p', build: 'hg38', populations: [], params: {} }],
    } as unknown as WesService;
    const request = { parentId: 'p', childId: 'c', jobName: 'j', files: [], panelId: 39, build: 'hg38', phasing: 'eagle', mode: 'imputation' } as SubmitRequest;
    const params = (meta: boolean | undefined) => {
      const form = runForm(service, { ...request, meta }, false) as { name: string; value: string }[];
      return JSON.parse(form.find((part) => part.name === 'workflow_params')!.value);
    };
    expect(params(true)).toEqual({ empirical: true, label: 'meta=true' });
    expect(params(undefined)).toEqual({ empirical: false, label: 'meta=false' });
  });
});
