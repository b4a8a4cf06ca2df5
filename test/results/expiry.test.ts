/**
 * results_expire_at: the refresh sets it for Michigan children from the adapter (deletedOn, else end + 7 days),
 * `status --json` shows it and the TTY table warns under 48 h. AES-256 zips extract like ZipCrypto ones.
 */
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expiryNote } from '../../src/output/jobs.js';
import { createStyle } from '../../src/output/style.js';
import { extractFile } from '../../src/results/extract.js';
import { DEFAULT_LIMITS } from '../../src/results/zip/limits.js';
import type { JobRow } from '../../src/store/rows.js';
import { runStatus } from '../../src/commands/status.js';
import { runSubmit } from '../../src/commands/submit.js';
import { runWatch } from '../../src/commands/watch.js';
import { startFederation, type Federation } from '../helpers/federation.js';
import { jobRows } from '../helpers/store.js';

const HOUR = 3_600_000;
let fed: Federation;
beforeAll(async () => {
  // a retention of one day: once the server sends its retirement notice (state 8), deletedOn is a day after the end
  fed = await startFederation({ michigan: [{ retentionMs: 24 * HOUR }, {}] });
});
afterAll(async () => fed?.close());

describe('results expiry', () => {
  test('set on completed Michigan children; under 48 h the status table warns', async () => {
    const vcf = await fed.vcf('expiry.vcf.gz');
    const submitted = JSON.parse((await fed.call(runSubmit, { files: [vcf], services: '1,2' }, { json: true })).stdout);
    const first = submitted.child_jobs.find((child: { service_id: number }) => child.service_id === 1);
    await fed.michigan[0].setState(first.remote_job_id, 8);
    expect((await fed.call(runWatch, { parent: 'last', interval: '0.1' })).code).toBe(0);
    const status = JSON.parse((await fed.call(runStatus, { parent: 'last' }, { json: true })).stdout);
    const children = status.children ?? status.child_jobs;
    const expiry = (serviceId: number) => Date.parse(children.find((child: { service_id: number }) => child.service_id === serviceId).results_expire_at);
    const now = Date.now();
    expect(expiry(1) - now).toBeGreaterThan(23 * HOUR);
    expect(expiry(1) - now).toBeLessThanOrEqual(24 * HOUR);
    expect(expiry(2) - now).toBeGreaterThan(6.9 * 24 * HOUR);
    const rows = jobRows(fed.db).filter((row) => row.parent_job_id === submitted.parent_job_id) as unknown as JobRow[];
    const style = createStyle(false);
    expect(expiryNote(rows.find((row) => row.service_id === 1)!, style, new Date())).toMatch(/^⚠ results deleted in 2[34] hours$/);
    expect(expiryNote(rows.find((row) => row.service_id === 2)!, style, new Date())).toMatch(/^results deleted in 6 days$/);
  });

  test('AES-256 zips (aesEncryption) decrypt and extract too', async () => {
    const { ZipWriter, configure } = await import('@zip.js/zip.js');
    configure({ useWebWorkers: false });
    const dir = mkdtempSync(join(tmpdir(), 'fedimpute-aes-'));
    const content = gzipSync(Buffer.from('##fileformat=VCFv4.1\n'.repeat(5000)));
    const zip = new ZipWriter(Writable.toWeb(createWriteStream(join(dir, 'chr_1.zip'))) as WritableStream<Uint8Array>);
    await zip.add('chr1.dose.vcf.gz', Readable.toWeb(Readable.from([content])) as unknown as ReadableStream<Uint8Array>, { password: 'Abcdefghij0123456789', encryptionStrength: 3 });
    await zip.close();
    const entries = await extractFile(join(dir, 'chr_1.zip'), { password: 'Abcdefghij0123456789', folder: join(dir, 'out'), limits: DEFAULT_LIMITS });
    expect(entries.map((entry) => [entry.name, entry.size])).toEqual([['chr1.dose.vcf.gz', content.length]]);
    expect(readFileSync(join(dir, 'out', 'chr1.dose.vcf.gz')).equals(content)).toBe(true);
    await expect(extractFile(join(dir, 'chr_1.zip'), { password: 'Wrong0000000000000000', folder: join(dir, 'bad'), limits: DEFAULT_LIMITS })).rejects.toMatchObject({ problem: 'password' });
  });
});
