/**
 * `fedimpute sandbox` as a user or a pipeline runs it: a second process (the binary), driven from outside
 * with the registry it writes (here: the commands in this process), then stopped by a signal. Exit 130
 * after Ctrl-C (SIGINT, DESIGN §4), 0 after SIGTERM. The tests run side by side: the sandbox's jobs take
 * seconds of wall time.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runDownload } from '../../src/commands/download.js';
import { runServicesCheck } from '../../src/commands/services-check.js';
import { runSubmit } from '../../src/commands/submit.js';
import { runWatch } from '../../src/commands/watch.js';
import { loadWorld } from '../../src/sandbox/world/cache.js';
import { DEFAULT_WORLD } from '../../src/sandbox/world/spec.js';
import { generateVcf } from '../../src/vcf/generate.js';
import { spawnCli, tempDir } from '../helpers/cli.js';
import { session } from '../helpers/harness.js';

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: Running[] = [];
const temps: { cleanup: () => void }[] = [];
// one simulated world for the file, named by FEDIMPUTE_SANDBOX_CACHE (each sandbox would otherwise simulate its own)
const cache = tempDir('fedimpute-sandbox-cache-');
beforeAll(() => loadWorld(DEFAULT_WORLD, cache.path), 60_000);
afterAll(() => cache.cleanup());

afterAll(async () => {
  for (const running of started.splice(0)) {
    if (running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill('SIGKILL');
      await running.exit;
    }
  }
  for (const temp of temps.splice(0)) temp.cleanup();
});

function start(args: string[], cwd: string): Running {
  const child = spawnCli(args, { cwd, env: { FEDIMPUTE_RETRY_BASE_MS: '20', FEDIMPUTE_SANDBOX_CACHE: cache.path } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const running = { child, stdout: () => stdout, stderr: () => stderr, exit };
  started.push(running);
  return running;
}

/** stdout once it matches (checked as each chunk arrives); fails when the sandbox exits first, or after a generous deadline */
function waitFor(running: Running, pattern: RegExp, timeoutMs = 45_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!pattern.test(running.stdout())) return;
      done();
      resolve(running.stdout());
    };
    const exited = () => {
      done();
      reject(new Error(`sandbox exited ${running.child.exitCode}: ${running.stderr()}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no ${pattern} within ${timeoutMs} ms; stdout: ${running.stdout()} stderr: ${running.stderr()}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      running.child.stdout!.off('data', check);
      running.child.off('exit', exited);
    };
    running.child.stdout!.on('data', check);
    running.child.once('exit', exited);
    check();
    if (running.child.exitCode !== null) exited();
  });
}

function isOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** a port the OS just handed out, whose neighbour was free a moment ago: a candidate for --port N (N and N+1) */
async function candidatePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: found } = server.address() as { port: number };
        server.close(() => resolve(found));
      });
    });
    if (port < 65534 && !(await isOpen(port + 1))) return port;
  }
}

/**
 * `sandbox --port N` on a pair of ports nobody holds: another process may take a candidate between the check
 * and the sandbox's listen (that happened under a loaded full run), so a sandbox that says its port is in use
 * is started again on another pair; any other outcome is the test's.
 */
async function startOnFreePorts(args: string[], cwd: string): Promise<{ sandbox: Running; port: number; line: string }> {
  for (let attempt = 1; ; attempt++) {
    const port = await candidatePort();
    const sandbox = start([...args, '--port', String(port)], cwd);
    const outcome = await waitFor(sandbox, /\n/).then(
      (text) => ({ text }),
      async (error: unknown) => {
        if (sandbox.child.exitCode === null) throw error;
        return { exit: await sandbox.exit };
      },
    );
    if ('text' in outcome) return { sandbox, port, line: outcome.text.split('\n')[0] };
    if (attempt < 5 && outcome.exit.code === 2 && sandbox.stderr().includes('the port is in use')) continue;
    throw new Error(`sandbox exited ${outcome.exit.code}: ${sandbox.stderr()}`);
  }
}

function findFiles(dir: string, name: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findFiles(path, name));
    else if (entry.name === name) found.push(path);
  }
  return found;
}

describe.concurrent('fedimpute sandbox', () => {
  test('serves both protocols for submit, watch and download from another process; Ctrl-C stops it cleanly', async () => {
    const temp = tempDir('fedimpute-sandbox-');
    temps.push(temp);
    const dir = join(temp.path, 'sandbox');
    const sandbox = start(['sandbox', '--dir', dir], temp.path);
    const text = await waitFor(sandbox, /sandbox ready/);

    const registry = join(dir, 'sandbox.services.yaml');
    expect(text).toContain(`export FEDIMPUTE_CONFIG=${registry}`);
    expect(existsSync(registry)).toBe(true);
    const yaml = readFileSync(registry, 'utf8');
    expect(yaml).toMatch(/slug: sandbox-michigan/);
    expect(yaml).toMatch(/slug: sandbox-wes/);
    expect(yaml).not.toMatch(/token: /);
    // tokens travel in private token_files beside the registry, never as literals in it
    for (const slug of ['sandbox-michigan', 'sandbox-wes']) {
      expect(yaml).toContain(`token_file: ${slug}.token`);
      expect(statSync(join(dir, `${slug}.token`)).mode & 0o777).toBe(0o600);
    }
    const urls = [...text.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((match) => Number(match[1]));
    expect(urls).toHaveLength(2);
    // the simulated study and its truth, named in the banner, and the submit line to use them
    const study = join(dir, 'study.vcf.gz');
    expect(text).toContain(`  study     ${study} (250 samples admixed from A and B`);
    expect(text).toContain(`  truth     ${join(dir, 'truth.vcf.gz')} (every true genotype`);
    expect(text).toContain(`  fedimpute submit --services 1,2 --meta --no-phasing ${study}`);
    expect(text).toContain('  fedimpute combine last');
    expect(text).toContain('panels 39 1000 Genomes Phase 3 (Version 5) (hg38, default, Minimac4), 40 H3Africa Reference Panel (v6) (hg38, Beagle 5.4)');

    const { call } = session({ cwd: temp.path, env: { FEDIMPUTE_CONFIG: registry, FEDIMPUTE_DB: join(temp.path, 'store.db') } });

    const services = await call(runServicesCheck, { ids: [] });
    expect(services.stderr).toBe('');
    expect(services.code).toBe(0);

    const submit = await call(runSubmit, { files: [study], services: '1,2', build: 'hg38' });
    expect(submit.stderr).toContain('all 2 child jobs submitted');
    expect(submit.code).toBe(0);
    const parent = submit.stdout.trim();
    expect(parent).toMatch(/^[0-9a-f-]{36}$/);

    // the sandbox's jobs take seconds of wall time; the watch's own clock is the test's (no real waiting)
    const watch = await call(runWatch, { parent, interval: '1s', timeout: '1h' });
    expect(watch.code).toBe(0);
    expect(watch.stdout).toMatch(/sandbox-michigan\t[0-9a-f]{8}\t\w+->completed/);
    expect(watch.stdout).toMatch(/sandbox-wes\t[0-9a-f]{8}\t\w+->completed/);

    const download = await call(runDownload, { parent, out: 'results' });
    expect(download.code).toBe(0);
    const results = join(temp.path, 'results');
    for (const slug of ['sandbox-michigan', 'sandbox-wes']) {
      const [folder] = readdirSync(results).filter((name) => name.startsWith(parent.slice(0, 8)));
      const doses = findFiles(join(results, folder, slug), slug === 'sandbox-wes' ? 'study.dose.vcf.gz' : 'chr20.dose.vcf.gz');
      expect(doses, slug).toHaveLength(1);
      // imputed for real: most records are sites the study did not type
      const records = gunzipSync(readFileSync(doses[0])).toString().split('\n').filter((line) => line && !line.startsWith('#'));
      expect(records.filter((line) => /;IMP(UTED)?\t/.test(line) && !line.includes('TYPED')).length, slug).toBeGreaterThan(records.length / 2);
    }

    sandbox.child.kill('SIGINT');
    const exit = await sandbox.exit;
    expect(exit).toEqual({ code: 130, signal: null });
    expect(sandbox.stderr()).toBe('stopping the sandbox…\nsandbox stopped\n');
    for (const port of urls) expect(await isOpen(port)).toBe(false);
    // the registry, tokens and workflow go; the study and its truth stay (results are scored against them)
    expect(readdirSync(dir).sort()).toEqual(['study.vcf.gz', 'truth.vcf.gz']);
  });

  test('--json prints one ready line for scripts; --port N gives Michigan N and WES N+1; SIGTERM exits 0', async () => {
    const temp = tempDir('fedimpute-sandbox-');
    temps.push(temp);
    const { sandbox, port, line } = await startOnFreePorts(['sandbox', '--json', '--speed', 'realistic'], temp.path);
    const ready = JSON.parse(line);
    expect(Object.keys(ready)).toEqual(['michigan_url', 'wes_url', 'registry', 'token_files', 'study', 'truth']);
    expect(ready.study).toBe(join(temp.path, 'study.vcf.gz'));
    expect(ready.michigan_url).toBe(`http://127.0.0.1:${port}`);
    expect(ready.wes_url).toBe(`http://127.0.0.1:${port + 1}`);
    expect(ready.registry).toBe(join(temp.path, 'sandbox.services.yaml'));
    expect(ready.token_files).toEqual({
      'sandbox-michigan': join(temp.path, 'sandbox-michigan.token'),
      'sandbox-wes': join(temp.path, 'sandbox-wes.token'),
    });

    // a second sandbox on the same ports: one clear line, exit 2, and the first one is untouched
    const busy = await session({ cwd: temp.path, env: { FEDIMPUTE_SANDBOX_CACHE: cache.path } }).cli(['sandbox', '--port', String(port), '--dir', join(temp.path, 'other')]);
    expect(busy.code).toBe(2);
    expect(busy.stderr.split('\n')[0]).toBe(`error: cannot listen on 127.0.0.1:${port}: the port is in use`);
    expect(existsSync(ready.registry)).toBe(true);

    // realistic speed: a job waits in the queue (a minute) with its position
    const { call } = session({ cwd: temp.path, env: { FEDIMPUTE_CONFIG: ready.registry, FEDIMPUTE_DB: join(temp.path, 'store.db') } });
    await generateVcf(join(temp.path, 'chr20.vcf.gz'), { samples: 30, chromosomes: ['20'], recordsPerChromosome: 50, chrPrefix: true, phased: true });
    const submit = await call(runSubmit, { files: ['chr20.vcf.gz'], services: '1', build: 'hg38' });
    expect(submit.code).toBe(0);
    const token = readFileSync(ready.token_files['sandbox-michigan'], 'utf8').trim();
    const jobs = (await (await fetch(`${ready.michigan_url}/api/v2/jobs`, { headers: { 'X-Auth-Token': token } })).json()) as {
      data: { state: number; positionInQueue: number }[];
    };
    expect(jobs.data.map((job) => [job.state, job.positionInQueue])).toEqual([[1, 1]]);

    sandbox.child.kill('SIGTERM');
    expect(await sandbox.exit).toEqual({ code: 0, signal: null });
    expect(await isOpen(port)).toBe(false);
    expect(await isOpen(port + 1)).toBe(false);
    expect(existsSync(ready.registry)).toBe(false);
  });

  test('--faults injects server faults at the given rate', async () => {
    const temp = tempDir('fedimpute-sandbox-');
    temps.push(temp);
    const sandbox = start(['sandbox', '--json', '--faults', '0.5'], temp.path);
    const ready = JSON.parse((await waitFor(sandbox, /\n/)).split('\n')[0]);
    const token = readFileSync(ready.token_files['sandbox-wes'], 'utf8').trim();
    const outcomes: string[] = [];
    for (let index = 0; index < 20; index++) {
      try {
        const response = await fetch(`${ready.wes_url}/ga4gh/wes/v1/service-info`, {
          headers: { Authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(2_500),
        });
        const text = await response.text();
        outcomes.push(response.status === 200 && text.startsWith('{"workflow_type_versions"') ? 'ok' : `fault ${response.status}`);
      } catch {
        outcomes.push('fault');
      }
    }
    expect(outcomes).toContain('ok');
    expect(outcomes.some((outcome) => outcome.startsWith('fault'))).toBe(true);
    sandbox.child.kill('SIGTERM');
    expect((await sandbox.exit).code).toBe(0);
  });

  test('bad options are usage errors (exit 2, one line, nothing started)', async () => {
    const temp = tempDir('fedimpute-sandbox-');
    temps.push(temp);
    for (const [args, message] of [
      [['--speed', 'warp'], "error: --speed must be fast or realistic, got 'warp'"],
      [['--faults', '2'], "error: --faults must be a rate from 0 to 1 (e.g. 0.1), got '2'"],
      [['--port', 'x'], "error: --port must be a whole number from 1 to 65534 (or 0 for free ports), got 'x'"],
    ] as const) {
      const result = await session({ cwd: temp.path }).cli(['sandbox', ...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toBe(`${message}\n`);
      expect(result.stdout).toBe('');
    }
    expect(readdirSync(temp.path)).toEqual([]);
  });
});
