/**
 * Prose fits the terminal too: `combine`'s method and summary lines, errors and their hints are wrapped to
 * the width of a terminal of 80 and of 120 columns (no line wider), and its FILE column shows paths from the
 * current folder. Off a terminal (a pipe, a cron log) nothing is wrapped: a line stays one event, whole.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runCombine } from '../../src/commands/combine.js';
import { runCompare } from '../../src/commands/compare.js';
import { displayWidth } from '../../src/output/width.js';
import { combineSession } from '../combine/fixtures.js';
import { rows, setupParent } from '../combine/parent-setup.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /\u001b\[[0-9;?]*[A-Za-z]/g;
const lines = (text: string) => text.replace(CONTROL, '').split('\n').filter((line) => line.length > 0);

let dir: string;
let results: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedimpute-prose-'));
  results = join(dir, 'results', '0badcafe-study');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const children = () =>
  setupParent(dir, results, [
    { slug: 'h3africa', files: { '20': rows(10, 20, 30, 40) }, empirical: true, options: { meta: true } },
    { slug: 'ilifu', files: { '20': rows(10, 20, 35, 40) }, empirical: true, options: { meta: true } },
  ]);

describe.each([80, 120])('at %i columns', (columns) => {
  test('compare: service names whole (sixteen characters, as the sandbox names them) and the table within the width', async () => {
    const db = await setupParent(dir, results, [
      { slug: 'sandbox-michigan', files: { '20': rows(10, 20, 30, 40) }, empirical: true, options: { meta: true } },
      { slug: 'ilifu', files: { '20': rows(10, 20, 35, 40) }, empirical: true, options: { meta: true } },
    ]);
    expect((await combineSession(dir, db).call(runCombine, { parent: '0bad' })).code).toBe(0);
    const result = await combineSession(dir, db).call(runCompare, { parent: '0bad' }, { tty: true, columns });
    expect(result.code, result.stderr).toBe(0);
    for (const line of [...lines(result.stdout), ...lines(result.stderr)]) expect(displayWidth(line), line).toBeLessThanOrEqual(columns);
    expect(lines(result.stdout)[0]).toMatch(/^SOURCE +VARIANTS +MEAN R² +<0\.5% +0\.5–1% +1–5% +5–20% +>20%$/);
    expect(result.stdout.replace(CONTROL, '')).toMatch(/^sandbox-michigan +4 /m);
    expect(result.stderr).toContain('mean estimated R² per source, overall and by minor allele frequency');
    // the combined set (5 variants) holds more than either source (4 each): its mean is not comparable as such
    expect(result.stderr.replace(CONTROL, '').replace(/\s+/g, ' ')).toContain("each mean is over that row's own variants, and the combined set holds all of them, rare ones included: compare the rows bin by bin");
  });

  test('combine: every line of its table and its prose within the width, paths from the current folder', async () => {
    const db = await children();
    const result = await combineSession(dir, db).call(runCombine, { parent: '0bad' }, { tty: true, columns });
    expect(result.code, result.stderr).toBe(0);
    for (const line of [...lines(result.stdout), ...lines(result.stderr)]) expect(displayWidth(line), line).toBeLessThanOrEqual(columns);
    // 56 columns of path: whole at 120, its middle cut at 80; from the current folder either way
    const file = join('results', '0badcafe-study', 'combined', 'chr20.combined.dose.vcf.gz');
    if (columns === 120) expect(result.stdout).toContain(file);
    expect(result.stdout.replace(CONTROL, '')).toMatch(/^20 .* results\/0badcafe-\S*chr20\.combined\.dose\.vcf\.gz$/m);
    expect(result.stdout).not.toContain(dir);
    const prose = result.stderr.replace(CONTROL, '').replace(/\s+/g, ' ');
    expect(prose).toContain("absent variants: fixed (no R² filter: a variant missing from a panel's output is one its haplotypes do not vary at)");
    expect(prose).toContain(`summary: ${join('results', '0badcafe-study', 'combined', 'combine.json')}`);
    // at 80 columns the explanation of the absent rule (116 columns) takes two lines, the second indented
    if (columns === 80) expect(lines(result.stderr).some((line) => line.startsWith('  one its haplotypes'))).toBe(true);
  });

  test('an error and its hint are wrapped under their own indentation', async () => {
    const db = await children();
    const result = await combineSession(dir, db).cli(['combine', '0bad', '--region', 'chr7:1-2000000'], { tty: true, columns });
    expect(result.code).toBe(2);
    for (const line of lines(result.stderr)) expect(displayWidth(line), line).toBeLessThanOrEqual(columns);
    expect(result.stderr.replace(CONTROL, '')).toMatch(/^error: --region: no result holds chromosome 7/);
  });
});

test('off a terminal nothing is wrapped and paths are whole: a line is one event for grep and cron mail', async () => {
  const db = await children();
  const result = await combineSession(dir, db).call(runCombine, { parent: '0bad' }, { columns: 80 });
  expect(result.code).toBe(0);
  expect(result.stderr).toContain("absent variants: fixed (no R² filter: a variant missing from a panel's output is one its haplotypes do not vary at)\n");
  expect(result.stderr).toMatch(new RegExp(`carried by every source; summary: ${join(results, 'combined', 'combine.json')}\n`));
  expect(result.stdout).toContain(`\t${join(results, 'combined', 'chr20.combined.dose.vcf.gz')}\n`);
});
