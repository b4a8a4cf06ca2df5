/**
 * A store an older fedimpute wrote (test/helpers/old-store.ts) holds tokens servers echoed and a result
 * password in the child's messages. `jobs` and `status` load no tokens: until a command resolves them they
 * print the tokens (README "Security" says so), never the password (migration 7 masks it when the store is
 * opened). One command that resolves the registry's tokens — an idle `poll`, `services check`, a refresh —
 * sweeps them from every column and document, and a second one writes nothing. The tokens here are this
 * file's own: the process-wide set of secrets (shared by the files of a worker) has never seen them, so
 * the in-process `jobs` prints what the store holds; after the sweep a spawned binary, which knows no secret,
 * checks the output too.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import { startFederation, type Federation } from '../helpers/federation.js';
import { writeOldStore, type OldSecrets } from '../helpers/old-store.js';
import { dumpStore, withDb } from '../helpers/store.js';
import { storeTexts } from './hostile-setup.js';

let fed: Federation;
let secrets: OldSecrets;
// a quote and a backslash (escaped inside `jobs --json`), a slash (URL-encoded in a step)
const WES_TOKEN = `wes"old\\tok/en-${randomUUID()}`;
let counter = 0;
const freshPath = () => join(fed.dir, `old-${++counter}.db`);

beforeAll(async () => {
  fed = await startFederation({ michigan: [{}], wes: [{ token: WES_TOKEN }] });
  secrets = { michigan: fed.michigan[0].tokenFor('alice'), wes: WES_TOKEN, password: `Pw${randomUUID().replace(/-/g, '')}` };
}, 60_000);
afterAll(async () => fed?.close());

/** every form a secret takes in the store or an output: itself, URL-encoded, inside a JSON string */
function forms(): string[] {
  const tokens = [secrets.michigan, secrets.wes];
  return [...new Set([...tokens, ...tokens.map(encodeURIComponent), ...tokens.map((token) => JSON.stringify(token).slice(1, -1)), secrets.password])];
}

/** the store's texts (jobs.result_password aside) and its blobs (salt, fingerprints) hold no form of a secret */
function expectCleanStore(path: string): void {
  for (const { where, text } of storeTexts(path)) for (const form of forms()) expect(text, where).not.toContain(form);
  const blobs = withDb(path, (db) => [...db.prepare('SELECT salt FROM sweep_salt').pluck().all(), ...db.prepare('SELECT fingerprint FROM swept_tokens').pluck().all()] as Buffer[]);
  for (const blob of blobs) for (const form of forms()) expect(blob.includes(Buffer.from(form))).toBe(false);
}

async function readCommands(path: string) {
  const runs = [];
  for (const args of [['jobs'], ['jobs', '--json'], ['status', 'last'], ['status', 'last', '--json']]) runs.push({ args, ...(await fed.cli(args, { env: { FEDIMPUTE_DB: path } })) });
  for (const run of runs) expect(run.code, `${run.args.join(' ')}: ${run.stderr}`).toBe(0);
  return runs;
}

describe('a store an older fedimpute wrote', () => {
  it('prints echoed tokens until a command resolves them; one idle poll sweeps them, a second writes nothing', async () => {
    const path = freshPath();
    writeOldStore(path, secrets);
    const before = await readCommands(path);
    // the password is masked by migration 7 the moment the store is opened, even by `jobs`
    for (const run of before) expect(run.stdout + run.stderr, run.args.join(' ')).not.toContain(secrets.password);
    // the limitation README "Security" states: no token loaded, no sweep yet
    const printed = before.map((run) => run.stdout).join('\n');
    expect(printed).toContain(secrets.michigan);
    expect(printed).toContain(JSON.stringify(secrets.wes).slice(1, -1));

    const poll = await fed.cli(['poll'], { env: { FEDIMPUTE_DB: path } });
    expect(poll.code, poll.stderr).toBe(0);
    expect(poll.stderr).toContain('removed an API token a server had echoed from 6 stored texts (written by an older fedimpute)');
    expect(poll.stderr).toContain('nothing to poll');
    expectCleanStore(path);
    expect(withDb(path, (db) => db.prepare('SELECT count(*) FROM swept_tokens').pluck().get())).toBe(2);
    // what was swept stays readable: the child's error, its password kept for the results
    const child = withDb(path, (db) => db.prepare("SELECT last_error, result_password FROM jobs WHERE service_id = 1").get());
    expect(child).toEqual({ last_error: '401 Unauthorized: X-Auth-Token: ***; result password ***', result_password: secrets.password });

    // a fresh process knows no secret: what it prints is what the store holds
    for (const args of [['jobs'], ['jobs', '--json'], ['status', 'last'], ['status', 'last', '--json']]) {
      const spawned = await fed.spawn(args, { env: { FEDIMPUTE_DB: path } });
      expect(spawned.code, spawned.stderr).toBe(0);
      for (const form of forms()) expect(spawned.stdout + spawned.stderr, args.join(' ')).not.toContain(form);
    }
    for (const run of await readCommands(path)) for (const form of forms()) expect(run.stdout + run.stderr).not.toContain(form);

    // a second poll: nothing left to sweep, no write at all (another connection sees no commit)
    const dump = dumpStore(path);
    const watcher = openDatabase(path);
    const version = watcher.pragma('data_version', { simple: true });
    const again = await fed.cli(['poll'], { env: { FEDIMPUTE_DB: path } });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('removed');
    expect(watcher.pragma('data_version', { simple: true })).toBe(version);
    watcher.close();
    expect(dumpStore(path)).toBe(dump);
  }, 60_000);

  it('services check sweeps an existing store, and creates none', async () => {
    const path = freshPath();
    writeOldStore(path, secrets);
    const check = await fed.cli(['services', 'check'], { env: { FEDIMPUTE_DB: path } });
    expect(check.code, check.stderr).toBe(0);
    expectCleanStore(path);
    const nowhere = join(fed.dir, 'no-store', 'fedimpute.db');
    const elsewhere = await fed.cli(['services', 'check'], { env: { FEDIMPUTE_DB: nowhere } });
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
    expect(existsSync(nowhere)).toBe(false);
  }, 60_000);

  it('a refresh of an unfinished job sweeps the store too', async () => {
    const path = freshPath();
    writeOldStore(path, secrets, { settled: false, wesRun: 'run-unknown-to-the-server' });
    const asked = fed.wes[0].requests.length;
    const refreshed = await fed.cli(['status', 'last', '--refresh'], { env: { FEDIMPUTE_DB: path } });
    expect(refreshed.code, refreshed.stderr).toBe(0);
    // the refresh did ask the server about the running child
    expect(fed.wes[0].requests.slice(asked).some((request) => request.route.startsWith('/runs'))).toBe(true);
    expectCleanStore(path);
    for (const form of forms()) expect(refreshed.stdout + refreshed.stderr).not.toContain(form);
  }, 60_000);
});
