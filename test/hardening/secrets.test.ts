/**
 * Secrets audit: with --verbose and emulators that echo the request (headers, form fields) in their error
 * bodies, run (each command line through the binary's own argv handling, in this process) submit, status --refresh, watch, poll, cancel, download and services check with failures forced
 * so the error paths run. No token and no result password may appear in stdout, stderr, any file fedimpute
 * wrote, or the store (except jobs.result_password); the store and the download manifest are mode 0600.
 * Then a hostile server (hostile-server.ts) echoes the tokens and the password it was sent into what fedimpute
 * stores (failure messages, logs, rejections): the store must still hold none of them.
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateVcf } from '../../src/vcf/generate.js';
import { startFederation, type Federation } from '../helpers/federation.js';
import { withDb } from '../helpers/store.js';
import { mich, wes, wesRun } from './hostile-cases.js';
import { startHostileServer, type Exchange, type HostileCase } from './hostile-server.js';
import { createGroup, storeTexts } from './hostile-setup.js';

let fed: Federation;
const outputs: { command: string; stdout: string; stderr: string }[] = [];
const WES_TOKEN = 'wes-secret-token-0123456789abcdef';

beforeAll(async () => {
  fed = await startFederation({
    michigan: [{ echoRequestsInErrors: true }],
    wes: [{ echoRequestsInErrors: true, token: WES_TOKEN }],
  });
}, 60_000);
afterAll(async () => fed?.close());

async function run(args: string[]) {
  const result = await fed.cli([...args, '--verbose']);
  outputs.push({ command: args.join(' '), stdout: result.stdout, stderr: result.stderr });
  return result;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

describe('secrets never leave the process', () => {
  it('through every command and its error paths', async () => {
    const vcf = await fed.vcf('study.vcf.gz');
    const michigan = fed.michigan[0];
    const tokens = [michigan.tokenFor('alice'), WES_TOKEN];

    // error paths first: maintenance (503 envelopes that echo X-Auth-Token), then a garbage server answer
    michigan.setMaintenance(true);
    await run(['services', 'check']);
    await run(['submit', '--services', '1,11', vcf]);
    michigan.setMaintenance(false);

    const submitted = await run(['submit', '--services', '1,11', '--name', 'audit', vcf]);
    expect(submitted.code, submitted.stderr).toBe(0);
    michigan.setMaintenance(true);
    fed.wes[0].setFaults({ rate: 1, kinds: ['500'], phase: 'before' });
    await run(['status', 'last', '--refresh']);
    await run(['poll']);
    await run(['watch', 'last', '--interval', '0', '--timeout', '1s']);
    michigan.setMaintenance(false);
    fed.wes[0].setFaults(undefined);

    const watched = await run(['watch', 'last', '--interval', '0.05', '--timeout', '1m']);
    expect(watched.code, watched.stderr).toBe(0);
    const out = join(fed.dir, 'results');
    const downloaded = await run(['download', 'last', '--out', out]);
    expect(downloaded.code, downloaded.stderr).toBe(0);

    // a second parent to cancel, with the cancel hitting a 404 envelope (job deleted) and maintenance
    michigan.scriptNext({ hang: true });
    await run(['submit', '--services', '1', '--name', 'to-cancel', vcf]);
    michigan.setMaintenance(true);
    await run(['cancel', 'last']);
    michigan.setMaintenance(false);
    await michigan.setState(michigan.jobs.at(-1)!.id, 10);
    await run(['cancel', 'last']);
    await run(['download', 'last', '--out', out]);
    // the echo really happened: the emulator put the token in an error body the client received
    expect(michigan.requests.some((request) => request.status === 503)).toBe(true);

    const passwords = withDb(fed.db, (db) =>
      (db.prepare('SELECT result_password FROM jobs WHERE result_password IS NOT NULL').all() as { result_password: string }[]).map((row) => row.result_password),
    );
    expect(passwords.length).toBeGreaterThan(0);
    const secrets = [...tokens, ...passwords];

    for (const output of outputs) {
      for (const secret of secrets) {
        expect(output.stdout, `stdout of ${output.command}`).not.toContain(secret);
        expect(output.stderr, `stderr of ${output.command}`).not.toContain(secret);
      }
    }
    const written = walk(out);
    expect(written.length).toBeGreaterThan(0);
    for (const file of written.filter((path) => !/\.(gz|zip)$/.test(path))) {
      const text = readFileSync(file, 'latin1');
      for (const secret of secrets) expect(text, file).not.toContain(secret);
    }
    // the store: every table and column, except jobs.result_password
    withDb(fed.db, (db) => {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
      for (const { name } of tables) {
        for (const row of db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]) {
          for (const [column, value] of Object.entries(row)) {
            if (name === 'jobs' && column === 'result_password') continue;
            for (const secret of secrets) expect(String(value), `${name}.${column}`).not.toContain(secret);
          }
        }
      }
    });
    expect(statSync(fed.db).mode & 0o777).toBe(0o600);
    const manifests = written.filter((path) => path.endsWith('manifest.json'));
    expect(manifests.length).toBeGreaterThan(0);
    for (const manifest of manifests) expect(statSync(manifest).mode & 0o777, manifest).toBe(0o600);
  }, 180_000);

  it('the store after servers echo tokens and passwords into what is stored', async () => {
    const hostile = await startHostileServer();
    try {
      const sent = { password: '', token: '' };
      // what the server saw in the upload: the form's result password and the credential header
      const remember = (exchange: Exchange) => {
        sent.password ||= /name="password"\r\n\r\n([^\r]+)/.exec(exchange.body)?.[1] ?? '';
        sent.token ||= String(exchange.request.headers['x-auth-token'] ?? exchange.request.headers.authorization ?? '');
      };
      const echoed = () => `token ${sent.token} password ${sent.password} url-encoded ${encodeURIComponent(sent.password)}`;
      const failing: HostileCase = mich('sfail', {
        hook: (exchange) => {
          if (exchange.route === 'submit') remember(exchange);
          else if (exchange.route === 'jobs' || exchange.route === 'job')
            Object.assign(failing.job, { state: 5, steps: [{ name: 'QC', logMessages: [{ message: `Error: ${echoed()}`, type: 1, time: 0 }] }] });
          return false;
        },
      });
      const wesFailing: HostileCase = wes('swes', {
        hook: (exchange) => {
          if (exchange.route === 'submit') remember(exchange);
          if (exchange.route === 'runs' || exchange.route === 'run')
            Object.assign(wesFailing.job, wesRun('run-swes', 'EXECUTOR_ERROR', { run_log: { stderr: `ERROR ${echoed()} ${JSON.stringify(exchange.request.headers)}`, system_logs: [] } }));
          return false;
        },
      });
      const rejecting = mich('sreject', {
        hook: (exchange) => {
          if (exchange.route !== 'submit') return false;
          exchange.response.writeHead(400, { 'content-type': 'text/plain' });
          const form = /name="password"\r\n\r\n([^\r]+)/.exec(exchange.body)?.[1];
          exchange.response.end(`Parameter 'x' not found. password ${form} ${JSON.stringify(exchange.request.headers)}`);
          return true;
        },
      });
      const dir = join(fed.dir, 'echo');
      mkdirSync(dir);
      const group = createGroup(hostile, dir, [failing, wesFailing, rejecting], { empty: true });
      const vcf = join(dir, 'echo.vcf.gz');
      await generateVcf(vcf, { samples: 24, chromosomes: ['20'], recordsPerChromosome: 50, chrPrefix: true, phased: true });
      const runs = [await group.run(['submit', '--services', '1,2,3', '--verbose', vcf])];
      for (const args of [['poll', '--verbose'], ['jobs'], ['jobs', '--json'], ['status', 'last'], ['status', 'last', '--json']]) runs.push(await group.run(args));
      expect(sent.password.length).toBeGreaterThan(0);
      const passwords = withDb(group.db, (db) => (db.prepare('SELECT result_password FROM jobs WHERE result_password IS NOT NULL').all() as { result_password: string }[]).map((row) => row.result_password));
      const secrets = [failing.token, wesFailing.token, rejecting.token, ...passwords];
      expect(passwords).toContain(sent.password);
      const texts = storeTexts(group.db);
      // the echoes did reach the store, redacted
      expect(texts.filter(({ where, text }) => where === 'jobs.last_error' && text.includes('password ***')).length).toBe(3);
      for (const { where, text } of texts) for (const secret of secrets) expect(text, where).not.toContain(secret);
      for (const run of runs) for (const secret of secrets) expect(run.stdout + run.stderr).not.toContain(secret);
    } finally {
      await hostile.close();
    }
  }, 60_000);
});
