/**
 * What `status` and `watch` say to do next once the results are in: download while a completed child's
 * results are not home, then combine and compare (two or more services), then compare and where the
 * combination is. In this process, on the store and result folders of combine's tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runCombine } from '../../src/commands/combine.js';
import { runStatus } from '../../src/commands/status.js';
import { runWatch } from '../../src/commands/watch.js';
import { combineSession } from '../combine/fixtures.js';
import { ROOT } from '../helpers/cli.js';
import { rows, setupParent } from '../combine/parent-setup.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /\u001b\[[0-9;?]*[A-Za-z]/g;
const plain = (text: string) => text.replace(CONTROL, '');

let dir: string;
let results: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedimpute-next-'));
  results = join(dir, 'results', '0badcafe-study');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const twoServices = () =>
  setupParent(dir, results, [
    { slug: 'h3africa', files: { '20': rows(10, 20, 30, 40) }, empirical: true, options: { meta: true } },
    { slug: 'ilifu', files: { '20': rows(10, 20, 35, 40) }, empirical: true, options: { meta: true } },
  ]);

describe('next steps after the results came home', () => {
  test('status: downloaded → combine and compare; combined → compare and the combined folder (terminal and pipe)', async () => {
    const db = await twoServices();
    const local = combineSession(dir, db);
    const before = await local.call(runStatus, { parent: '0bad', refresh: false }, { tty: true, columns: 80 });
    expect(before.code).toBe(0);
    expect(plain(before.stdout)).toMatch(/^next: fedimpute combine 0badcafe {2}# meta-impute/m);
    expect(plain(before.stdout)).toMatch(/^ {6}fedimpute compare 0badcafe {2}# how the services agree/m);
    expect(before.stdout).not.toContain('fedimpute download');

    expect((await local.call(runCombine, { parent: '0bad' })).code).toBe(0);
    const after = await local.call(runStatus, { parent: '0bad', refresh: false }, { tty: true, columns: 80 });
    const text = plain(after.stdout);
    expect(text).toMatch(/^next: fedimpute compare 0badcafe {2}# the services and their combination side by/m);
    // the folder from the current one, the comment going on under a `#` at 80 columns
    expect(text.replace(/\n {6}# /g, ' ')).toContain(`combined results in ${join('results', '0badcafe-study', 'combined')}`);
    expect(text).not.toMatch(/fedimpute (download|combine) /);
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    // a pipe: the hint on stderr, whole, the folder whole
    const piped = await local.call(runStatus, { parent: '0bad', refresh: false });
    expect(piped.stderr).toBe(`next: fedimpute compare 0badcafe  # the services and their combination side by side; combined results in ${join(results, 'combined')}\n`);
  });

  test('watch ends with the same advice, on a terminal and off one', async () => {
    const db = await twoServices();
    const local = combineSession(dir, db);
    // every child has finished: watch asks no service, but reads the registry
    const config = join(ROOT, 'services.example.yaml');
    const live = await local.call(runWatch, { parent: '0bad', interval: '0' }, { tty: true, columns: 120, config });
    expect(live.code, live.stderr).toBe(0);
    expect(plain(live.stdout)).toMatch(/next: fedimpute combine 0badcafe {2}# meta-impute/);
    const logged = await local.call(runWatch, { parent: '0bad', interval: '0' }, { config });
    expect(logged.stderr).toContain('next: fedimpute combine 0badcafe  # ');
    expect(logged.stderr).toContain('      fedimpute compare 0badcafe  # ');
    expect(logged.stderr).not.toContain('fedimpute download');
  });

  test('a completed child whose results are not home: download first', async () => {
    const db = await setupParent(dir, results, [
      { slug: 'h3africa', files: { '20': rows(10, 20) } },
      { slug: 'ilifu', files: {} },
    ]);
    const status = await combineSession(dir, db).call(runStatus, { parent: '0bad', refresh: false });
    expect(status.stderr).toBe('next: fedimpute download 0badcafe  # bring the results home\n');
  });
});
