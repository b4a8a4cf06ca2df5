/**
 * One service, two panels: `--services 1:37,1:38` makes two children on one Michigan server, and their
 * results land in one folder per panel; the same service and panel twice is refused before anything happens.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runDownload } from '../../src/commands/download.js';
import { runSubmit } from '../../src/commands/submit.js';
import { startFederation, type Federation } from '../helpers/federation.js';
import { dumpStore } from '../helpers/store.js';
import { sha256, submitAndWatch, tree } from './setup.js';

let fed: Federation;
beforeAll(async () => {
  fed = await startFederation({ michigan: [{}] });
});
afterAll(async () => fed?.close());

describe('a service used with two panels', () => {
  test('the same service and panel twice is refused, all problems at once, store unchanged', async () => {
    const vcf = await fed.vcf('dup.vcf.gz');
    const before = dumpStore(fed.db);
    const result = await fed.call(runSubmit, { files: [vcf], services: '1,1:37' });
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe('error: cannot submit: service 1 (mich1) with panel 37 is listed twice; one child per service and panel');
    expect(dumpStore(fed.db)).toBe(before);
  });

  test('two panels of one service: two children, results in <slug>-panel<id>/ each', async () => {
    const job = await submitAndWatch(fed, '1:37,1:38', 'twopanels');
    const out = `${fed.dir}/out`;
    const result = await fed.call(runDownload, { parent: job.parentId, out });
    expect(result.code).toBe(0);
    const files = tree(job.folder(out));
    expect(files).toContain('mich1-panel37/chr20.dose.vcf.gz');
    expect(files).toContain('mich1-panel38/chr20.dose.vcf.gz');
    const [first, second] = fed.michigan[0].jobs;
    const expectedFirst = await fed.michigan[0].expectedResults(first.id);
    const expectedSecond = await fed.michigan[0].expectedResults(second.id);
    const doses = [sha256(`${job.folder(out)}/mich1-panel37/chr20.dose.vcf.gz`), sha256(`${job.folder(out)}/mich1-panel38/chr20.dose.vcf.gz`)].sort();
    expect(doses).toEqual([expectedFirst.get('chr_20.zip/chr20.dose.vcf.gz')!.sha256, expectedSecond.get('chr_20.zip/chr20.dose.vcf.gz')!.sha256].sort());
  });
});
