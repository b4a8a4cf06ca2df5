/**
 * Bad input through the binary's own argv handling (src/main.ts execute, in this process), table-driven: registry mistakes, command-line mistakes, input files
 * (every pre-flight failure class through `submit` and `check`) and server answers (the emulators where they
 * can produce the answer faithfully, a purpose-built `node:http` "garbage server" where no real server would).
 * Each case: the exact first stderr line, the hint line when there is one, the exit code (DESIGN §4), no
 * stack trace, and the store unchanged — or, for the commands that legitimately record something, only
 * what should have changed.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSubmit } from '../../src/commands/submit.js';
import { startFederation, type Federation } from '../helpers/federation.js';
import { dumpStore, jobRows } from '../helpers/store.js';

const require = createRequire(import.meta.url);
const Sqlite = require('better-sqlite3') as typeof BetterSqlite3;

let fed: Federation;
let garbage: Server;
let garbageUrl = '';
let answer: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) => response.end();
const files: Record<string, string> = {};
let runningJob = ''; // remote id of the child that stays running on mich1
let deletedJob = ''; // remote id of a child whose job the server deleted (GET → 404)
let bobOld = ''; // a token of bob's that a newer one revoked (403)
let ambiguousDb = '';

/** the federation's registry with mich1 pointing at the garbage server (same id and slug as the stored child) */
let garbageConfig = '';

beforeAll(async () => {
  fed = await startFederation({
    michigan: [
      { maxJobsPerUser: 50, users: [{ username: 'alice' }, { username: 'bob' }] },
      { uploadLimit: 2000 }, // 413 on upload
    ],
  });
  garbage = createServer((request, response) => {
    request.resume();
    request.on('end', () => answer(request, response));
  });
  await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
  garbageUrl = `http://127.0.0.1:${(garbage.address() as AddressInfo).port}`;
  garbageConfig = join(fed.dir, 'garbage.yaml');
  const yaml = (await import('node:fs')).readFileSync(fed.config, 'utf8');
  writeFileSync(garbageConfig, yaml.replace(fed.michigan[0].url, garbageUrl));

  files.good = await fed.vcf('good.vcf.gz');
  files.gzip = await fed.vcf('plain.vcf.gz', { bgzf: 'gzip' });
  files.two = await fed.vcf('two.vcf.gz', { chromosomes: ['20', '21'], recordsPerChromosome: 100 });
  files.twelve = await fed.vcf('twelve.vcf.gz', { samples: 12 });
  files.hg19 = await fed.vcf('hg19.vcf.gz', { chrPrefix: false });
  files.chrY = await fed.vcf('chrY.vcf.gz', { chromosomes: ['Y'] });
  files.empty = join(fed.dir, 'empty.vcf.gz');
  writeFileSync(files.empty, '');
  files.random = join(fed.dir, 'random.vcf.gz');
  writeFileSync(files.random, Buffer.from(Array.from({ length: 5000 }, (_, index) => (index * 7919 + 13) % 256)));

  // a parent whose child keeps running, and one whose remote job the server later deletes
  fed.michigan[0].scriptNext({ hang: true });
  const first = await fed.call(runSubmit, { files: [files.good], services: '1', name: 'running' });
  expect(first.code, first.stderr).toBe(0);
  fed.michigan[0].scriptNext({ hang: true });
  const second = await fed.call(runSubmit, { files: [files.good], services: '1', name: 'deleted' });
  expect(second.code, second.stderr).toBe(0);
  [runningJob, deletedJob] = fed.michigan[0].jobs.map((job) => job.id);
  bobOld = fed.michigan[0].tokenFor('bob');
  fed.michigan[0].issueToken('bob'); // one API token per user: the new one revokes bobOld

  // two parents sharing the prefix 'abcd' (ids are random UUIDs, so the fixture is written directly)
  ambiguousDb = join(fed.dir, 'ambiguous.db');
  const source = new Sqlite(fed.db);
  source.exec(`VACUUM INTO '${ambiguousDb}'`);
  source.close();
  const db = new Sqlite(ambiguousDb);
  db.pragma('foreign_keys = OFF');
  for (const [name, id] of [['running', 'abcd1111-0000-4000-8000-000000000001'], ['deleted', 'abcd2222-0000-4000-8000-000000000002']]) {
    const { id: old } = db.prepare('SELECT id FROM jobs WHERE name = ? AND parent_job_id IS NULL').get(name) as { id: string };
    db.prepare('UPDATE jobs SET id = ? WHERE id = ?').run(id, old);
    db.prepare('UPDATE jobs SET parent_job_id = ? WHERE parent_job_id = ?').run(id, old);
    db.prepare('UPDATE job_events SET job_id = ? WHERE job_id = ?').run(id, old);
  }
  db.close();
  // written by SQLite with the umask's mode: private like a store fedimpute made (else it warns and tightens it)
  chmodSync(ambiguousDb, 0o600);
}, 60_000);

afterAll(async () => {
  garbage?.close();
  await fed?.close();
});

// ---------------------------------------------------------------------------------------------------------
// registry files

function michiganEntry(lines: string[] = [], { id = '1', slug = 'one' } = {}): string {
  return [
    `  - id: ${id}`,
    `    slug: ${slug}`,
    '    name: One',
    '    type: michigan',
    `    base_url: ${fed.michigan[0].url}`,
    ...lines,
    '    panels:',
    '      - { id: 37, name: P, remote_id: "apps@h3africa-v6hc-s@1.0.0", build: hg38, populations: [afr] }',
  ].join('\n');
}

function registry(name: string, text: string): string {
  const path = join(fed.dir, `${name}.yaml`);
  writeFileSync(path, text);
  return path;
}

// ---------------------------------------------------------------------------------------------------------
// the table

type StoreRule = 'unchanged' | ((before: Record<string, unknown>[], after: Record<string, unknown>[]) => void);

interface Case {
  name: string;
  args: () => string[];
  /** first stderr line */
  message: string | (() => string);
  /** the `  → ` line, when the product gives one */
  hint?: string | (() => string);
  code: number;
  config?: () => string;
  db?: () => string;
  env?: () => Record<string, string>;
  before?: () => void | Promise<void>;
  after?: () => void | Promise<void>;
  store?: StoreRule;
  /** a line stdout must contain (check's findings, services check's problems column) */
  stdout?: string | (() => string);
  /** the whole of stderr, where more than the first line matters */
  stderr?: string | (() => string);
}

const submit = (key: string, ...extra: string[]) => () => ['submit', '--services', '1', ...extra, files[key]];
const check = (key: string) => () => ['check', '--build', 'hg38', files[key]];
const stub = (handler: typeof answer) => () => {
  answer = handler;
};
const html = stub((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/html' });
  response.end('<html><body><h1>Welcome to nginx!</h1></body></html>');
});
const truncated = stub((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'application/json' });
  response.end('{"count":3,"data":[{"id":"job-');
});
const errorBody = stub((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'application/json' });
  response.end('{"success":false,"message":"Database connection lost."}');
});
const redirectLoop = stub((request, response) => {
  response.writeHead(302, { Location: request.url ?? '/' });
  response.end();
});
/** a Cloudgene job in state 42 (no such state): list and detail */
const unknownState = stub((request, response) => {
  const job = { id: runningJob, name: 'running', state: 42, positionInQueue: -1, submittedOn: 1, startTime: 1, endTime: 0, deletedOn: -1, steps: [], outputParams: [] };
  const url = request.url ?? '';
  const asked = /^\/api\/v2\/jobs\/([^/]+)/.exec(url);
  if (asked) job.id = decodeURIComponent(asked[1]);
  const body = url.startsWith('/api/v2/jobs/') ? job : url.startsWith('/api/v2/jobs') ? { count: 1, page: 1, pageSize: 1, prev: null, next: null, pages: [1], data: [job] } : {};
  response.writeHead(200, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
});
const onGarbage = () => garbageConfig;
const maintenance = (on: boolean) => () => fed.michigan[0].setMaintenance(on);

/** rows that differ between two dumps of the jobs table, by id */
function changedRows(before: Record<string, unknown>[], after: Record<string, unknown>[]) {
  const old = new Map(before.map((row) => [row.id as string, row]));
  return after.filter((row) => JSON.stringify(row) !== JSON.stringify(old.get(row.id as string)));
}

const M1 = () => fed.michigan[0].url;
const M = 'Michigan emulator 1';
/** services check prints the measured latency: any number */
const LATENCY = '\u0000LATENCY\u0000';
const EXPIRY = () => new Date(JSON.parse(Buffer.from(fed.michigan[0].tokenFor('alice').split('.')[1], 'base64url').toString()).exp * 1000).toISOString();
const childOf = (remote: string) => jobRows(fed.db).find((row) => row.remote_job_id === remote)! as { id: string };
const lastChild = () => (jobRows(fed.db).filter((row) => row.parent_job_id === lastParent()).at(-1)!.id as string);
const lastParent = () => (jobRows(fed.db).filter((row) => row.parent_job_id === null).at(-1)!.id as string);
/** how a cron line names the parents a poll could not follow: [short id name, …] */
const polled = () =>
  `[${jobRows(fed.db)
    .filter((row) => row.parent_job_id === null && row.settled === 0)
    .map((row) => `${String(row.id).slice(0, 8)} ${row.name}`)
    .join(', ')}]`;
/** a poll's line for a service it could not reach (exit 1 when it was the only one asked) */
const pollWarning = (text: string) => () => `warning: mich1: ${text} ${polled()} (the next poll tries again)`;
const cases: Case[] = [
  // --- registry mistakes ------------------------------------------------------------------------------
  {
    name: 'registry: YAML syntax error',
    config: () => registry('syntax', 'services:\n  - id: 1\n   slug: x\n'),
    args: () => ['services'],
    message: () => `error: ${join(fed.dir, 'syntax.yaml')}:3:1: invalid YAML: Sequence item without - indicator`,
    hint: 'fix the YAML syntax (indentation, quotes, colons)',
    code: 2,
  },
  {
    name: 'registry: tab indentation',
    config: () => registry('tabs', 'services:\n\t- id: 1\n'),
    args: () => ['services'],
    message: () => `error: ${join(fed.dir, 'tabs.yaml')}:2:1: invalid YAML: Tabs are not allowed as indentation`,
    code: 2,
  },
  {
    name: 'registry: unknown key (typo)',
    config: () => registry('unknown-key', `services:\n${michiganEntry(['    max_paralel_jobs: 2'])}\n`),
    args: () => ['services'],
    message: () => `error: ${join(fed.dir, 'unknown-key.yaml')}: services[0]: unknown key 'max_paralel_jobs'`,
    code: 2,
  },
  {
    name: 'registry: wrong type',
    config: () => registry('wrong-type', `services:\n${michiganEntry(['    max_parallel_jobs: two'])}\n`),
    args: () => ['services'],
    message: () => `error: ${join(fed.dir, 'wrong-type.yaml')}: services[0].max_parallel_jobs: expected number, got string "two"`,
    code: 2,
  },
  {
    name: 'registry: bad protocol type',
    config: () => registry('bad-type', `services:\n${michiganEntry().replace('type: michigan', 'type: cloudgene')}\n`),
    args: () => ['services'],
    message: () => `error: ${join(fed.dir, 'bad-type.yaml')}: services[0].type: expected type: michigan or type: wes`,
    hint: 'see the registry format in the README or services.example.yaml',
    code: 2,
  },
  {
    name: 'registry: duplicate ids',
    config: () => registry('duplicate', `services:\n${michiganEntry()}\n${michiganEntry([], { slug: 'two' })}\n`),
    args: () => ['services'],
    message: () => `error: ${join(fed.dir, 'duplicate.yaml')}: services[1].id: duplicate id 1 (also services[0])`,
    hint: 'every service needs its own id and slug',
    code: 2,
  },
  {
    name: 'registry: no services key',
    config: () => registry('empty', 'servces: []\n'),
    args: () => ['services'],
    message: () => `error: ${join(fed.dir, 'empty.yaml')}: services: missing (expected a list)`,
    code: 2,
  },
  {
    name: 'registry: missing token variable (submit)',
    config: () => registry('no-token', `services:\n${michiganEntry(['    token: ${NOT_SET_TOKEN}'])}\n`),
    args: submit('good'),
    message: () =>
      `error: cannot submit: ${join(fed.dir, 'no-token.yaml')}: services[0].token: environment variable NOT_SET_TOKEN is not set (needed by service 1 one) (export NOT_SET_TOKEN=<your API token from ${M1()}>)`,
    // a missing token is exit 4 like a rejected one: the fix is the same, and cron jobs meet it (README)
    code: 4,
  },
  {
    name: 'registry: token_file with mode 0644 (submit)',
    config: () => {
      const token = join(fed.dir, 'token-0644');
      writeFileSync(token, fed.michigan[0].tokenFor('alice'));
      chmodSync(token, 0o644);
      return registry('token-0644', `services:\n${michiganEntry([`    token_file: ${token}`])}\n`);
    },
    args: submit('good'),
    message: () =>
      `error: cannot submit: ${join(fed.dir, 'token-0644.yaml')}: services[0].token_file: ${join(fed.dir, 'token-0644')} has mode 0644; a token file must be readable by you only (chmod 600 ${join(fed.dir, 'token-0644')})`,
    code: 2,
  },
  {
    name: 'registry: token_file missing (services check)',
    config: () => registry('token-missing', `services:\n${michiganEntry([`    token_file: ${join(fed.dir, 'nope')}`])}\n`),
    args: () => ['services', 'check'],
    message: '',
    stdout: () =>
      `1\tone\tproblem\tmichigan\t\t\tfalse\t\t${join(fed.dir, 'token-missing.yaml')}: services[0].token_file: ${join(fed.dir, 'nope')} does not exist (save your API token from ${M1()} there and run chmod 600 ${join(fed.dir, 'nope')})`,
    code: 4,
  },
  {
    name: 'registry: --config names a missing file',
    args: () => ['services', '--config', join(fed.dir, 'absent.yaml')],
    message: () => `error: cannot read the service registry ${join(fed.dir, 'absent.yaml')}: no such file`,
    hint: 'check --config / FEDIMPUTE_CONFIG',
    code: 2,
  },

  // --- command-line mistakes ------------------------------------------------------------------------
  { name: 'cli: unknown service', args: () => ['submit', '--services', '9', files.good], message: "error: cannot submit: unknown service '9' (known: 1 (mich1), 2 (mich2))", code: 2 },
  {
    name: 'cli: panel of another service',
    args: () => ['submit', '--services', '1', '--panels', '39', files.good],
    message: "error: cannot submit: panel '39' is not on service 1 (mich1); its panels are 37 (H3Africa v6), 38 (1000G Phase 3 v5)",
    code: 2,
  },
  {
    // Michigan lifts the input over to the panel's build (a warning, see test/vcf); a bad --phasing stays an error
    name: 'cli: bad --phasing engine',
    args: () => ['submit', '--services', '1', '--phasing', 'shapeit', files.good],
    message: "error: cannot submit: --phasing must be eagle or beagle (or --no-phasing), got 'shapeit'",
    code: 2,
  },
  { name: 'cli: population not on the panel', args: () => ['submit', '--services', '1', '--population', 'eur', files.good], message: "error: cannot submit: population 'eur' is not offered by panel 37 (H3Africa v6) on mich1; choose one of afr, mixed, off", code: 2 },
  { name: 'cli: unknown parent', args: () => ['status', 'ffff'], message: "error: no parent job matches 'ffff'", hint: 'list the jobs and their ids: fedimpute jobs', code: 2 },
  { name: 'cli: unknown parent (cancel)', args: () => ['cancel', 'ffff0000'], message: "error: no parent job matches 'ffff0000'", hint: 'list the jobs and their ids: fedimpute jobs', code: 2 },
  { name: 'cli: parent id too short', args: () => ['status', 'ab'], message: "error: job id 'ab' is too short", hint: 'give at least 4 characters, or `last`', code: 2 },
  { name: 'cli: ambiguous prefix', db: () => ambiguousDb, args: () => ['status', 'abcd'], message: "error: job id 'abcd' is ambiguous: it matches abcd1111, abcd2222", hint: 'give more characters of the id', code: 2 },
  { name: 'cli: bad --interval', args: () => ['watch', 'last', '--interval', '5x'], message: "error: --interval: '5x' is not a duration", hint: 'use e.g. 30s, 5m, 2h, 1d or 1h30m', code: 2 },
  { name: 'cli: bad --timeout', args: () => ['watch', 'last', '--timeout', 'forever'], message: "error: --timeout: 'forever' is not a duration", hint: 'use e.g. 30s, 5m, 2h, 1d or 1h30m', code: 2 },
  { name: 'cli: negative --interval', args: () => ['watch', 'last', '--interval', '-5s'], message: "error: --interval: '-5s' is not a duration", hint: 'use e.g. 30s, 5m, 2h, 1d or 1h30m', code: 2 },
  { name: 'cli: --limit not a number', args: () => ['jobs', '--limit', 'x'], message: "error: --limit must be a positive whole number, got 'x'", code: 2 },
  { name: 'cli: --limit 0', args: () => ['jobs', '--limit', '0'], message: "error: --limit must be a positive whole number, got '0'", code: 2 },
  { name: 'cli: --limit 2.5', args: () => ['jobs', '--limit', '2.5'], message: "error: --limit must be a positive whole number, got '2.5'", code: 2 },
  { name: 'cli: bad --status filter', args: () => ['jobs', '--status', 'done'], message: "error: unknown status 'done'", hint: 'use one of queued, running, completed, failed, canceled', code: 2 },
  { name: 'cli: unknown command', args: () => ['sumbit'], message: "error: unknown command 'sumbit'", code: 2 },
  { name: 'cli: unknown option', args: () => ['jobs', '--lmit', '3'], message: "error: unknown option '--lmit'", code: 2 },
  { name: 'cli: bad --mode', args: () => ['submit', '--services', '1', '--mode', 'fast', files.good], message: "error: cannot submit: --mode must be imputation or qc-only, got 'fast'", code: 2 },
  { name: 'cli: bad --r2-filter', args: () => ['submit', '--services', '1', '--r2-filter', '0.5', files.good], message: "error: cannot submit: --r2-filter '0.5' is not offered by the servers; use one of 0, 0.001, 0.1, 0.2, 0.3", code: 2 },
  { name: 'cli: bad --concurrency', args: () => ['submit', '--services', '1', '--concurrency', '0', files.good], message: "error: --concurrency must be a positive whole number, got '0'", code: 2 },
  { name: 'cli: submit without a file', args: () => ['submit', '--services', '1'], message: "error: missing required argument 'vcf'", code: 2 },
  { name: 'cli: unknown --child', args: () => ['cancel', 'last', '--child', 'ffffffff'], message: () => `error: job ${lastParent().slice(0, 8)} has no child 'ffffffff'`, hint: () => `give a service slug or a child id prefix; see them with: fedimpute status ${lastParent().slice(0, 8)}`, code: 2 },

  // --- input files: every pre-flight failure class through check and submit -------------------------
  { name: 'input: missing file (check)', args: () => ['check', join(fed.dir, 'missing.vcf.gz')], message: () => `error: ${join(fed.dir, 'missing.vcf.gz')}: no such file`, hint: 'check the path and try again', code: 2 },
  { name: 'input: missing file (submit)', args: () => ['submit', '--services', '1', join(fed.dir, 'missing.vcf.gz')], message: () => `error: cannot submit: ${join(fed.dir, 'missing.vcf.gz')}: no such file`, code: 2 },
  ...(
    [
      ['plain gzip', 'gzip', 'not-bgzf', 'The provided VCF file is not bgzip compressed (plain gzip). Please compress it with bgzip and index it with tabix.', 'recompress it with bgzip: `gunzip plain.vcf.gz && bgzip plain.vcf && tabix -p vcf plain.vcf.gz` (or let `fedimpute prepare` do it)'],
      ['two chromosomes', 'two', 'multiple-chromosomes', 'The file contains more than one chromosome (chr20, chr21); the servers expect one chromosome per file.', 'split it: run `fedimpute prepare --build hg38` on it'],
      ['12 samples', 'twelve', 'too-few-samples', 'At least 20 samples must be uploaded.', 'merge more samples into the file; the servers refuse smaller sets'],
      ['hg19 names with --build hg38', 'hg19', 'chr-naming', 'Chromosome names (20) do not match hg38: hg38 needs the chr prefix (chr20).', 'run `fedimpute prepare --build hg38` on it'],
      ['chrY', 'chrY', 'unsupported-chromosome', 'Chromosome chrY is not supported; the servers impute chromosomes 1–22 and X.', 'remove those records (`bcftools view -t ^Y,MT`) or leave the file out'],
      ['empty file', 'empty', 'file-empty', 'The file is empty.', 'export the VCF again; the upload would be refused'],
      ['random bytes', 'random', 'not-vcf', 'This is not a VCF file (no ##fileformat=VCF header line).', 'upload VCF files; convert PLINK data with `fedimpute prepare data.bed --build hg38`'],
    ] as const
  ).flatMap(([label, key, code, text, fix]): Case[] => {
    // the hg19-named file also has hg19 ##contig lengths: a warning comes first, then the one error
    const warning = () =>
      key === 'hg19' ? `warning: ${files[key]}: The ##contig lengths are those of hg19, not hg38; renaming chromosomes does not change coordinates.` : undefined;
    return [
      {
        name: `input: ${label} (check)`,
        args: check(key),
        message: `✖ 1 error, ${key === 'hg19' ? '1 warning' : '0 warnings'}: the servers would reject this input`,
        stdout: () => `error\t${code}\t${files[key]}\t${text}\t${fix}`,
        code: 2,
      },
      {
        name: `input: ${label} (submit)`,
        args: submit(key, '--build', 'hg38'),
        message: () => warning() ?? `error: cannot submit: ${files[key]}: ${text} → ${fix}`,
        stderr: () => `${warning() ? `${warning()}\n` : ''}error: cannot submit: ${files[key]}: ${text} → ${fix}\n`,
        code: 2,
      },
    ];
  }),

  // --- server answers -------------------------------------------------------------------------------
  { name: 'server: HTML instead of JSON (services check)', before: html, config: onGarbage, args: () => ['services', 'check', '1'], message: '', stdout: `1\tmich1\tproblem\tmichigan\t\t${LATENCY}\t\t\tMichigan emulator 1 answered the server info with an HTML page (HTTP 200): Welcome to nginx! (the server may be under maintenance or behind a proxy; try again later)`, code: 1 },
  { name: 'server: HTML instead of JSON (submit)', before: html, config: onGarbage, args: submit('good'), message: 'error: cannot submit: mich1: Michigan emulator 1 answered the server info with an HTML page (HTTP 200): Welcome to nginx! (the server may be under maintenance or behind a proxy; try again later)', code: 1 },
  { name: 'server: HTML instead of JSON (poll)', before: html, config: onGarbage, args: () => ['poll'], message: pollWarning('Michigan emulator 1 answered the job list with an HTML page (HTTP 200): Welcome to nginx!'), code: 1 },
  { name: 'server: truncated JSON (submit)', before: truncated, config: onGarbage, args: submit('good'), message: 'error: cannot submit: mich1: Michigan emulator 1 answered the server info with malformed JSON (HTTP 200): {"count":3,"data":[{"id":"job- (the server may be under maintenance or behind a proxy; try again later)', code: 1 },
  { name: 'server: truncated JSON (status --refresh)', before: truncated, config: onGarbage, args: () => ['status', 'last', '--refresh'], message: 'warning: mich1: Michigan emulator 1 answered the job list with malformed JSON (HTTP 200): {"count":3,"data":[{"id":"job-', code: 0 },
  { name: 'server: 200 with an error body (submit)', before: errorBody, config: onGarbage, args: submit('good'), message: 'error: cannot submit: mich1: the server does not offer the imputationserver2 app; Michigan emulator 1 answered the token check with an error (HTTP 200): Database connection lost.', code: 1 },
  { name: 'server: 200 with an error body (poll)', before: errorBody, config: onGarbage, args: () => ['poll'], message: pollWarning('Michigan emulator 1 answered the job list with an error (HTTP 200): Database connection lost.'), code: 1 },
  {
    name: 'server: unknown state value (status --refresh records it, status unchanged)',
    before: () => {
      unknownState();
      // the store's clock is the test's: let a second pass so that updated_at visibly moves
      fed.clock.advance(1000);
    },
    config: onGarbage,
    args: () => ['status', 'last', '--refresh'],
    message: () => `warning: mich1: job ${deletedJob} is in state 42; keeping queued`,
    code: 0,
    store: (before, after) => {
      // `last` is the parent named 'deleted': only its child is asked, only its child changes
      const changed = changedRows(before, after);
      expect(changed.map((row) => row.remote_job_id)).toEqual([deletedJob]);
      expect(changed[0].remote_state).toBe('42');
      expect(changed[0].message).toBe('unrecognised Cloudgene state 42; keeping the previous status');
      const old = before.find((row) => row.id === changed[0].id)!;
      expect(changed[0].status).toBe(old.status);
      const differing = Object.keys(old).filter((key) => JSON.stringify(old[key]) !== JSON.stringify(changed[0][key]));
      expect(differing.sort()).toEqual(['message', 'remote_state', 'updated_at']);
    },
  },
  { name: 'server: 401 garbage token (services check)', env: () => ({ MICH1_TOKEN: 'not.a.token' }), args: () => ['services', 'check', '1'], message: '', stdout: `1\tmich1\tproblem\tmichigan\timputationserver2 2.0.12\t${LATENCY}\tfalse\t\ttoken rejected: Invalid API Token; create a new API token in the Michigan emulator 1 web UI profile page`, code: 4 },
  { name: 'server: 401 garbage token (submit)', env: () => ({ MICH1_TOKEN: 'not.a.token' }), args: submit('good'), message: 'error: cannot submit: mich1: token rejected: Invalid API Token; create a new API token in the Michigan emulator 1 web UI profile page', code: 4 },
  { name: 'server: 401 garbage token (poll)', env: () => ({ MICH1_TOKEN: 'not.a.token' }), args: () => ['poll'], message: () => `error: mich1: Michigan emulator 1 rejected the API token (HTTP 401) ${polled()}`, code: 4 },
  { name: 'server: 403 revoked token (poll)', env: () => ({ MICH1_TOKEN: bobOld }), args: () => ['poll'], message: () => `error: mich1: Michigan emulator 1 rejected the API token (HTTP 403) ${polled()}`, code: 4 },
  { name: 'server: 403 revoked token (cancel)', env: () => ({ MICH1_TOKEN: bobOld }), args: () => ['cancel', 'last'], message: '', stdout: () => `mich1\t${lastChild()}\tauth-error\tMichigan emulator 1 rejected the API token (HTTP 403)`, code: 4 },
  { name: 'server: 503 maintenance (services check)', before: maintenance(true), after: maintenance(false), args: () => ['services', 'check', '1'], message: '', stdout: () => `1\tmich1\tproblem\tmichigan\timputationserver2 2.0.12\t${LATENCY}\t\t${EXPIRY()}\tthe server is in maintenance mode; Michigan emulator 1 answered the token check with an error (HTTP 503): This functionality is currently under maintenance. (the server may be under maintenance; try again later)`, code: 1 },
  { name: 'server: 503 maintenance (submit)', before: maintenance(true), after: maintenance(false), args: submit('good'), message: 'error: cannot submit: mich1: the server is in maintenance mode; Michigan emulator 1 answered the token check with an error (HTTP 503): This functionality is currently under maintenance. (the server may be under maintenance; try again later)', code: 1 },
  { name: 'server: 503 maintenance (poll)', before: maintenance(true), after: maintenance(false), args: () => ['poll'], message: pollWarning('Michigan emulator 1: the job list failed (HTTP 503): This functionality is currently under maintenance.'), code: 1 },
  { name: 'server: redirect loop (services check)', before: redirectLoop, config: onGarbage, args: () => ['services', 'check', '1'], message: '', stdout: '1\tmich1\tproblem\tmichigan\t\t\t\t\tMichigan emulator 1: too many redirects (the server redirects in a loop) (check base_url in services.yaml)', code: 1 },
  { name: 'server: redirect loop (submit)', before: redirectLoop, config: onGarbage, args: submit('good'), message: 'error: cannot submit: mich1: Michigan emulator 1: too many redirects (the server redirects in a loop) (check base_url in services.yaml)', code: 1 },
  { name: 'server: redirect loop (poll)', before: redirectLoop, config: onGarbage, args: () => ['poll'], message: pollWarning('Michigan emulator 1: too many redirects (the server redirects in a loop)'), code: 1 },
  {
    name: 'server: 413 on upload (submit records the refused child)',
    args: () => ['submit', '--services', '2', '--panels', '37', files.good],
    // not a TTY: one row per child, then the summary
    message: 'mich2\tfailed\t\tMichigan emulator 2 refused the upload as too large (HTTP 413): Request Entity Too Large',
    stderr: 'mich2\tfailed\t\tMichigan emulator 2 refused the upload as too large (HTTP 413): Request Entity Too Large\n0 of 1 child jobs submitted, 1 refused\n',
    code: 3,
    store: (before, after) => {
      expect(after.length).toBe(before.length + 2);
      const added = after.filter((row) => !before.some((old) => old.id === row.id));
      const child = added.find((row) => row.parent_job_id)!;
      expect(child.status).toBe('failed');
      expect(child.remote_job_id).toBeNull();
      expect(String(child.message)).toContain('HTTP 413');
      expect(changedRows(before, after).length).toBe(2);
    },
  },
  {
    name: 'server: 404 for a known job (poll)',
    before: () => fed.michigan[0].setState(deletedJob, 10),
    args: () => ['poll'],
    message: '',
    stdout: () =>
      `${'*'}\t${(childOf(deletedJob) as unknown as { parent_job_id: string }).parent_job_id.slice(0, 8)}\tdeleted\tmich1\t${childOf(deletedJob).id.slice(0, 8)}\tqueued->failed\t0\t${deletedJob}\t${M} no longer knows job ${deletedJob} — the job was deleted on the server before it was seen to finish`,
    code: 0,
    store: (before, after) => {
      // the deleted job's child failed (its results are gone), with the reason; its parent follows
      const child = after.find((row) => row.remote_job_id === deletedJob)!;
      expect(child.status).toBe('failed');
      expect(child.last_error).toBe(`${M} no longer knows job ${deletedJob} — the job was deleted on the server before it was seen to finish`);
      const parent = after.find((row) => row.id === child.parent_job_id)!;
      expect(parent.status).toBe('failed');
      expect(parent.settled).toBe(1);
    },
  },
];

const PRINT = process.env.HARDENING_PRINT === '1';

// the cases share one store and federation and some change them (a refused child, a deleted job): a table
// read in its order, never shuffled
describe('bad input: one clear line, the right exit code, no stack, store unchanged', { shuffle: false }, () => {
  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases.map((entry) => [entry.name, entry] as const))('%s', async (_name, entry) => {
    await entry.before?.();
    const db = entry.db?.() ?? fed.db;
    const before = dumpStore(db);
    const rowsBefore = jobRows(db);
    try {
      const result = await fed.cli(entry.args(), {
        env: { ...(entry.config ? { FEDIMPUTE_CONFIG: entry.config() } : {}), FEDIMPUTE_DB: db, ...entry.env?.() },
      });
      const lines = result.stderr.split('\n');
      const first = lines[0];
      const hintLine = lines[1]?.startsWith('  → ') ? lines[1].slice(4) : undefined;
      if (PRINT) console.log(JSON.stringify({ name: entry.name, code: result.code, first, hint: hintLine, stderr: result.stderr, stdout: result.stdout, rows: JSON.stringify(changedRows(rowsBefore, jobRows(db))) }));
      const message = typeof entry.message === 'function' ? entry.message() : entry.message;
      const hint = typeof entry.hint === 'function' ? entry.hint() : entry.hint;
      expect(first, result.stderr).toBe(message);
      if (hint !== undefined) expect(hintLine).toBe(hint);
      const stdout = typeof entry.stdout === 'function' ? entry.stdout() : entry.stdout;
      if (stdout !== undefined) {
        // latency and event times vary: LATENCY stands for a number of ms, a leading '*' for an ISO time
        const pattern = new RegExp(
          `^${stdout.split(LATENCY).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\d+').replace(/^\\\*/, '\\d{4}-[\\d:.TZ-]+')}$`,
          'm',
        );
        expect(result.stdout, result.stdout).toMatch(pattern);
      }
      const stderr = typeof entry.stderr === 'function' ? entry.stderr() : entry.stderr;
      if (stderr !== undefined) expect(result.stderr).toBe(stderr);
      expect(result.code, result.stderr).toBe(entry.code);
      expect(result.stderr).not.toMatch(/^\s{4}at /m);
      expect(result.stdout).not.toMatch(/^\s{4}at /m);
      if (!entry.store || entry.store === 'unchanged') expect(dumpStore(db)).toBe(before);
      else entry.store(rowsBefore, jobRows(db));
    } finally {
      await entry.after?.();
    }
  });
});
