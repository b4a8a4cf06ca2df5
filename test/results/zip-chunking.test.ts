/**
 * The same archives cut into odd-sized chunks, as a network delivers them: headers, encryption headers, AES
 * keystream blocks, deflate ends and data descriptors all straddle chunk boundaries, and entries large enough
 * for the decryption worker come out byte for byte.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ZipExtraction } from '../../src/results/extract.js';
import { DEFAULT_LIMITS } from '../../src/results/zip/limits.js';
import { tempDir } from '../helpers/cli.js';
import { resultGzip } from './archives.js';

const temp = tempDir('fedimpute-chunks-');
afterAll(() => temp.cleanup());
const PASSWORD = 'Chunky0123456789abcd';
const files = { 'chr20.dose.vcf.gz': Buffer.concat([resultGzip(32, 5), randomBytes(5 << 20)]), 'chr20.info.gz': resultGzip(16, 6) };
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

async function zipJs(options: Record<string, unknown>): Promise<Uint8Array> {
  const { ZipWriter, Uint8ArrayReader, Uint8ArrayWriter, configure } = await import('@zip.js/zip.js');
  configure({ useWebWorkers: false });
  const writer = new ZipWriter(new Uint8ArrayWriter());
  for (const [name, content] of Object.entries(files)) await writer.add(name, new Uint8ArrayReader(content), { password: PASSWORD, ...options });
  return writer.close();
}

let runs = 0;
describe('odd chunk sizes', () => {
  test.each([
    ['ZipCrypto, deflated, descriptors', { zipCrypto: true, level: 1 }],
    ['AES-256, deflated, descriptors', { encryptionStrength: 3, level: 1 }],
  ])('%s', async (_label, options) => {
    const zip = await zipJs(options);
    // an odd size that divides nothing: every record straddles a boundary somewhere
    for (const size of [4093]) {
      const folder = join(temp.path, `out-${runs++}`);
      const zipPath = join(temp.path, `zip-${runs}.zip`);
      writeFileSync(zipPath, zip);
      const extraction = new ZipExtraction({ password: PASSWORD, folder, limits: DEFAULT_LIMITS });
      await extraction.stream(pieces(zip, size));
      await extraction.finish(zipPath);
      const entries = await extraction.publish();
      expect(entries.map((entry) => entry.name).sort()).toEqual(Object.keys(files).sort());
      for (const entry of entries) {
        expect(entry.sha256).toBe(sha(files[entry.name as keyof typeof files]));
        expect(readFileSync(entry.path).length).toBe(files[entry.name as keyof typeof files].length);
      }
    }
  });
});
