/**
 * The machine's refusals for every command: --db naming a folder and a registry whose YAML aliases would
 * expand without bound (command lines run in this process as the binary parses them); through the binary, a
 * store locked by another process past the busy timeout and a read-only or full disk under the store (a
 * private mount namespace, where user namespaces are allowed); and `submit` whose remote job was created while
 * the store could not record it. Each: one line naming the path and what to do, the documented exit code,
 * never "internal error … report it".
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runPoll } from '../../src/commands/poll.js';
import { runSubmit } from '../../src/commands/submit.js';
import { EnvironmentError } from '../../src/errors.js';
import { BIN, cleanEnv, type CliResult } from '../helpers/cli.js';
import { startFederation, type Federation } from '../helpers/federation.js';
import { jobRows } from '../helpers/store.js';

const require = createRequire(import.meta.url);
const Sqlite = require('better-sqlite3') as typeof BetterSqlite3;

let fed: Federation;
beforeAll(async () => {
  fed = await startFederation();
});
afterAll(async () => fed?.close());

const namespaces = spawnSync('sh', ['-c', 'unshare -rm sh -c "mount -t tmpfs -o size=64k none /tmp"'], { stdio: 'ignore' }).status === 0;
const noInternal = (result: CliResult) => expect(result.stderr).not.toMatch(/internal error|report it/);

/** the binary inside a private mount namespace, after `setup` (sh) ran there; $FEDIMPUTE runs it */
function inNamespace(setup: string, args: string[], db: string): Promise<CliResult> {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  return new Promise((resolve) =>
    execFile('unshare', ['-rm', 'sh', '-c', `${setup} && exec ${command}`], { cwd: fed.dir, env: cleanEnv({ FEDIMPUTE_CONFIG: fed.config, FEDIMPUTE_DB: db, ...fed.env }) },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })),
  );
}

describe('store and registry faults, for every command', () => {
  test('--db naming a folder: one line, exit 2 (fast path and commander path alike)', async () => {
    const folder = join(fed.dir, 'a-folder');
    mkdirSync(folder);
    for (const args of [['jobs'], ['status', 'last'], ['poll']]) {
      const result = await fed.cli([...args, '--db', folder]);
      expect(result.stderr).toBe(`error: the job store ${folder} is a folder, not a file\n  → point --db at a file, e.g. ${join(folder, 'fedimpute.db')}\n`);
      expect(result.code).toBe(2);
    }
  });

  test('a store locked by another process beyond the busy timeout: one line, exit 1', async () => {
    const db = join(fed.dir, 'locked.db');
    writeFileSync(db, '', { mode: 0o600 });
    const holder = new Sqlite(db);
    holder.pragma('journal_mode = WAL');
    holder.exec('CREATE TABLE hold (x)');
    holder.exec('BEGIN IMMEDIATE');
    holder.exec('INSERT INTO hold VALUES (1)');
    try {
      const result = await fed.spawn(['jobs', '--db', db], { env: { FEDIMPUTE_STORE_BUSY_MS: '200' } });
      expect(result.stderr).toBe(
        `error: the job store ${db} stayed locked by another process longer than fedimpute waits\n  → another fedimpute command is writing to it: let it finish (or stop it), then run this again\n`,
      );
      expect(result.code).toBe(1);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  test('a registry whose YAML aliases expand without bound (billion laughs): one line, exit 2', async () => {
    const config = join(fed.dir, 'laughs.yaml');
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((name, index) => `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[index]}`).join(', ')}]`)];
    writeFileSync(config, `${levels.join('\n')}\nservices: []\n`);
    const result = await fed.cli(['services', '--config', config]);
    expect(result.stderr).toBe(`error: ${config}: its YAML aliases (*name) expand more than 100 times\n  → write the repeated parts out, or use fewer nested anchors (&name)\n`);
    expect(result.code).toBe(2);
  });

  test.skipIf(!namespaces)('a store on a read-only file system: one line, exit 2', async () => {
    const folder = join(fed.dir, 'ro');
    mkdirSync(folder);
    await fed.cli(['jobs', '--db', join(folder, 'store.db')]);
    const result = await inNamespace(`mount --bind ${folder} ${folder} && mount -o remount,bind,ro ${folder}`, ['poll'], join(folder, 'store.db'));
    noInternal(result);
    expect(result.stderr).toBe(`error: cannot create or open the job store ${join(folder, 'store.db')}: read-only file system\n  → point --db or FEDIMPUTE_DB at a writable SQLite file\n`);
    expect(result.code).toBe(2);
  });

  test.skipIf(!namespaces)('a full disk under the store: one line, exit 1', async () => {
    const folder = join(fed.dir, 'full');
    mkdirSync(folder);
    const source = join(fed.dir, 'seed.db');
    await fed.cli(['jobs', '--db', source]);
    const vcf = await fed.vcf('full.vcf.gz');
    // a tmpfs just big enough for the store, then filled up: the first write that needs a new page fails
    const setup = `mount -t tmpfs -o size=512k none ${folder} && cp ${source} ${folder}/store.db && (dd if=/dev/zero of=${folder}/filler bs=4k 2>/dev/null; true)`;
    const result = await inNamespace(setup, ['submit', '--services', '1', '--name', 'full', vcf], join(folder, 'store.db'));
    noInternal(result);
    expect(result.stderr).toContain(`error: no space left on device for the job store ${join(folder, 'store.db')}\n  → free some space on that disk, then run this again\n`);
    expect(result.code).toBe(1);
  });

  test('submit: the service created the job but the store could not record it — say so; poll finds it again, no duplicate', async () => {
    // in-process: the adapter's submit returns only once another connection holds the store's write lock
    const emulator = fed.michigan[0];
    const before = emulator.jobs.length;
    const holder = new Sqlite(fed.db);
    const { context } = fed.context({ env: { FEDIMPUTE_STORE_BUSY_MS: '100' }, quiet: true });
    const adapterOf = context.adapter.bind(context);
    context.adapter = async (service) => {
      const adapter = await adapterOf(service);
      return { ...adapter, submit: async (request) => {
        const outcome = await adapter.submit(request);
        holder.exec('BEGIN IMMEDIATE');
        return outcome;
      } };
    };
    const failure = await runSubmit({ files: [await fed.vcf('locked.vcf.gz')], services: '1', name: 'locked' }, context).then(() => undefined, (error: unknown) => error);
    holder.exec('ROLLBACK');
    holder.close();
    context.close();
    const remote = emulator.jobs[emulator.jobs.length - 1].id;
    expect(failure).toBeInstanceOf(EnvironmentError);
    expect((failure as EnvironmentError).message).toBe(`mich1 accepted job ${remote}, but the job store could not record it: the job store ${fed.db} stayed locked by another process longer than fedimpute waits`);
    expect((failure as EnvironmentError).hint).toBe(`do not submit again: once the store is writable, \`fedimpute poll\` finds job ${remote} on mich1 and records it`);
    expect((failure as EnvironmentError).exitCode).toBe(1);
    // the child still says "submitting" under this process's lease; a binary would now exit and end that lease
    const owner = `${hostname()}:${process.pid}`;
    const ended = `${hostname()}:${spawnSync('true').pid}`;
    const writer = new Sqlite(fed.db);
    expect(writer.prepare("UPDATE jobs SET lease_owner = ? WHERE lease_owner = ? AND submit_state = 'submitting'").run(ended, owner).changes).toBe(1);
    writer.close();
    const polled = await fed.call(runPoll, {});
    expect(polled.code).toBe(0);
    expect(jobRows(fed.db).filter((row) => row.remote_job_id === remote)).toHaveLength(1);
    expect(emulator.jobs.length).toBe(before + 1);
  });
});
