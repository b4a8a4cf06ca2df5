/**
 * The cron contract (README "cron"): `poll --quiet >> log 2>&1` stays silent only when there is nothing to
 * say; a warning or an error always prints; exit 4 when a service rejected the token (or none is set), with
 * a line naming the service, 1 when no service could be reached at all, 0 otherwise; every line names its
 * parent (short id and name) and its service. Exit codes through the binary, as cron runs it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runPoll } from '../../src/commands/poll.js';
import { runSubmit } from '../../src/commands/submit.js';
import { startFederation, type Federation } from '../helpers/federation.js';
import { childRows, parentRow } from './support.js';

let fed: Federation;
let parent: { id: string; short: string };
beforeAll(async () => {
  fed = await startFederation({ michigan: [{ timing: { queuedMs: 600_000 } }], wes: [{ flavor: 'spec', timing: { queuedMs: 600_000 } }] });
  const input = await fed.vcf('study.vcf.gz');
  expect((await fed.call(runSubmit, { files: [input], services: '1,11', name: 'cohort' })).code).toBe(0);
  const row = parentRow(fed.db);
  parent = { id: row.id, short: row.id.slice(0, 8) };
});
afterAll(async () => fed?.close());

// one parent followed by cron: nothing changed, errors that change nothing, then its first change (last; never shuffled)
describe('poll from cron', { shuffle: false }, () => {
  test('nothing changed: exit 0; --quiet prints nothing at all', async () => {
    const quiet = await fed.spawn(['poll', '--quiet']);
    expect(quiet).toEqual({ code: 0, stdout: '', stderr: '' });
    const plain = await fed.spawn(['poll']);
    expect(plain).toEqual({ code: 0, stdout: '', stderr: 'nothing changed (1 unfinished job)\n' });
  });

  test('a rejected token: exit 4 and, under --quiet too, an error line naming the service and the parent', async () => {
    const result = await fed.spawn(['poll', '--quiet'], { env: { MICH1_TOKEN: 'not.a.token' } });
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`error: mich1: Michigan emulator 1 rejected the API token (HTTP 401) [${parent.short} cohort]\n`);
  });

  test('a token variable unset in cron\'s environment: exit 4, the line says which variable', async () => {
    const result = await fed.spawn(['poll', '--quiet'], { env: { MICH1_TOKEN: undefined } });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^error: mich1: .*environment variable MICH1_TOKEN is not set .*\[[0-9a-f]{8} cohort\]\n$/);
  });

  test('no service reachable: exit 1 and a warning per service, under --quiet too', async () => {
    // the same registry with every service on a port nobody listens on
    const text = readFileSync(fed.config, 'utf8').replace(/base_url: http:\/\/127\.0\.0\.1:\d+/g, 'base_url: http://127.0.0.1:9');
    const down = join(fed.dir, 'down.yaml');
    writeFileSync(down, text);
    const result = await fed.spawn(['poll', '--quiet', '--config', down]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.some((line) => line.startsWith('warning: mich1: ') && line.endsWith(`[${parent.short} cohort] (the next poll tries again)`))).toBe(true);
    expect(lines.some((line) => line.startsWith('warning: wes1: ') && line.endsWith(`[${parent.short} cohort] (the next poll tries again)`))).toBe(true);
    // one of two reachable is not "none": exit 0, the warning still printed
    const half = join(fed.dir, 'half.yaml');
    writeFileSync(half, readFileSync(fed.config, 'utf8').replace(fed.michigan[0].url, 'http://127.0.0.1:9'));
    const partly = await fed.spawn(['poll', '--quiet', '--config', half]);
    expect(partly.code).toBe(0);
    expect(partly.stderr).toMatch(/^warning: mich1: /);
  });

  test('every line of a change names the parent (short id and name) and the service', async () => {
    await fed.michigan[0].setState(childRows(fed.db, parent.id)[0].remote_job_id!, 6);
    const poll = await fed.call(runPoll, {}, { quiet: true });
    expect(poll.code).toBe(0);
    const lines = poll.stdout.trim().split('\n').map((line) => line.split('\t'));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line.slice(1, 3)).toEqual([parent.short, 'cohort']);
    expect(lines[0].slice(3, 6)).toEqual(['mich1', childRows(fed.db, parent.id)[0].id.slice(0, 8), 'queued->canceled']);
    expect(lines.at(-1)!.slice(3, 6)).toEqual(['', 'parent', 'queued->failed']);
  });
});
