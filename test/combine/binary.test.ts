/**
 * combine and compare as the binary runs them. In this process through `execute` (the binary's own argv
 * parsing and error mapping): chromosomes combined on worker threads (which load the built dist/) give the
 * same files as one thread, and compare's table. Spawned, for what only the process shows: exit code 2 and
 * one line without a stack for bad input and for usage mistakes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { combineSession, writeVcf } from './fixtures.js';
import { PARENT, rows, setupParent } from './parent-setup.js';

let dir: string;
let db: string;
const results = () => join(dir, 'results', '0badcafe-study');
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fedimpute-combine-bin-'));
  db = await setupParent(dir, results(), [
    { slug: 'a', files: { '20': rows(10, 20, 30), '21': rows(5, 6), '22': rows(7) }, empirical: true },
    { slug: 'b', files: { '20': rows(10, 25), '21': rows(6), '22': rows(7, 8) }, empirical: true },
  ]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[]) => combineSession(dir, db).cli(args);
const spawned = (args: string[]) => runCli(args, { cwd: dir, env: { FEDIMPUTE_DB: db } });

describe('fedimpute combine (argv)', () => {
  it('chromosomes on worker threads write what one thread writes', async () => {
    const one = await cli(['combine', PARENT, '--threads', '1', '--out', 'one', '--json']);
    expect(one.code).toBe(0);
    const three = await cli(['combine', PARENT, '--threads', '3', '--out', 'three', '--json']);
    expect(three.stderr).toMatch(/method: meta/);
    expect(three.code).toBe(0);
    for (const chromosome of ['20', '21', '22']) {
      const name = `chr${chromosome}.combined.dose.vcf.gz`;
      expect(readFileSync(join(dir, 'three', name)).equals(readFileSync(join(dir, 'one', name)))).toBe(true);
    }
    expect(JSON.parse(three.stdout).variants).toBe(8);
  });

  it('compare prints a table per service and the combined row', async () => {
    expect((await cli(['combine', 'last'])).code).toBe(0);
    const result = await cli(['compare', PARENT.slice(0, 8)]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => line.split('\t'));
    expect(lines.slice(0, 3).map((line) => line[0])).toEqual(['a', 'b', 'combined']);
  });
});

describe('fedimpute combine (binary)', () => {
  it('bad input: exit 2, one line and a hint, no stack', async () => {
    writeVcf(join(dir, 'x.dose.vcf.gz'), { samples: ['Z1'], rows: [{ chrom: '20', pos: 1, hds: [[0, 1]] }] });
    writeVcf(join(dir, 'y.dose.vcf.gz'), { samples: ['Z2'], rows: [{ chrom: '20', pos: 1, hds: [[0, 1]] }] });
    const result = await spawned(['combine', '--from', 'x', '--from', 'y', '--out', 'xy.vcf.gz']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: .*y\.dose\.vcf\.gz: the samples differ from x/m);
    expect(result.stderr).toMatch(/→ combine needs results of the same study/);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('usage: --threads 0 and a parent with --from exit 2; so does an unknown parent', async () => {
    expect((await spawned(['combine', PARENT, '--threads', '0'])).code).toBe(2);
    const both = await spawned(['combine', PARENT, '--from', 'x', '--out', 'o.vcf.gz']);
    expect([both.code, both.stderr.trim().split('\n')[0]]).toEqual([2, 'error: give a parent job or --from prefixes, not both']);
    const unknown = await cli(['compare', 'ffffffff']);
    expect([unknown.code, unknown.stderr.split('\n')[0]]).toEqual([2, "error: no parent job matches 'ffffffff'"]);
  });
});
