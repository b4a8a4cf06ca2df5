/**
 * What a person at a terminal sees, in this process (stdout and stderr are TTY streams in memory, time is
 * the test's): submit's result table, watch's live table with its countdown and footer, status fitted to
 * the terminal's width, download's list. test/lifecycle/tty.test.ts runs the binary on a real pty.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runDownload } from '../../src/commands/download.js';
import { runStatus } from '../../src/commands/status.js';
import { runSubmit } from '../../src/commands/submit.js';
import { runWatch } from '../../src/commands/watch.js';
import { startFederation, type Federation } from '../helpers/federation.js';
import { displayWidth } from '../../src/output/width.js';

// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
let fed: Federation;

beforeAll(async () => {
  fed = await startFederation({ michigan: [{}], wes: [{ flavor: 'spec' }] });
});
afterAll(async () => fed?.close());

describe('on a terminal', () => {
  test('submit → watch → status → download', async () => {
    const vcf = await fed.vcf('tty.vcf.gz');
    // the Michigan job hangs until the test lets it finish: the watch below must wait at least once
    fed.michigan[0].scriptNext({ hang: true });
    const submitted = await fed.call(runSubmit, { files: [vcf], services: '1,11' }, { tty: true });
    expect(submitted.code, submitted.stderr).toBe(0);
    const submitText = plain(submitted.stdout);
    expect(submitText).toMatch(/✔ [0-9a-f]{8} tty — all 2 child jobs submitted/);
    expect(submitText).toMatch(/SERVICE.*PANEL.*REMOTE JOB.*STATUS/);
    expect(submitText).toContain('follow it with: fedimpute watch');
    expect(submitted.stdout).toMatch(/\u001b\[3\dm/); // colour on a terminal
    // on stderr: a spinner while the input is read and the services asked, then a bar per upload
    const chatter = plain(submitted.stderr);
    expect(chatter).toContain("checking the input against the servers' rules…");
    expect(chatter).toContain('asking each service whether it is up and takes the token…');
    expect(chatter).toMatch(/✔ +mich1 +accepted by the service/);
    expect(chatter).toMatch(/✔ +wes1 +accepted by the service/);

    const waiting = await fed.call(runWatch, { parent: 'last', interval: '5s', timeout: '10s' }, { tty: true });
    expect(waiting.code).toBe(8);
    const frames = plain(waiting.stdout);
    expect(frames).toContain('next poll in 5s · Ctrl-C stops watching, the jobs keep running');
    expect(frames).toContain('next poll in 1s');
    expect(frames).toContain('still running after 10s; the jobs keep running');
    // the last frame ends with what to do next
    expect(frames).toMatch(/still running after 10s; the jobs keep running\nnext: fedimpute watch [0-9a-f]{8} {2}# follow it until every child has finished\n/);
    expect(waiting.stderr).toContain('still running after 10s');

    await fed.michigan[0].setState(fed.michigan[0].jobs[0].id, 4);
    const watched = await fed.call(runWatch, { parent: 'last', interval: '0.2' }, { tty: true });
    expect(watched.code, watched.stderr).toBe(0);
    const watchText = plain(watched.stdout);
    expect(watchText).toContain('all children finished');
    expect(watchText).toMatch(/✔ completed/);
    expect(watchText).toMatch(/2 of 2 completed/);
    expect(watchText).toMatch(/next: fedimpute download [0-9a-f]{8} {2}# bring the results home\n?$/);

    const narrow = await fed.call(runStatus, { parent: 'last' }, { tty: true, columns: 100 });
    expect(narrow.code).toBe(0);
    const lines = plain(narrow.stdout).trimEnd().split('\n');
    expect(lines[2]).toMatch(/^SERVICE +(PANEL +)?REMOTE JOB +STATUS/);
    for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(100);

    const downloaded = await fed.call(runDownload, { parent: 'last', out: 'tty-results' }, { tty: true });
    expect(downloaded.code, downloaded.stderr).toBe(0);
    expect(plain(downloaded.stdout)).toContain('✔ mich1/chr20.dose.vcf.gz');
    expect(plain(downloaded.stdout)).toContain('✔ wes1/');
    expect(plain(downloaded.stderr)).toMatch(/files downloaded .*manifest: /);
  });
});
