/**
 * combine and compare after the real flow against the emulators, which impute a simulated study for real
 * (issue 13), in-process:
 *  - the README's sandbox quick start, read from README.md and run line by line (submit --meta → watch →
 *    download → combine last → compare last) against the sandbox's own services: the Michigan service and
 *    the WES node's default panel both run Minimac4, so combine meta-imputes, and beats either service alone
 *    against the truth;
 *  - the WES node's Beagle panel writes no leave-one-out dosages although asked: best-r2, saying why;
 *  - submitted without --meta: best-r2, saying how to get meta (and combine downloads the results first).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { loadTruth, score } from '../../src/sandbox/accuracy.js';
import { TINY_WORLD } from '../../src/sandbox/world/spec.js';
import { ROOT, tempDir } from '../helpers/cli.js';
import { session, type Captured } from '../helpers/harness.js';
import { hasTool } from './fixtures.js';

/** jobs that take no wall time beyond their imputation (the watch's clock is the test's anyway) */
const INSTANT = { michigan: { queuedMs: 0, runningMs: 0, exportingMs: 0, filesDelayMs: 0 }, wes: { queuedMs: 0, initializingMs: 0, runningMs: 0 } };

/** the commands of the README's `fedimpute sandbox` quick start, comments dropped */
function quickStart(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### `fedimpute sandbox` for trying fedimpute'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1];
  return block.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim()).filter(Boolean);
}

/** mean r² against the truth over every untyped variant of the study (a variant the file lacks counts 0) */
async function overall(truth: Awaited<ReturnType<typeof loadTruth>>, file: string): Promise<number> {
  const bins = await score(truth, file);
  return bins.reduce((sum, bin) => sum + bin.meanR2 * bin.imputed, 0) / bins.reduce((sum, bin) => sum + bin.variants, 0);
}

/** the sandbox the README's first line starts, here in this process on the tiny world */
const temp = tempDir('fedimpute-readme-');
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ dir: temp.path, world: TINY_WORLD, cacheDir: join(temp.path, '.cache'), timing: INSTANT });
});
afterAll(async () => {
  await sandbox.close();
  temp.cleanup();
});

/** what the README's `export` line sets (the README's own test starts from nothing) */
const sandboxEnv = () => ({ FEDIMPUTE_CONFIG: sandbox.registry, FEDIMPUTE_DB: join(temp.path, 'jobs.db') });

/** one command line, in this process, as the binary would run it; it must succeed */
async function run(line: string, env: Record<string, string> = sandboxEnv()): Promise<Captured> {
  const [command, ...argv] = line.split(/\s+/);
  expect(command).toBe('fedimpute');
  const result = await session({ cwd: temp.path, env }).cli(argv);
  expect(result.code, `${line}\n${result.stderr}`).toBe(0);
  return result;
}

describe('the README\'s sandbox quick start', () => {
  it('submit --meta → watch → download → combine → compare: meta-imputed, better than either service alone', async () => {
    const lines = quickStart().map((line) => line.replaceAll('/tmp/fi', temp.path));
    // `fedimpute sandbox --dir D` runs until stopped: started by beforeAll
    expect(lines[0]).toBe(`fedimpute sandbox --dir ${temp.path}`);
    const outputs = new Map<string, Captured>();
    const env: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      if (!line.startsWith('export ')) outputs.set(line.split(/\s+/)[1], await run(line, env));
      else for (const [name, value] of line.slice('export '.length).split(/\s+/).map((pair) => pair.split('='))) env[name] = value;
    }
    expect(outputs.get('submit')!.stderr).not.toMatch(/warning/);
    const combined = outputs.get('combine')!;
    expect(combined.stderr).toMatch(/^method: meta \(every result has leave-one-out/m);
    const path = /\t(\S+\/combined\/chr20\.combined\.dose\.vcf\.gz)$/m.exec(combined.stdout)![1];
    expect(path.startsWith(join(temp.path, 'results'))).toBe(true);
    if (hasTool('tabix', '--help')) execFileSync('tabix', ['-p', 'vcf', path]);
    // compare: a row per service, then the combined one
    expect(outputs.get('compare')!.stdout.split('\n').slice(0, 3).map((row) => row.split('\t')[0])).toEqual(['sandbox-michigan', 'sandbox-wes', 'combined']);

    const truth = await loadTruth(sandbox.truth, sandbox.study);
    const folder = join(path, '..', '..');
    const [michigan, wes, meta] = await Promise.all(
      [join(folder, 'sandbox-michigan', 'chr20.dose.vcf.gz'), join(folder, 'sandbox-wes', 'study.dose.vcf.gz'), path].map((file) => overall(truth, file)),
    );
    expect(meta).toBeGreaterThan(Math.max(michigan, wes));
  });

  it('the WES node\'s Beagle panel, asked for --meta, has nothing to give: best-r2, saying why', async () => {
    await run(`fedimpute submit --services 1,2 --panels 37,40 --meta --no-phasing ${sandbox.study}`);
    await run('fedimpute watch last --interval 2s');
    const fallback = await run('fedimpute combine last --json');
    expect(fallback.stderr).toMatch(
      /^method: best-r2 \(sandbox-wes was asked for leave-one-out dosages \(--meta\) but wrote none; for meta-imputation impute with an engine that writes them \(Minimac4 with -e; Beagle has no such output\)/m,
    );
    expect(JSON.parse(fallback.stdout)).toMatchObject({ method: 'best-r2', by_method: { meta: 0 } });
  });

  it('without --meta: best-r2, saying how to get meta; what is not downloaded yet is downloaded first', async () => {
    await run(`fedimpute submit --services 1,2 --no-phasing ${sandbox.study}`);
    await run('fedimpute watch last --interval 2s');
    const combined = await run('fedimpute combine last --json');
    expect(combined.stderr).toMatch(/downloading the results of sandbox-michigan, sandbox-wes first/);
    expect(combined.stderr).toMatch(/method: best-r2 \(sandbox-michigan, sandbox-wes have no leave-one-out \(empiricalDose\) dosages; for meta-imputation resubmit with fedimpute submit --meta/);
    expect(JSON.parse(combined.stdout).method).toBe('best-r2');
  });
});
