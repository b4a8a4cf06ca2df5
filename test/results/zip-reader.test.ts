/**
 * The zip reader against archives from the tools that make real result zips (Info-ZIP `zip -P`, 7-Zip with
 * ZipCrypto and AES-256, zip.js with both), stored and deflated, with and without data descriptors and zip64
 * fields: every entry comes out byte for byte, and a wrong password is named as such. In-process, small files.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { extractFile } from '../../src/results/extract.js';
import { DEFAULT_LIMITS } from '../../src/results/zip/limits.js';
import { tempDir } from '../helpers/cli.js';
import { hasTool, resultGzip, zipWith } from './archives.js';

const temp = tempDir('fedimpute-zip-');
afterAll(() => temp.cleanup());
const PASSWORD = 'Pa55word0123456789ab';
const files = { 'chr20.dose.vcf.gz': resultGzip(192, 1), 'chr20.info.txt': Buffer.from('SNP\tRsq\n'.repeat(4000)) };
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let counter = 0;
async function extractAndCompare(zip: string, password: string | null = PASSWORD) {
  const folder = join(temp.path, `out-${counter++}`);
  const entries = await extractFile(zip, { password, folder, limits: DEFAULT_LIMITS });
  expect(entries.map((entry) => entry.name).sort()).toEqual(Object.keys(files).sort());
  for (const entry of entries) {
    const expected = files[entry.name as keyof typeof files];
    expect(readFileSync(entry.path).equals(Buffer.from(expected))).toBe(true);
    expect(entry.sha256).toBe(sha(expected));
  }
}

function source(name: string): string {
  const dir = join(temp.path, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe.skipIf(!hasTool('zip'))('Info-ZIP zip -P (ZipCrypto)', () => {
  test.each([
    ['deflated', ['-q', '-P', PASSWORD]],
    ['stored', ['-q', '-0', '-P', PASSWORD]],
    ['zip64 fields (-fz)', ['-q', '-fz', '-P', PASSWORD]],
  ])('%s', async (_label, flags) => {
    await extractAndCompare(zipWith(source(`zip-${counter}`), files, 'zip', (zip, names) => [...flags, zip, ...names]));
  });

  test('written to a pipe (data descriptors, no sizes in the local headers)', async () => {
    const dir = source('zip-pipe');
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    const { execFileSync } = await import('node:child_process');
    const bytes = execFileSync('sh', ['-c', `zip -q -P ${PASSWORD} - ${Object.keys(files).join(' ')} | cat`], { cwd: dir, maxBuffer: 64 << 20 });
    writeFileSync(join(dir, 'piped.zip'), bytes);
    await extractAndCompare(join(dir, 'piped.zip'));
  });

  test('a wrong password is named as such', async () => {
    const zip = zipWith(source('zip-wrong'), files, 'zip', (path, names) => ['-q', '-P', PASSWORD, path, ...names]);
    await expect(extractFile(zip, { password: 'not-the-password-000', folder: join(temp.path, 'wrong'), limits: DEFAULT_LIMITS })).rejects.toMatchObject({ problem: 'password' });
  });
});

describe.skipIf(!hasTool('7z'))('7-Zip', () => {
  test.each([
    ['ZipCrypto, deflated', ['-mem=ZipCrypto', '-mx=5']],
    ['ZipCrypto, stored', ['-mem=ZipCrypto', '-mx=0']],
    ['AES-256, deflated', ['-mem=AES256', '-mx=5']],
    ['AES-256, stored', ['-mem=AES256', '-mx=0']],
    ['AES-128, deflated', ['-mem=AES128', '-mx=5']],
  ])('%s', async (_label, flags) => {
    await extractAndCompare(zipWith(source(`7z-${counter}`), files, '7z', (zip, names) => ['a', '-tzip', `-p${PASSWORD}`, ...flags, zip, ...names]));
  });

  test('AES with a wrong password is named as such', async () => {
    const zip = zipWith(source('7z-wrong'), files, '7z', (path, names) => ['a', '-tzip', `-p${PASSWORD}`, '-mem=AES256', path, ...names]);
    await expect(extractFile(zip, { password: 'not-the-password-000', folder: join(temp.path, 'wrong7'), limits: DEFAULT_LIMITS })).rejects.toMatchObject({ problem: 'password' });
  });
});

describe.skipIf(!hasTool('zip'))('entries large enough to be decrypted on a worker thread', () => {
  // past decrypt.ts's 4 MiB: the first part here, the rest on the worker, with chunks decrypted ahead
  const large = { 'chr20.dose.vcf.gz': Buffer.concat([resultGzip(64, 3), randomBytes(6 << 20)]), 'chr20.info.txt': files['chr20.info.txt'] };

  test.each([
    ['stored (zip -0 -P)', '-0'],
    ['deflated, written to a pipe (sizes unknown until the descriptor)', '-6'],
  ])('%s', async (_label, level) => {
    const dir = source(`large-${counter}`);
    for (const [name, content] of Object.entries(large)) writeFileSync(join(dir, name), content);
    const { execFileSync } = await import('node:child_process');
    writeFileSync(join(dir, 'large.zip'), execFileSync('sh', ['-c', `zip -q ${level} -P ${PASSWORD} - ${Object.keys(large).join(' ')} | cat`], { cwd: dir, maxBuffer: 64 << 20 }));
    const entries = await extractFile(join(dir, 'large.zip'), { password: PASSWORD, folder: join(temp.path, `large-out-${counter++}`), limits: DEFAULT_LIMITS });
    for (const entry of entries) expect(entry.sha256).toBe(sha(large[entry.name as keyof typeof large]));
    expect(entries).toHaveLength(2);
  });
});

describe('zip.js', () => {
  test.each([
    ['ZipCrypto, deflated', { zipCrypto: true, level: 6 }],
    ['ZipCrypto, stored (sizes only in the central directory)', { zipCrypto: true, level: 0 }],
    ['AES-256, deflated', { encryptionStrength: 3, level: 6 }],
    ['AES-256, stored (sizes only in the central directory)', { encryptionStrength: 3, level: 0 }],
    ['AES-256, deflated, zip64', { encryptionStrength: 3, level: 6, zip64: true }],
    ['unencrypted, deflated', { level: 6, password: undefined }],
  ])('%s', async (_label, options) => {
    const { ZipWriter, Uint8ArrayReader, Uint8ArrayWriter, configure } = await import('@zip.js/zip.js');
    configure({ useWebWorkers: false });
    const writer = new ZipWriter(new Uint8ArrayWriter());
    for (const [name, content] of Object.entries(files)) await writer.add(name, new Uint8ArrayReader(content), { password: PASSWORD, ...options } as Parameters<typeof writer.add>[2]);
    const zip = join(temp.path, `zipjs-${counter++}.zip`);
    writeFileSync(zip, await writer.close());
    await extractAndCompare(zip, 'password' in options ? null : PASSWORD);
  });
});
