/**
 * A 512 MiB upload through the real binary to each emulator (Michigan form upload, WES attachment) keeps
 * the client's memory flat: its peak RSS is no larger than for a 64 MiB upload, give or take the garbage
 * collector's slack (100 MB). Reading the file whole would add half a gigabyte, holding a fifth of it would
 * show; 1 GiB proved no more and cost a tenth of the suite's CPU (hashing it, and the emulators writing it).
 * Peak RSS is read from the child's /proc/<pid>/status VmHWM (Linux), sampled until it exits. The binary,
 * since only a process of its own has a peak RSS to read; the two protocols side by side (each measures its
 * own process).
 */
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spawnCli } from '../helpers/cli.js';
import { startFederation, type Federation } from '../helpers/federation.js';

const MIB = 1 << 20;
let fed: Federation;

beforeAll(async () => {
  fed = await startFederation({ michigan: [{ uploadLimit: 2048 * MIB }], wes: [{ flavor: 'spec' }] });
});
afterAll(async () => fed?.close());

/** a sparse file named like a VCF: reads as zeros, costs no disk; --no-check sends it as it is */
function sparse(name: string, bytes: number): string {
  const path = join(fed.dir, name);
  const fd = openSync(path, 'w');
  ftruncateSync(fd, bytes);
  closeSync(fd);
  return path;
}

async function peakRss(args: string[]): Promise<{ code: number; peakMb: number; stderr: string }> {
  const child = spawnCli(args, { cwd: fed.dir, env: fed.spawnEnv() });
  let peakKb = 0;
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  child.stdout!.resume();
  const sampler = setInterval(() => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (match) peakKb = Math.max(peakKb, Number(match[1]));
    } catch {
      // the process has just exited
    }
  }, 20);
  const code = await new Promise<number>((resolve) => child.on('exit', (exit) => resolve(exit ?? 1)));
  clearInterval(sampler);
  return { code, peakMb: peakKb / 1024, stderr };
}

describe.runIf(existsSync('/proc/self/status')).concurrent('client memory during a 512 MiB upload', () => {
  for (const [label, service] of [
    ['Michigan', '1'],
    ['WES (attachment)', '11'],
  ] as const) {
    test(`${label}: peak RSS of a 512 MiB upload stays within that of a 64 MiB one`, async () => {
      const small = await peakRss(['submit', '--no-check', '--build', 'hg38', '--services', service, sparse(`small-${service}.vcf.gz`, 64 * MIB)]);
      expect(small.code, small.stderr).toBe(0);
      const big = await peakRss(['submit', '--no-check', '--build', 'hg38', '--services', service, sparse(`big-${service}.vcf.gz`, 512 * MIB)]);
      expect(big.code, big.stderr).toBe(0);
      console.log(`${label}: peak RSS ${small.peakMb.toFixed(0)} MB for 64 MiB, ${big.peakMb.toFixed(0)} MB for 512 MiB`);
      expect(big.peakMb).toBeLessThan(small.peakMb + 100);
      expect(big.peakMb).toBeLessThan(300);
    }, 180_000);
  }
});
