/**
 * The trust boundary (issue 11, DESIGN §6): the binary against a hostile server on loopback (hostile-server.ts,
 * cases in hostile-cases.ts). Every case is one service under its own path prefix; a group of cases shares a
 * registry, a store and one run of a command (poll, services check, cancel, submit, download, panels, watch),
 * so a hundred cases cost a dozen spawns, all started at once. For each case: no credential at another
 * origin, no file from outside local_roots, bounded memory and time, no control byte in stdout, stderr, the
 * store or the manifest, no token or password anywhere.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextHop, type Hop } from '../../src/adapters/http-hops.js';
import { generateVcf } from '../../src/vcf/generate.js';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';
import * as cases from './hostile-cases.js';
import { CONTROL } from './hostile-moves.js';
import { startHostileServer, type HostileCase, type HostileServer, type Origin } from './hostile-server.js';
import { childRow, createGroup, filesBelow, runMeasured, serviceChild, storeTexts, type Group } from './hostile-setup.js';
import { gunzipSync } from 'node:zlib';

let hostile: HostileServer;
let temp: { path: string; cleanup: () => void };
const outputs: { label: string; result: CliResult }[] = [];
const groups: Group[] = [];
const results: Record<string, CliResult> = {};
let measured: CliResult & { peakMb: number; ms: number };
let poll: Group, check: Group, cancel: Group, submit: Group, download: Group, bodies: Group, endless: Group, panels: Group, watch: Group;
let layout: ReturnType<typeof cases.localLayout>;
let downloaded: { files: { name: string; status: string; note: string | null; path: string | null; service_slug: string }[]; errors: { service_slug: string; message: string }[] };

function group(name: string, list: HostileCase[], options: Parameters<typeof createGroup>[3] = {}): Group {
  const dir = join(temp.path, name);
  mkdirSync(dir, { recursive: true });
  const created = createGroup(hostile, dir, list, { password: cases.password, ...options });
  groups.push(created);
  return created;
}

async function run(target: Group, label: string, args: string[]): Promise<CliResult> {
  const result = await target.run(args);
  outputs.push({ label, result });
  results[label] = result;
  return result;
}

beforeAll(async () => {
  hostile = await startHostileServer();
  temp = tempDir('fedimpute-hostile-');
  layout = cases.localLayout(temp.path);
  mkdirSync(join(layout.root, 'subdir'), { recursive: true });
  mkdirSync(layout.outside, { recursive: true });
  writeFileSync(join(layout.root, 'inside.dose.vcf.gz'), 'inside\n');
  writeFileSync(join(layout.root, 'bare.info.gz'), 'bare\n');
  writeFileSync(layout.secret, 'SECRET-OUTSIDE-THE-ROOT\n');
  writeFileSync(join(layout.outside, 'stolen.txt'), 'SECRET-OUTSIDE-THE-ROOT\n');
  symlinkSync(layout.secret, join(layout.root, 'link-out'));
  symlinkSync(join(layout.root, 'inside.dose.vcf.gz'), join(layout.root, 'link-in'));

  poll = group('poll', cases.pollCases);
  check = group('check', cases.checkCases);
  cancel = group('cancel', cases.cancelCases, { oneParent: true });
  submit = group('submit', cases.submitCases, { empty: true });
  download = group('download', cases.downloadCases(hostile.home, layout.root, layout.outside), { oneParent: true, status: 'completed', localRoots: [layout.root] });
  bodies = group('bodies', cases.bodyCases, { env: { FEDIMPUTE_HTTP_TIMEOUT_MS: '800' } });
  endless = group('endless', [cases.endlessCase]);
  panels = group('panels', cases.panelCases);
  watch = group('watch', [cases.watchCase]);
  const vcf = join(submit.dir, 'study.vcf.gz');
  await generateVcf(vcf, { samples: 24, chromosomes: ['20'], recordsPerChromosome: 50, chrPrefix: true, phased: true });
  const out = join(download.dir, 'out');
  await Promise.all([
    (async () => {
      await run(poll, 'poll', ['poll', '--verbose']);
      await Promise.all([
        run(poll, 'jobs', ['jobs']),
        run(poll, 'jobs --json', ['jobs', '--json']),
        run(poll, 'status mfail', ['status', poll.parents.get('mfail')!]),
        run(poll, 'status wfail --json', ['status', poll.parents.get('wfail')!, '--json']),
      ]);
    })(),
    run(check, 'services check --json', ['services', 'check', '--json', '--verbose']).then(() => run(check, 'services check', ['services', 'check'])),
    run(cancel, 'cancel', ['cancel', cancel.parents.get('xecho')!, '--verbose']),
    run(submit, 'submit', ['submit', '--services', [...submit.serviceIds.values()].join(','), '--verbose', vcf]),
    (async () => {
      const first = await run(download, 'download --json', ['download', download.parents.get('dlocal')!, '--out', out, '--json']);
      downloaded = JSON.parse(first.stdout);
      await run(download, 'download', ['download', download.parents.get('dlocal')!, '--out', out]);
    })(),
    run(bodies, 'poll (bodies)', ['poll']),
    runMeasured(endless, ['poll']).then((result) => {
      measured = result;
      outputs.push({ label: 'poll (endless)', result });
    }),
    run(panels, 'panels pnasty', ['panels', 'c1', '--remote']).then(() => run(panels, 'panels pnasty --json', ['panels', 'c1', '--remote', '--json'])),
    run(panels, 'panels pmoved', ['panels', 'c2', '--remote']),
    run(watch, 'watch', ['watch', watch.parents.get('wauth')!, '--interval', '0']),
  ]);
}, 150_000);

afterAll(async () => {
  await hostile?.close();
  temp?.cleanup();
});

/** requests of a case that reached another origin */
const away = (id: string, origin?: Origin) => hostile.recorded.filter((request) => request.caseId === id && request.origin !== 'home' && (!origin || request.origin === origin));
const secrets = () => [...[...hostile.cases.values()].map((item) => item.token), cases.password];
const carriesSecret = (request: { headers: object; body: string; url: string }) =>
  secrets().some((secret) => JSON.stringify(request.headers).includes(secret) || request.body.includes(secret) || request.url.includes(secret));
const expectNoLeak = (id: string) => expect(away(id).filter(carriesSecret), `credentials of ${id} at another origin`).toEqual([]);
const child = (target: Group, id: string) => childRow(target.db, target.children.get(id)!);

describe('redirects: credentials stay with their origin', () => {
  describe('poll: the job list, a job\'s status and details', () => {
    for (const { id, protocol, status, to } of cases.pollRedirects) {
      it(`${protocol} ${protocol === 'michigan' ? 'GET /jobs' : 'GET /runs'} → ${status} to ${to}: followed without the token, the child is not failed`, () => {
        expectNoLeak(id);
        expect(away(id, to).length, 'the redirect was followed').toBeGreaterThan(0);
        expect(child(poll, id).status).toBe('running');
        expect(results.poll.stderr).toMatch(new RegExp(`Case ${id} redirected the (job|run) list to another origin \\(http://(127\\.0\\.0\\.1|localhost):\\d+\\), which refused it without the token`));
      });
    }
    for (const [id, what] of [['ms307p', 'michigan /jobs/{id}/status → 307'], ['mj302h', 'michigan /jobs/{id} (details) → 302'], ['ws308p', 'wes /runs/{id}/status → 308'], ['wr301h', 'wes /runs/{id} (details) → 301']]) {
      it(`${what} to another origin: no token there, not failed`, () => {
        expectNoLeak(id);
        expect(away(id).length).toBeGreaterThan(0);
        expect(child(poll, id).status).toBe('running');
      });
    }
    it('a same-origin redirect (Michigan 302) keeps the token and works', () => {
      const moved = hostile.recorded.find((request) => request.caseId === 'ml302s' && request.url.includes('/moved/'));
      expect(moved?.headers['x-auth-token']).toBe(hostile.cases.get('ml302s')!.token);
      expect(child(poll, 'ml302s').status).toBe('completed');
    });
    it('a same-origin redirect (WES 307) keeps the token and works', () => {
      const moved = hostile.recorded.find((request) => request.caseId === 'wl307s' && request.url.includes('/moved/'));
      expect(moved?.headers.authorization).toBe(`Bearer ${hostile.cases.get('wl307s')!.token}`);
      expect(child(poll, 'wl307s').status).toBe('completed');
    });
  });

  describe('services check: server info, the token check (token in the body), service-info', () => {
    const verdicts = () => JSON.parse(results['services check --json'].stdout).services as { slug: string; token_valid: boolean | null; problems: string[] }[];
    const of = (id: string) => verdicts().find((entry) => entry.slug === `c${check.serviceIds.get(id)}`)!;
    for (const id of ['cs302p', 'cs307h', 'cs301p', 'cs308h']) {
      it(`michigan GET /api/v2/server → ${id.slice(2, 5)} to ${id.endsWith('p') ? 'another port' : 'another host name'}: X-Auth-Token dropped`, () => {
        expectNoLeak(id);
        expect(away(id).some((request) => request.route === 'server')).toBe(true);
        expect(of(id).token_valid).toBe(true);
      });
    }
    for (const id of ['cv301p', 'cv302p', 'cv303h']) {
      it(`michigan POST /tokens/verify → ${id.slice(2, 5)}: becomes a GET without the body; no token at the other origin`, () => {
        expectNoLeak(id);
        const there = away(id);
        expect(there.length).toBeGreaterThan(0);
        expect(there.every((request) => request.method === 'GET' && request.body === '')).toBe(true);
      });
    }
    for (const id of ['cv307p', 'cv308h', 'cv307h', 'cv308p']) {
      it(`michigan POST /tokens/verify → ${id.slice(2, 5)} to ${id.endsWith('p') ? 'another port' : 'another host name'}: refused, the body never leaves`, () => {
        expect(away(id)).toEqual([]);
        expect(of(id).problems.join(' ')).toContain('redirected the token check to another origin');
        expect(of(id).token_valid).not.toBe(true);
      });
    }
    it('michigan POST /tokens/verify → 307 on the same origin: the body is re-sent and the token accepted', () => {
      const moved = hostile.recorded.find((request) => request.caseId === 'cv307s' && request.url.includes('/moved/'));
      expect(moved?.method).toBe('POST');
      expect(new URLSearchParams(moved!.body).get('token')).toBe(hostile.cases.get('cv307s')!.token);
      expect(of('cv307s').token_valid).toBe(true);
    });
    for (const id of ['wi302p', 'wi307h', 'wi308h']) {
      it(`wes GET /service-info → ${id.slice(2, 5)}${id === 'wi308h' ? ' (custom auth_header X-Api-Key)' : ''}: credential header dropped`, () => {
        expectNoLeak(id);
        expect(away(id).some((request) => request.route === 'service-info')).toBe(true);
      });
    }
    it('wes GET /runs probe → 303 with a custom auth_header: the key stays home; the problem says where it went', () => {
      expectNoLeak('wp303p');
      expect(away('wp303p').length).toBeGreaterThan(0);
      expect(of('wp303p').problems.join(' ')).toContain('redirected the run list to another origin');
    });
  });

  describe('cancel: Michigan GET, WES POST', () => {
    const lines = () => results.cancel.stdout.trim().split('\n');
    for (const id of cases.cancelCases.map((item) => item.id).filter((id) => id !== 'xecho')) {
      it(`${id.startsWith('xc') ? 'michigan GET /jobs/{id}/cancel' : 'wes POST /runs/{id}/cancel'} → ${id.slice(2, 5)}: no credential at the other origin`, () => {
        expectNoLeak(id);
        expect(away(id).length).toBeGreaterThan(0);
        const slug = `c${cancel.serviceIds.get(id)}`;
        expect(lines().some((line) => line.startsWith(`${slug}\t`))).toBe(true);
      });
    }
  });

  describe('submit: the upload', () => {
    it('michigan upload → 307 to another port: refused, the file never reaches the other origin', () => {
      expect(away('um307p')).toEqual([]);
      expect(serviceChild(submit.db, submit.serviceIds.get('um307p')!)?.status).not.toBe('failed');
    });
    it('michigan upload → 302 to another host name: a GET without the file and without the token', () => {
      expectNoLeak('um302h');
      expect(away('um302h').every((request) => request.method === 'GET' && request.body === '')).toBe(true);
    });
    it('michigan upload → 307 on the same origin: not sent twice (a stream is not replayed)', () => {
      expect(hostile.recorded.filter((request) => request.caseId === 'um307s' && request.url.includes('/moved/'))).toEqual([]);
      expect(results.submit.stderr + results.submit.stdout).toContain('an upload is not sent twice');
    });
    it('wes POST /runs → 308 to another port: refused', () => expect(away('uw308p')).toEqual([]));
    it('wes POST /runs → 303 to another host name: a GET without the token', () => {
      expectNoLeak('uw303h');
      expect(away('uw303h').every((request) => request.method === 'GET')).toBe(true);
    });
  });
});

// what NASTY leaves: the text between the sequences, tabs and newlines made spaces
const clean = 'redevil forged columns forged row';

describe('control bytes and echoed secrets in what servers say', () => {
  it('a Michigan step message: stored and shown without escape sequences, tabs or newlines', () => expect(child(poll, 'mstep').step).toBe(clean));
  it('a Michigan error (type 1) echoing the token and the result password: stored clean and redacted', () => {
    const error = String(child(poll, 'mfail').last_error);
    expect(error).toBe(`Error: ${clean} password=*** token=***`);
    expect(child(poll, 'mfail').status).toBe('failed');
  });
  it('a WES failure: the ERROR line far above the end of the log, without its colour codes', () => {
    expect(child(poll, 'wfail').last_error).toBe('ERROR [job impute] minimac4: reference panel /refs/x not found');
  });
  it('a WES state word carrying escape sequences still maps', () => {
    expect(child(poll, 'wstate').status).toBe('completed');
    expect(child(poll, 'wstate').remote_state).toBe('COMPLETE');
  });
  it('WES system_logs echoing the token: stored clean and redacted', () => expect(child(poll, 'wsys').last_error).toBe(`${clean} token=***`));
  it('the last WES log line as a child\'s message, and poll\'s change line keeps its 9 columns', () => {
    // NASTY's newline ends a line: the last one is what follows it
    expect(child(poll, 'wlast').message).toBe('forged row');
    const line = results.poll.stdout.split('\n').find((row) => row.includes(`\t${poll.children.get('wlast')!.slice(0, 8)}\t`));
    expect(line?.split('\t')).toHaveLength(9);
  });
  for (const id of ['m500', 'w500']) {
    it(`a 500 echoing the request headers (${id.startsWith('m') ? 'Michigan' : 'WES'}): one warning naming the service, no token, child not failed`, () => {
      expect(results.poll.stderr).toContain(`Case ${id}`);
      expect(child(poll, id).status).toBe('running');
    });
  }
  it('a token check answer echoing the token with control bytes: shown clean and redacted', () => {
    const entry = (JSON.parse(results['services check --json'].stdout).services as { slug: string; problems: string[]; token_valid: boolean }[]).find((item) => item.slug === `c${check.serviceIds.get('cvnasty')}`)!;
    expect(entry.token_valid).toBe(false);
    expect(entry.problems.join(' ')).toContain(`token rejected: Invalid API Token *** ${clean}`);
  });
  it('service-info names with control bytes: problems shown clean', () => {
    const entry = (JSON.parse(results['services check --json'].stdout).services as { slug: string; problems: string[] }[]).find((item) => item.slug === `c${check.serviceIds.get('winasty')}`)!;
    expect(entry.problems.length).toBeGreaterThan(0);
    for (const problem of entry.problems) expect(problem).not.toMatch(/[\t\n]/);
  });
  it('a cancel answered with a 500 echoing the token: an error line without it', () => {
    expect(results.cancel.stdout).toMatch(new RegExp(`^c${cancel.serviceIds.get('xecho')}\\t[^\\n]*\\terror\\t`, 'm'));
  });
  it('Michigan rejects the upload with a 400 echoing the form (password, token): the child fails with a clean, redacted message', () => {
    const row = serviceChild(submit.db, submit.serviceIds.get('umecho')!)!;
    expect(row.status).toBe('failed');
    expect(String(row.last_error)).toContain("Parameter 'x' not found.");
    expect(String(row.last_error)).not.toContain(String(row.result_password));
  });
  it('WES refuses the run with a problem+json echoing the headers and control bytes: clean, redacted', () => {
    const row = serviceChild(submit.db, submit.serviceIds.get('uwecho')!)!;
    expect(row.status).toBe('failed');
    expect(String(row.last_error)).toContain(clean);
  });
  it('panels --remote: panel keys and names with control bytes come out clean, one row per panel', () => {
    expect(results['panels pnasty'].stdout.trim().split('\n')).toHaveLength(1);
    expect(results['panels pnasty'].stdout.trim().split('\t')).toHaveLength(5);
    expect(JSON.parse(results['panels pnasty --json'].stdout).panels[0].name).toBe(`Evil ${clean}`);
  });
  it('panels --remote redirected to another origin: no token there, one clear error', () => {
    expectNoLeak('pmoved');
    expect(results['panels pmoved'].code).toBe(1);
    expect(results['panels pmoved'].stderr).toContain('Case pmoved redirected the app form to another origin');
  });
});

describe('bounded reads: size, time', () => {
  it('an endless JSON job list: poll ends with one warning (exit 1: its only service could not be read), peak RSS < 300 MB, the child not failed', () => {
    expect(measured.code, measured.stderr).toBe(1);
    expect(measured.peakMb).toBeGreaterThan(0);
    expect(measured.peakMb).toBeLessThan(300);
    expect(measured.stderr).toContain('warning: c1: Case bendless: the answer to GET /c/bendless/api/v2/jobs is larger than 8 MiB; it was not read');
    expect(child(endless, 'bendless').status).toBe('running');
  });
  const expectBounded = (id: string, pattern: RegExp) => {
    // every service of this registry answered too much, too slowly or not at all: none could be read (exit 1)
    expect(results['poll (bodies)'].code, results['poll (bodies)'].stderr).toBe(1);
    expect(results['poll (bodies)'].stderr).toMatch(new RegExp(`Case ${id}:? .*${pattern.source}`));
    expect(child(bodies, id).status).toBe('running');
  };
  it('a declared 100 MiB answer is refused before it is read', () => expectBounded('bdeclared', /the answer to GET \/c\/bdeclared\/runs is larger than 8 MiB/));
  it('a real 20 MiB answer (chunked) is cut at the cap', () => expectBounded('breal', /the answer to GET \/c\/breal\/api\/v2\/jobs is larger than 8 MiB/));
  it('a body dripping one byte per 100 ms ends at the deadline', () => expectBounded('bdrip', /no complete answer to GET \/c\/bdrip\/api\/v2\/jobs within 0\.8 s/));
  it('headers that never come end at the deadline', () => expectBounded('bsilent', /no (response in time|complete answer to GET \/c\/bsilent\/runs within 0\.8 s)/));
  it('a 503 asking to retry after a day: retries stay bounded', () => expectBounded('bretry', /maintenance/));
  it('a JSON document nested 5000 deep: refused, no stack overflow', () => expectBounded('bnest', /nested deeper than 64 levels/));
});

describe('download: redirects of results, names, stalls, local files', () => {
  const file = (name: string, slug?: string) => downloaded.files.find((entry) => entry.name === name && (!slug || entry.service_slug === slug));
  const slug = (id: string) => `c${download.serviceIds.get(id)}`;
  it('Michigan result redirected to another origin (S3 style): fetched', () => {
    expect(file('chr20.qc.txt')?.status).toBe('downloaded');
    expect(readFileSync(file('chr20.qc.txt')!.path!, 'utf8')).toBe('QC OK\n');
    expect(away('dshare', 'other-port').some((request) => request.route === 'share')).toBe(true);
  });
  it('a WES result redirected on its own origin keeps the token', () => {
    const moved = hostile.recorded.find((request) => request.caseId === 'dsame' && request.url.includes('/moved/'));
    expect(moved?.headers.authorization).toBe(`Bearer ${hostile.cases.get('dsame')!.token}`);
    expect(file('a.dose.vcf.gz')?.status).toBe('downloaded');
  });
  it('a WES result redirected to another origin (S3 style): fetched without the token', () => {
    expectNoLeak('ds3');
    expect(away('ds3', 'other-host').some((request) => request.route === 'file' && !request.headers.authorization)).toBe(true);
    // results named .gz must be gzip data (issue 16)
    expect(gunzipSync(readFileSync(file('b.info.gz')!.path!)).toString()).toBe('s3 style\n');
  });
  it('a Michigan file name with a tab and a newline is refused, shown with visible escapes', () => {
    expect(file('chr20\\tforged\\nrow.txt')?.status).toBe('failed');
    expect(file('ab.txt')?.status).toBe('downloaded');
  });
  it('a WES basename with control bytes is refused', () => {
    expect(downloaded.files.filter((entry) => entry.service_slug === slug('dwname')).map((entry) => entry.status)).toEqual(['failed']);
  });
  it('a download that drips is cut by the minimum-pace rule; nothing partial stays', () => {
    expect(file('slow.txt')?.status).toBe('failed');
    expect(file('slow.txt')?.note).toContain('sent less than 64 KiB in 0.7 s');
    expect(filesBelow(join(download.dir, 'out')).filter((path) => path.endsWith('.part'))).toEqual([]);
  });
  it('a file error (HTTP 500) echoing the password with control bytes: note clean and redacted', () => {
    expect(file('gone.txt')?.status).toBe('failed');
    expect(file('gone.txt')?.note).toBe(`gone.txt: download failed (HTTP 500): no such file ${clean} password=***`);
  });
  it('a WES output URL with a malformed percent escape: that file fails alone, no internal error', () => {
    expect(downloaded.files.filter((entry) => entry.service_slug === slug('dpct')).map((entry) => [entry.name, entry.status])).toEqual([['%E0%A4%A', 'failed']]);
    expect(results['download --json'].stderr).not.toContain('internal error');
  });
  it('WES outputs nested 100 deep: one error for that child, the others unaffected', () => {
    expect(downloaded.errors.find((error) => error.service_slug === slug('ddeep'))?.message).toContain('nested deeper than 64 levels');
  });
  for (const name of ['inside.dose.vcf.gz', 'bare.info.gz', 'link-in.dose.vcf.gz']) {
    it(`local output ${name} under local_roots${name.startsWith('link') ? ' (a symlink to a file inside)' : ''}: copied, mode 0600`, () => {
      expect(file(name)?.status).toBe('downloaded');
      expect(statSync(file(name)!.path!).mode & 0o777).toBe(0o600);
    });
  }
  for (const [name, what] of [
    ['passwd', 'file:///etc/passwd'],
    ['environ', 'file:///proc/self/environ (every token of the environment)'],
    ['shadow', 'the bare path /etc/shadow'],
    ['link-out.txt', 'a symlink inside the root pointing outside it'],
    ['stolen.txt', 'a sibling folder whose name starts like the root'],
    ['secret.txt', 'a path climbing out of the root with ..'],
  ]) {
    it(`local output ${what}: not copied, listed in the manifest`, () => {
      expect(file(name)?.status).toBe('listed');
      expect(file(name)?.note).toMatch(/^not copied: outside local_roots/);
      const manifest = JSON.parse(readFileSync(join(download.dir, 'out', `${download.parents.get('dlocal')!.slice(0, 8)}-hostile`, 'manifest.json'), 'utf8'));
      const listed = manifest.children.flatMap((entry: { not_fetched: { name: string; note: string }[] }) => entry.not_fetched);
      expect(listed.find((entry: { name: string }) => entry.name === name)?.note).toMatch(/^not copied: outside local_roots/);
      expect(results.download.stderr).toContain(`warning: ${slug('dlocal')}: ${name} not copied: outside local_roots`);
    });
  }
  it('a local output naming a folder inside the root: not copied', () => expect(file('subdir')?.note).toContain('not a regular file'));
  it('nothing from outside the roots reached the results; folders 0700, files 0600', () => {
    const out = join(download.dir, 'out');
    for (const path of filesBelow(out)) {
      const text = readFileSync(path, 'latin1');
      expect(text, path).not.toContain('SECRET-OUTSIDE-THE-ROOT');
      expect(text, path).not.toMatch(/^root:/m);
      expect(statSync(path).mode & 0o777, path).toBe(0o600);
      expect(path.slice(out.length), path).not.toMatch(CONTROL);
      expect(path.slice(out.length)).not.toMatch(/[\t\n]/);
    }
    for (const folder of new Set(filesBelow(out).map((path) => path.slice(0, path.lastIndexOf('/'))))) expect(statSync(folder).mode & 0o777, folder).toBe(0o700);
  });
});

describe('exit codes and the store', () => {
  it('watch under a rejected token exits 4 instead of retrying forever', () => {
    expect(results.watch.code).toBe(4);
    expect(results.watch.stderr).toContain('rejected the API token');
  });
  it('an existing store (and its -wal) readable by others is tightened to 0600 with a warning', async () => {
    const db = join(temp.path, 'loose', 'store.db');
    mkdirSync(join(temp.path, 'loose'));
    await runCli(['jobs'], { env: { FEDIMPUTE_DB: db } });
    chmodSync(db, 0o644);
    writeFileSync(`${db}-wal`, '', { mode: 0o644 });
    chmodSync(`${db}-wal`, 0o644);
    const result = await runCli(['jobs'], { env: { FEDIMPUTE_DB: db } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`warning: the job store was readable by others; made it private (0600): ${db} (was 0644), ${db}-wal (was 0644)`);
    expect(statSync(db).mode & 0o777).toBe(0o600);
    for (const file of [`${db}-wal`, `${db}-shm`]) if (existsSync(file)) expect(statSync(file).mode & 0o777, file).toBe(0o600);
  });
  it('a base_url with user:password is refused, saying where credentials belong', async () => {
    const config = join(temp.path, 'userinfo.yaml');
    writeFileSync(config, 'services:\n  - { id: 1, slug: a, name: A, type: michigan, base_url: "https://alice:hunter2secret@impute.example.org", panels: [{ id: 1, name: P, remote_id: x, build: hg38 }] }\n');
    const result = await runCli(['services'], { env: { FEDIMPUTE_CONFIG: config } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('services[0].base_url: a URL without user:password@ (a token goes in token: ${VARIABLE} or token_file: path');
    expect(result.stderr + result.stdout).not.toContain('hunter2secret');
  });
});

describe('the redirect rule itself (scheme, host and port make an origin)', () => {
  const hop = (url: string, extra: Partial<Hop> = {}): Hop => ({ url, method: 'GET', headers: { authorization: 'Bearer secret-token', accept: 'application/json' }, credentialBody: false, crossOrigin: false, ...extra });
  const names = new Set(['authorization', 'x-auth-token']);
  it('http → https on the same host and port is another origin: credentials dropped', () => {
    expect(nextHop(hop('http://a.example:8080/x'), 302, 'https://a.example:8080/x', 'http://a.example:8080/x', names).headers).toEqual({ accept: 'application/json' });
  });
  it('a path on the same origin keeps them; once dropped they stay dropped', () => {
    expect(nextHop(hop('https://a.example/x'), 307, '/y', 'https://a.example/x', names).headers.authorization).toBe('Bearer secret-token');
    const left = nextHop(hop('https://a.example/x'), 302, 'https://b.example/y', 'https://a.example/x', names);
    expect(nextHop(left, 302, 'https://a.example/z', 'https://a.example/x', names).headers.authorization).toBeUndefined();
  });
  it('303 turns a POST into a GET without body or content headers; user:password in a Location is dropped', () => {
    const next = nextHop(hop('https://a.example/x', { method: 'POST', body: 'a=1', headers: { 'content-type': 'text/plain' } }), 303, 'https://u:p@a.example/y', 'https://a.example/x', names);
    expect(next).toMatchObject({ method: 'GET', body: undefined, headers: {}, url: 'https://a.example/y' });
  });
  it('a token-carrying body is never re-sent to another origin; a file: Location is refused', () => {
    expect(() => nextHop(hop('https://a.example/v', { method: 'POST', body: 'token=t', credentialBody: true }), 308, 'https://a.example:444/v', 'https://a.example/v', names)).toThrow(/token check to another origin/);
    expect(() => nextHop(hop('https://a.example/v'), 302, 'file:///etc/passwd', 'https://a.example/v', names)).toThrow(/file: address/);
  });
});

describe('for every case and every command', () => {
  it('no credential (token or password) reached another origin', () => {
    expect(hostile.recorded.filter((request) => request.origin !== 'home').length).toBeGreaterThan(30);
    expect(hostile.recorded.filter((request) => request.origin !== 'home' && carriesSecret(request))).toEqual([]);
  });
  it('no command was killed: every one ended on its own', () => {
    for (const { label, result } of outputs) expect(result.code, `${label}: ${result.stderr}`).toBeLessThan(128);
  });
  it('no control byte in any stdout or stderr', () => {
    for (const { label, result } of outputs) {
      expect(result.stdout, `stdout of ${label}`).not.toMatch(CONTROL);
      expect(result.stderr, `stderr of ${label}`).not.toMatch(CONTROL);
    }
  });
  it('no token or password in any stdout or stderr', () => {
    for (const { label, result } of outputs) for (const secret of secrets()) expect(result.stdout + result.stderr, label).not.toContain(secret);
  });
  it('no token, password or control byte in any store (result_password aside), nor in the manifest', () => {
    for (const target of groups) {
      for (const { where, text } of storeTexts(target.db)) {
        expect(text, `${target.dir} ${where}`).not.toMatch(CONTROL);
        for (const secret of secrets()) expect(text, `${target.dir} ${where}`).not.toContain(secret);
      }
    }
    const manifest = readFileSync(join(download.dir, 'out', `${download.parents.get('dlocal')!.slice(0, 8)}-hostile`, 'manifest.json'), 'utf8');
    expect(manifest).not.toMatch(CONTROL);
    for (const secret of secrets()) expect(manifest).not.toContain(secret);
  });
  it('tab-separated output keeps its columns (jobs: 7 per parent, 9 per child; poll: 9)', () => {
    for (const line of results.jobs.stdout.split('\n').filter(Boolean)) expect(line.split('\t')).toHaveLength(line.startsWith('parent') ? 7 : 9);
    for (const line of results.poll.stdout.split('\n').filter(Boolean)) expect(line.split('\t')).toHaveLength(9);
  });
});
