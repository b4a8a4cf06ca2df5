/**
 * A service removed from the registry while its jobs live on is said one way everywhere: one message
 * naming the service and the registry, its jobs left as they are, the other services' jobs carried on,
 * and exit 2 (a registry problem) from poll, watch, cancel, retry and download.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { runCancel } from '../../src/commands/cancel.js';
import { runDownload } from '../../src/commands/download.js';
import { runPoll } from '../../src/commands/poll.js';
import { runRetry } from '../../src/commands/retry.js';
import { runSubmit } from '../../src/commands/submit.js';
import { runWatch } from '../../src/commands/watch.js';
import { startFederation, type Federation } from '../helpers/federation.js';
import { dumpStore } from '../helpers/store.js';
import { childRows, parentRow } from './support.js';

const opened: Federation[] = [];
afterAll(async () => {
  for (const federation of opened) await federation.close();
});

/** the registry without service `id` (its YAML block, up to the next service) */
function removeService(federation: Federation, id: number): string {
  const original = readFileSync(federation.config, 'utf8');
  const blocks = original.split(/(?=^ {2}- id: )/m);
  writeFileSync(federation.config, blocks.filter((block) => !block.startsWith(`  - id: ${id}\n`)).join(''));
  return original;
}

const gone = (federation: Federation, id: number, slug: string) =>
  `service ${id} (${slug}) is no longer in the registry ${federation.config}; put it back with id ${id} to follow, cancel, retry or download its jobs`;

describe.concurrent('a service gone from the registry', () => {
  test('poll, watch, cancel and retry: its child untouched, the others carried on, one message, exit 2', async () => {
    const federation = await startFederation({ michigan: [{}, {}] });
    opened.push(federation);
    federation.michigan[1].scriptNext({ hang: true });
    const submit = await federation.call(runSubmit, { files: [await federation.vcf('study.vcf.gz')], services: '1,2' });
    expect(submit.code, submit.stderr).toBe(0);
    const parent = parentRow(federation.db);
    const original = removeService(federation, 2);
    const message = gone(federation, 2, 'mich2');
    const before = childRows(federation.db, parent.id)[1];

    const poll = await federation.call(runPoll, {});
    expect(poll.code).toBe(2);
    // a service gone from the registry needs the user: an error line naming the parent (the cron contract)
    expect(poll.stderr).toContain(`error: mich2: ${message} [${parent.id.slice(0, 8)} study]\n`);
    const watch = await federation.call(runWatch, { parent: 'last', interval: '0' });
    expect(watch.code).toBe(2);
    expect(watch.stderr).toBe(`error: mich2: ${message} [${parent.id.slice(0, 8)} study]\n`);
    expect(watch.stderr).not.toContain('will retry');
    expect(childRows(federation.db, parent.id)[1]).toEqual(before);

    const cancel = await federation.call(runCancel, { parent: 'last' });
    expect(cancel.code).toBe(2);
    const [mich1, mich2] = childRows(federation.db, parent.id);
    expect(cancel.stdout).toContain(`mich2\t${mich2.id}\terror\t${message}\n`);
    expect(cancel.stdout).toContain(`mich1\t${mich1.id}\tcanceled\tcanceled\n`);
    expect(mich1.status).toBe('canceled');
    expect(mich2).toEqual(before);

    // back in the registry, mich2 can be canceled; gone again, neither child can be retried
    writeFileSync(federation.config, original);
    expect((await federation.call(runCancel, { parent: 'last' })).code).toBe(0);
    removeService(federation, 2);
    const store = dumpStore(federation.db);
    const retry = await federation.call(runRetry, { parent: 'last' });
    expect(retry.code).toBe(2);
    expect(retry.stderr).toBe(`error: ${message}\n`);
    expect(dumpStore(federation.db)).toBe(store);
  });

  test('download: the other services\' results come home, the gone one is an error naming it, exit 2', async () => {
    const federation = await startFederation({ michigan: [{}, {}] });
    opened.push(federation);
    const submit = await federation.call(runSubmit, { files: [await federation.vcf('study.vcf.gz')], services: '1,2' });
    expect(submit.code, submit.stderr).toBe(0);
    const parent = parentRow(federation.db);
    await federation.pollUntil(() => childRows(federation.db, parent.id).every((child) => child.status === 'completed'), 'both children completed');
    removeService(federation, 1);
    const download = await federation.call(runDownload, { parent: 'last', out: 'results' }, { json: true });
    expect(download.code).toBe(2);
    const report = JSON.parse(download.stdout) as { files: { service_slug: string; status: string }[]; errors: { service_slug: string; message: string; registry?: boolean }[] };
    expect(report.errors).toEqual([{ child_id: childRows(federation.db, parent.id)[0].id, service_slug: 'mich1', name: null, message: gone(federation, 1, 'mich1'), registry: true }]);
    expect(report.files.filter((file) => file.status === 'downloaded').map((file) => file.service_slug)).toContain('mich2');
    expect(report.files.some((file) => file.service_slug === 'mich1')).toBe(false);
  });
});
