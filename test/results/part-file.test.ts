/**
 * PartFile, the writer under every result file: chunks of any size across its 1 MiB slabs come out whole and
 * digested; the gzip check; temporary names that fit NAME_MAX whatever the final name.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest';
import { partPath } from '../../src/results/layout.js';
import { PartFile } from '../../src/results/write.js';
import { tempDir } from '../helpers/cli.js';

const dir = tempDir();
afterAll(() => dir.cleanup());
afterEach(() => vi.restoreAllMocks());

/** FileHandle's prototype (node:fs/promises does not export the class), to count its syncs */
async function fileHandlePrototype(): Promise<{ datasync(): Promise<void>; sync(): Promise<void> }> {
  const handle = await open(join(dir.path, 'probe'), 'w');
  await handle.close();
  return Object.getPrototypeOf(handle);
}

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

  test('write() costs no promise while the disk keeps up: one comes back only when both slabs are full', async () => {
    const path = join(dir.path, 'slabs.bin');
    const file = await PartFile.create(path);
    const half = randomBytes(512 << 10);
    // nothing yields in between, so the first slab's write cannot have finished when the second is full
    expect(file.write(half.subarray(0, 1000))).toBeUndefined();
    expect(file.write(half.subarray(1000))).toBeUndefined();
    expect(file.write(half)).toBeUndefined();
    const waiting = file.write(Buffer.from('x'));
    expect(waiting).toBeInstanceOf(Promise);
    await waiting;
    const digest = await file.commit();
    const all = Buffer.concat([half, half, Buffer.from('x')]);
    expect(digest.sha256).toBe(createHash('sha256').update(all).digest('hex'));
    expect(readFileSync(path).equals(all)).toBe(true);
  });

  test('a durable file is synced in steps while it is written and once before the rename; a file that need not be, never', async () => {
    const prototype = await fileHandlePrototype();
    const datasync = vi.spyOn(prototype, 'datasync');
    const sync = vi.spyOn(prototype, 'sync');
    const block = randomBytes(1 << 20);
    const durable = await PartFile.create(join(dir.path, 'durable.bin'));
    for (let index = 0; index < 72; index++) await durable.write(block);
    await durable.commit();
    // 72 MiB in 32 MiB steps: two syncs while writing (fewer only if one was still running when the next step came)
    expect(datasync.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(datasync.mock.calls.length).toBeLessThanOrEqual(2);
    expect(sync).toHaveBeenCalledTimes(1);
    expect(statSync(join(dir.path, 'durable.bin')).size).toBe(72 << 20);
    datasync.mockClear();
    sync.mockClear();
    const scratch = await PartFile.create(join(dir.path, 'scratch.bin'), { durable: false });
    for (let index = 0; index < 72; index++) await scratch.write(block);
    await scratch.commit();
    expect(datasync).not.toHaveBeenCalled();
    expect(sync).not.toHaveBeenCalled();
  });
});
