import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { inlineHasher, workerHasher } from '../../src/results/hasher.js';
import { PartFile } from '../../src/results/write.js';
import { tempDir } from '../helpers/cli.js';

describe('result hashing', () => {
  test('the worker hasher gives the same sha256 as hashing inline, batch by batch', async () => {
    const batches = Array.from({ length: 20 }, (_, index) => randomBytes(100_000 + index));
    const expected = createHash('sha256').update(Buffer.concat(batches)).digest('hex');
    for (const hasher of [inlineHasher(), workerHasher()]) {
      for (const batch of batches) await hasher.update(batch);
      expect(await hasher.digest()).toBe(expected);
    }
  });

  test('a large part file (hashed on a worker) is written whole, renamed and digested', async () => {
    const dir = tempDir();
    try {
      const path = join(dir.path, 'sub', 'big.bin');
      const file = await PartFile.create(path, 'big.bin', 64 << 20);
      const chunks = Array.from({ length: 50 }, () => randomBytes(64 * 1024 + 7));
      for (const chunk of chunks) await file.write(chunk);
      const digest = await file.commit();
      const all = Buffer.concat(chunks);
      expect(digest).toEqual({ size: all.length, sha256: createHash('sha256').update(all).digest('hex') });
      expect(readFileSync(path).equals(all)).toBe(true);
    } finally {
      dir.cleanup();
    }
  });
});
