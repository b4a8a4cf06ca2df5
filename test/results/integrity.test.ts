/**
 * A result zip the server damaged or a hostile server made: every entry is verified (CRC-32, AES code, gzip
 * magic) and bounded (declared size, ratio, total size, entry count, names) while it streams; a failure is one
 * line for that zip, exit 1, no extracted file left, nothing recorded as good. One federation; each case
 * replaces chr_20.zip on the server and downloads into a fresh folder, in-process (runDownload).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFederation, type Federation } from '../helpers/federation.js';
import { withDb } from '../helpers/store.js';
import { corruptCrc, hasTool, rawZip, renameEntry, resultGzip, zipWith } from './archives.js';
import { runDownload } from '../../src/commands/download.js';
import { submitAndWatch, tree, type Submitted } from './setup.js';

let fed: Federation;
let job: Submitted;
let password: string;
let remote: string;
beforeAll(async () => {
  fed = await startFederation({ michigan: [{ downloadLimit: -1 }] });
  job = await submitAndWatch(fed, '1');
  ({ password, remote } = job.children.mich1);
});
afterAll(async () => fed?.close());

const dose = resultGzip(64);
let runs = 0;
/** serve `zip` as chr_20.zip and download into a new folder */
async function serve(zip: Uint8Array, options: Record<string, unknown> = {}) {
  await fed.michigan[0].replaceOutputFile(remote, 'chr_20.zip', zip);
  const out = join(fed.dir, `out-${runs++}`);
  const result = await fed.call(runDownload, { parent: 'last', out, child: 'mich1', ...options });
  return { ...result, folder: join(job.folder(out), 'mich1') };
}

function made(tool: string, files: Record<string, Uint8Array>, args: (zip: string, names: string[]) => string[]): Buffer {
  const dir = join(fed.dir, `src-${runs++}`);
  mkdirSync(dir);
  return readFileSync(zipWith(dir, files, tool, args));
}

/** what the store records from chr_20.zip in one results folder */
const recorded = (folder: string) =>
  withDb(fed.db, (db) => db.prepare("SELECT name FROM downloads WHERE name LIKE 'chr_20.zip%' AND path LIKE ?").all(`${folder}/%`) as { name: string }[]).map((row) => row.name);

function expectCorrupt(result: { code: number; stderr: string; folder: string }, why: string) {
  expect(result.stderr).toContain(`error: mich1: chr_20.zip: chr20.dose.vcf.gz is corrupt (${why}); the zip is kept; \`fedimpute download\` retries it`);
  expect(result.code).toBe(1);
  // nothing extracted, no part file, the zip kept but not recorded: the next run fetches it again
  expect(tree(result.folder).filter((file) => file.startsWith('chr') || file.startsWith('.'))).toEqual(['chr_20.zip']);
  expect(recorded(result.folder)).toEqual([]);
}

describe('integrity', () => {
  test.skipIf(!hasTool('zip'))('CRC mismatch in a stored entry (zip -0 -P)', async () => {
    const zip = made('zip', { 'chr20.dose.vcf.gz': dose }, (path, names) => ['-q', '-0', '-P', password, path, ...names]);
    expectCorrupt(await serve(corruptCrc(zip, dose)), 'CRC mismatch');
  });

  test.skipIf(!hasTool('zip'))('CRC mismatch in a deflated entry (zip -P), then the repaired zip is fetched again and extracted', async () => {
    const text = Buffer.from('chr20\t1\t.\tA\tC\n'.repeat(20_000));
    const { gzipSync } = await import('node:zlib');
    const level0 = gzipSync(text, { level: 0 });
    const zip = made('zip', { 'chr20.dose.vcf.gz': level0 }, (path, names) => ['-q', '-P', password, path, ...names]);
    const result = await serve(corruptCrc(zip, level0));
    expectCorrupt(result, 'CRC mismatch');
    await fed.michigan[0].replaceOutputFile(remote, 'chr_20.zip', zip);
    const again = await fed.call(runDownload, { parent: 'last', out: join(result.folder, '..', '..'), child: 'mich1' });
    expect(again.code).toBe(0);
    expect(readFileSync(join(result.folder, 'chr20.dose.vcf.gz')).equals(level0)).toBe(true);
  });

  test('CRC mismatch in an unencrypted archive', async () => {
    expectCorrupt(await serve(rawZip([{ name: 'chr20.dose.vcf.gz', content: dose, deflate: true, crc: 12345 }])), 'CRC mismatch');
  });

  test.skipIf(!hasTool('7z'))('AES authentication code mismatch (7z AES-256)', async () => {
    const zip = made('7z', { 'chr20.dose.vcf.gz': dose }, (path, names) => ['a', '-tzip', `-p${password}`, '-mem=AES256', '-mx=0', path, ...names]);
    zip[zip.indexOf('chr20.dose.vcf.gz') + 17 + 11 + 16 + 2 + 1000] ^= 0x01;
    expectCorrupt(await serve(zip), 'AES authentication code mismatch');
  });

  test('an HTML page served as chr_20.zip', async () => {
    const result = await serve(Buffer.from('<!DOCTYPE html><html><body>Service unavailable</body></html>'));
    expect(result.stderr).toContain('error: mich1: chr_20.zip is not a valid zip: it is not a zip archive (it starts with "<!DOCTYPE html><");');
    expect(result.code).toBe(1);
  });

  test('an entry named .vcf.gz that is not gzip data', async () => {
    const result = await serve(rawZip([{ name: 'chr20.dose.vcf.gz', content: Buffer.from('<html>error</html>') }]));
    expect(result.stderr).toContain('error: mich1: chr_20.zip: chr20.dose.vcf.gz is not gzip data (it starts with bytes 3c68); the zip is kept;');
    expect(result.code).toBe(1);
  });
});

describe('bounds', () => {
  const refused = (result: { stderr: string; code: number; folder: string }, what: string) => {
    expect(result.stderr).toContain(`error: mich1: chr_20.zip: ${what}; nothing was extracted; the zip is kept at ${join(result.folder, 'chr_20.zip')}`);
    expect(result.code).toBe(1);
    expect(tree(result.folder).filter((file) => file.startsWith('chr') || file.startsWith('.'))).toEqual(['chr_20.zip']);
  };

  test('an entry that grows past its declared size', async () => {
    refused(await serve(rawZip([{ name: 'chr20.dose.vcf.gz', content: dose, deflate: true, size: 1000 }])), 'chr20.dose.vcf.gz grows past its declared size of 1000 bytes');
  });

  test('a zip bomb: past --max-ratio', async () => {
    const zeros = Buffer.alloc(80 << 20);
    const result = await serve(rawZip([{ name: 'chr20.dose.vcf.gz', content: Buffer.concat([dose.subarray(0, 10), zeros]), deflate: true, descriptor: true }]));
    refused(result, 'chr20.dose.vcf.gz expands more than 10 times the archive\'s size (a zip bomb? the limit is --max-ratio)');
  });

  test('past --max-size', async () => {
    refused(await serve(rawZip([{ name: 'chr20.dose.vcf.gz', content: dose }]), { maxSize: 10_000 }), 'extracting chr20.dose.vcf.gz passes the limit of 10000 bytes per archive (--max-size)');
  });

  test('the limits through the command line: --max-size 9K refuses, a size it cannot read is a usage error (exit 2)', async () => {
    await fed.michigan[0].replaceOutputFile(remote, 'chr_20.zip', rawZip([{ name: 'chr20.dose.vcf.gz', content: dose }]));
    const out = join(fed.dir, `out-${runs++}`);
    const refusedRun = await fed.cli(['download', 'last', '--child', 'mich1', '--out', out, '--max-size', '9K']);
    expect(refusedRun.stderr).toContain('chr_20.zip: extracting chr20.dose.vcf.gz passes the limit of 9216 bytes per archive (--max-size)');
    expect(refusedRun.code).toBe(1);
    const unreadable = await fed.cli(['download', 'last', '--max-size', 'lots']);
    expect(unreadable.stderr).toContain("error: --max-size must be a size such as 500M, 20G or 1T, got 'lots'");
    expect(unreadable.code).toBe(2);
  });

  test('more entries than --max-entries', async () => {
    const entries = Array.from({ length: 5 }, (_, index) => ({ name: `part${index}.txt`, content: Buffer.from('x') }));
    refused(await serve(rawZip(entries), { maxEntries: 3 }), 'it has more than 3 entries (the limit is --max-entries)');
  });

  test('two entries with one name', async () => {
    const zip = rawZip([{ name: 'chr20.dose.vcf.gz', content: dose }, { name: 'chr20.xxxx.vcf.gz', content: dose }]);
    refused(await serve(renameEntry(zip, 'chr20.xxxx.vcf.gz', 'chr20.dose.vcf.gz')), 'two of its entries would both be written to chr20.dose.vcf.gz');
  });

  test('names that differ only in case are one file', async () => {
    refused(await serve(rawZip([{ name: 'chr20.dose.vcf.gz', content: dose }, { name: 'CHR20.dose.vcf.gz', content: dose }])), 'two of its entries would both be written to CHR20.dose.vcf.gz');
  });

  test('an entry that would overwrite another result file', async () => {
    refused(await serve(rawZip([{ name: 'qc_report.txt', content: Buffer.from('forged') }])), 'its entry qc_report.txt would overwrite the listed file qc_report.txt');
    expect(readFileSync(join(fed.dir, `out-${runs - 1}`, `${job.parentId.slice(0, 8)}-study`, 'mich1', 'qc_report.txt'), 'utf8')).not.toBe('forged');
  });

  test('an entry named to climb out of the results folder', async () => {
    refused(await serve(rawZip([{ name: '../../escape.txt', content: Buffer.from('x') }])), 'it holds an entry with an unsafe name (../../escape.txt)');
    expect(existsSync(join(fed.dir, 'escape.txt'))).toBe(false);
  });

  test('a legal 250-character name: its temporary name still fits NAME_MAX', async () => {
    const name = `${'a'.repeat(243)}.vcf.gz`;
    const result = await serve(rawZip([{ name, content: dose }]));
    expect(result.stderr).not.toContain('error');
    expect(result.code).toBe(0);
    expect(existsSync(join(result.folder, name))).toBe(true);
  });
});
