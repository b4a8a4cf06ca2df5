/**
 * Groups of hostile cases for the trust-boundary suite: each group has its own registry (one service per
 * case, base_url under the case's prefix on the hostile server), its own store seeded with a parent per case
 * (or one parent for all), and runs its command lines with short, test-sized bounds: as the binary runs them,
 * in this process (`execute`), or as the binary itself where its memory is measured (runMeasured).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../src/store/db.js';
import { runCli, spawnCli, type CliResult } from '../helpers/cli.js';
import { session } from '../helpers/harness.js';
import { withDb } from '../helpers/store.js';
import type { HostileCase, HostileServer } from './hostile-server.js';

export interface GroupOptions {
  /** WES outputs.local_roots of every WES service */
  localRoots?: string[];
  /** child status in the store: running children are polled, completed ones downloaded */
  status?: 'running' | 'completed';
  /** one parent holding every case's child (cancel, download), or a parent per case */
  oneParent?: boolean;
  /** environment for every run (bounds) */
  env?: Record<string, string>;
  /** the Michigan children's result password (a case's server may echo it) */
  password?: string;
  /** an empty store (submit makes its own children) */
  empty?: boolean;
}

export interface Group {
  dir: string;
  config: string;
  db: string;
  env: Record<string, string>;
  /** parent id by case id */
  parents: Map<string, string>;
  /** child id by case id */
  children: Map<string, string>;
  /** service id by case id */
  serviceIds: Map<string, number>;
  password: string;
  /** a command line as the binary runs it, in this process */
  run(args: string[]): Promise<CliResult>;
  /** the binary itself, for what needs a process of its own (another process uploading) */
  spawn(args: string[]): Promise<CliResult>;
}

export const token = (caseId: string) => `tok-${caseId}-${randomBytes(12).toString('hex')}`;
export const newPassword = () => `Pw${randomBytes(12).toString('hex')}`;

export function createGroup(hostile: HostileServer, dir: string, cases: HostileCase[], options: GroupOptions = {}): Group {
  const lines = ['services:'];
  const env: Record<string, string> = { FEDIMPUTE_RETRY_BASE_MS: '5', FEDIMPUTE_HTTP_TIMEOUT_MS: '3000', FEDIMPUTE_DOWNLOAD_STALL_MS: '700', ...options.env };
  const serviceIds = new Map<string, number>();
  cases.forEach((hostileCase, index) => {
    const id = index + 1;
    serviceIds.set(hostileCase.id, id);
    env[`T_${id}`] = hostileCase.token;
    hostile.add(hostileCase);
    lines.push(`  - id: ${id}`, `    slug: c${id}`, `    name: Case ${hostileCase.id}`, `    type: ${hostileCase.protocol}`, `    base_url: ${hostile.home}/c/${hostileCase.id}`, `    token: \${T_${id}}`);
    if (hostileCase.protocol === 'michigan') {
      lines.push('    default_panel: 1', '    panels:', '      - { id: 1, name: Hostile panel, remote_id: "apps@hostile@1.0.0", build: hg38 }');
    } else {
      lines.push(
        '    api_prefix: ""',
        ...(hostileCase.authHeader ? [`    auth_header: ${hostileCase.authHeader}`] : []),
        '    workflow: { url: "https://example.org/impute.cwl", type: CWL, version: v1.2 }',
        '    input: { mode: url, url_prefix: "https://data.example.org/" }',
        '    params: { vcf: "{{input}}" }',
        `    outputs: { include: ["**"], local_roots: ${JSON.stringify(options.localRoots ?? [])} }`,
        '    default_panel: 1',
        '    panels:',
        '      - { id: 1, name: Hostile panel, build: hg38 }',
      );
    }
  });
  const config = join(dir, 'services.yaml');
  writeFileSync(config, `${lines.join('\n')}\n`);
  const db = join(dir, 'store.db');
  const password = options.password ?? newPassword();
  const { parents, children } = options.empty ? { parents: new Map<string, string>(), children: new Map<string, string>() } : seed(db, cases, options, password);
  return {
    dir, config, db, env, parents, children, serviceIds, password,
    run: (args) => session({ cwd: dir, env: { FEDIMPUTE_CONFIG: config, FEDIMPUTE_DB: db, ...env } }).cli(args),
    spawn: (args) => runCli(args, { cwd: dir, timeoutMs: 90_000, env: { FEDIMPUTE_CONFIG: config, FEDIMPUTE_DB: db, ...env } }),
  };
}

/** parents and children written straight into a fresh store (the schema's columns, as submit leaves them) */
function seed(path: string, cases: HostileCase[], options: GroupOptions, password: string) {
  const db = openDatabase(path);
  const parents = new Map<string, string>();
  const children = new Map<string, string>();
  const now = new Date().toISOString();
  const status = options.status ?? 'running';
  const insert = db.prepare(`INSERT INTO jobs (id, parent_job_id, name, service_id, service_slug, service_name, service_type, reference_panel_id, panel_name,
      remote_job_id, status, remote_state, progress, input_files, options, result_password, submit_state, created_at, updated_at, submitted_at, started_at, completed_at, settled)
    VALUES (@id, @parent, @name, @service, @slug, @serviceName, @type, @panel, @panelName, @remote, @status, @remoteState, @progress, '[]', '{}', @password, @submitState, @now, @now, @submitted, @started, @completed, @settled)`);
  const event = db.prepare(`INSERT INTO job_events (job_id, at, from_status, to_status, message) VALUES (?, ?, NULL, ?, 'created')`);
  const job = (row: Record<string, unknown>) => {
    insert.run({ service: null, slug: null, serviceName: null, type: null, panel: null, panelName: null, remote: null, remoteState: null, password: null, submitState: null, submitted: null, completed: null, settled: 0, started: now, progress: 0, now, ...row });
    event.run(row.id, now, row.status);
  };
  db.transaction(() => {
    let shared: string | undefined;
    cases.forEach((hostileCase, index) => {
      let parent = shared;
      if (!parent) {
        parent = randomUUID();
        job({ id: parent, parent: null, name: options.oneParent ? 'hostile' : `case-${hostileCase.id}`, status });
        if (options.oneParent) shared = parent;
      }
      const child = randomUUID();
      const michigan = hostileCase.protocol === 'michigan';
      job({
        id: child, parent, name: `case-${hostileCase.id}`, service: index + 1, slug: `c${index + 1}`, serviceName: `Case ${hostileCase.id}`, type: hostileCase.protocol,
        panel: 1, panelName: 'Hostile panel', remote: String(hostileCase.job.id ?? hostileCase.job.run_id), status,
        remoteState: status === 'completed' ? (michigan ? '4' : 'COMPLETE') : michigan ? '1' : 'QUEUED',
        password: michigan ? password : null, submitState: 'submitted', submitted: now, completed: status === 'completed' ? now : null, settled: status === 'completed' ? 1 : 0,
      });
      parents.set(hostileCase.id, parent);
      children.set(hostileCase.id, child);
    });
  })();
  db.close();
  return { parents, children };
}

/** the binary's peak resident memory (VmHWM, sampled until it exits) */
export async function runMeasured(group: Group, args: string[]): Promise<CliResult & { peakMb: number; ms: number }> {
  const started = Date.now();
  const child = spawnCli(args, { cwd: group.dir, env: { FEDIMPUTE_CONFIG: group.config, FEDIMPUTE_DB: group.db, ...group.env } });
  let peakKb = 0;
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const sampler = setInterval(() => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (match) peakKb = Math.max(peakKb, Number(match[1]));
    } catch {
      // the process has just exited
    }
  }, 10);
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const code = await new Promise<number>((resolve) => child.on('exit', (exit) => resolve(exit ?? 137)));
  clearInterval(sampler);
  clearTimeout(killer);
  return { code, stdout, stderr, peakMb: peakKb / 1024, ms: Date.now() - started };
}

/** every text cell of every table, for "no secret, no control byte in the store" */
export function storeTexts(db: string): { where: string; text: string }[] {
  return withDb(db, (sqlite) => {
    const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    return tables.flatMap(({ name }) =>
      (sqlite.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]).flatMap((row) =>
        Object.entries(row)
          .filter(([column, value]) => typeof value === 'string' && !(name === 'jobs' && column === 'result_password'))
          .map(([column, value]) => ({ where: `${name}.${column}`, text: value as string })),
      ),
    );
  });
}

export function childRow(db: string, id: string): Record<string, unknown> {
  return withDb(db, (sqlite) => sqlite.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Record<string, unknown>);
}

/** the newest child of a service (made by submit) */
export function serviceChild(db: string, serviceId: number): Record<string, unknown> | undefined {
  return withDb(db, (sqlite) => sqlite.prepare('SELECT * FROM jobs WHERE service_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1').get(serviceId) as Record<string, unknown> | undefined);
}

/** every file below dir (absolute paths) */
export function filesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesBelow(path) : [path];
  });
}
