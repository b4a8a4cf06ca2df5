/**
 * PartFile, the writer under every result file: chunks of any size across its 1 MiB slabs come out whole and
 * digested; the gzip check; temporary names that fit NAME_MAX whatever the final name.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { partPath } from '../../src/results/layout.js';
import { PartFile } from '../../src/results/write.js';
import { tempDir } from '../helpers/cli.js';

const dir = tempDir();
afterAll(() => dir.cleanup());

describe('PartFile', () => {
  test('chunks of odd sizes across the slabs are written whole, renamed and digested; the caller may reuse each chunk', async () => {
    const path = join(dir.path, 'sub', 'big.bin');
    const file = await PartFile.create(path);
    const chunks = Array.from({ length: 50 }, (_, index) => randomBytes(64 * 1024 + 7 * index));
    const reused = Buffer.alloc(3 << 20);
    for (const chunk of chunks) {
      chunk.copy(reused);
      await file.write(reused.subarray(0, chunk.length));
      reused.fill(0xee);
    }
    expect(readdirSync(join(dir.path, 'sub'))).toEqual(['.big.bin.part']);
    const digest = await file.commit();
    const all = Buffer.concat(chunks);
    expect(digest).toEqual({ size: all.length, sha256: createHash('sha256').update(all).digest('hex') });
    expect(readFileSync(path).equals(all)).toBe(true);
    expect(readdirSync(join(dir.path, 'sub'))).toEqual(['big.bin']);
  });

  test('a .gz name must hold gzip data', async () => {
    const file = await PartFile.create(join(dir.path, 'page.vcf.gz'));
    await file.write(Buffer.from('<html>'));
    expect(file.isGzipWhereExpected('page.vcf.gz')).toBe(false);
    expect(file.describeHead()).toBe('it starts with bytes 3c68');
    expect(file.isGzipWhereExpected('page.html')).toBe(true);
    await file.abort();
    expect(readdirSync(dir.path).filter((name) => name.includes('page'))).toEqual([]);
  });

  test('the temporary name fits in 255 bytes whatever the final name (multi-byte characters too)', () => {
    for (const name of ['short.txt', `${'a'.repeat(250)}.gz`, `${'é'.repeat(127)}.gz`, `${'b'.repeat(249)}`]) {
      const part = basename(partPath(join(dir.path, name)));
      expect(Buffer.byteLength(part)).toBeLessThanOrEqual(255);
      expect(part.startsWith('.') && part.endsWith('.part')).toBe(true);
    }
    expect(basename(partPath(join(dir.path, 'short.txt')))).toBe('.short.txt.part');
    // two long names that share a prefix get different temporary names
    expect(partPath(join(dir.path, `${'c'.repeat(251)}.1`))).not.toBe(partPath(join(dir.path, `${'c'.repeat(251)}.2`)));
  });
});
