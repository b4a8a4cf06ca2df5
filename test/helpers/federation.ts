/**
 * A loopback federation for end-to-end tests: Michigan emulators and a WES emulator (in this process, on
 * port 0), a services.yaml pointing at them, a token environment and a temporary store. Tests call the
 * commands in-process (`call`: runX with a test Context; `cli`: an argv as the binary runs it) and spawn
 * `bin/fedimpute` (`spawn`) only for what only the binary shows.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll } from 'vitest';
import { join } from 'node:path';
import { startMichiganEmulator, type MichiganEmulator, type MichiganEmulatorOptions } from '../../src/sandbox/michigan/index.js';
import { generateVcf, type GenerateOptions } from '../../src/vcf/generate.js';
import { runCli, tempDir, type CliOptions, type CliResult } from './cli.js';
import { session, type Session } from './harness.js';
import { startProxy, type Proxy, type ProxyOptions } from './proxy.js';
import { until } from './until.js';

export interface Federation extends Pick<Session, 'call' | 'cli' | 'context' | 'clock'> {
  dir: string;
  config: string;
  db: string;
  /** the token variables of the registry; a test may change them (the next call sees it) */
  env: Record<string, string>;
  michigan: MichiganEmulator[];
  wes: import('../../src/sandbox/wes/index.js').WesEmulator[];
  /** the real binary, in a child process */
  spawn(args: string[], options?: CliOptions): Promise<CliResult>;
  /** the environment the binary gets (registry, store, tokens) */
  spawnEnv(): Record<string, string>;
  /**
   * `poll` in this process until `done` holds: the emulators move on their own (wall) clock, so a test that
   * needs a state waits for it by polling, never by sleeping. Fails after a generous wall-time deadline (a
   * count of polls ran out under load: polls are quick, the emulators' imputation is not).
   */
  pollUntil(done: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  vcf(name: string, options?: Partial<GenerateOptions>): Promise<string>;
  /** the registry's Michigan service `index` (0-based) reached through a proxy from now on (closed with the federation) */
  proxy(index: number, options?: ProxyOptions): Promise<Proxy>;
  close(): Promise<void>;
}

export interface FederationOptions {
  /** one entry per Michigan service (ids 1, 2, …) */
  michigan?: MichiganEmulatorOptions[];
  /** one entry per WES service (ids 11, 12, …) */
  wes?: Record<string, unknown>[];
  /** extra YAML keys per service slug */
  extra?: Record<string, string>;
}

export async function startFederation(options: FederationOptions = {}): Promise<Federation> {
  const temp = tempDir('fedimpute-fed-');
  const michigan = await Promise.all((options.michigan ?? [{}]).map((entry) => startMichiganEmulator(entry)));
  const wesModule = options.wes?.length ? await import('../../src/sandbox/wes/index.js') : undefined;
  const wes = wesModule ? await Promise.all(options.wes!.map((entry) => wesModule.startWesEmulator(entry as never))) : [];
  const env: Record<string, string> = {};
  const lines = ['services:'];
  michigan.forEach((emulator, index) => {
    const slug = `mich${index + 1}`;
    env[`MICH${index + 1}_TOKEN`] = emulator.tokenFor('alice');
    lines.push(
      `  - id: ${index + 1}`,
      `    slug: ${slug}`,
      `    name: Michigan emulator ${index + 1}`,
      `    type: michigan`,
      `    base_url: ${emulator.url}`,
      `    token: \${MICH${index + 1}_TOKEN}`,
      `    max_parallel_jobs: 2`,
      `    default_panel: 37`,
      `    panels:`,
      `      - { id: 37, name: H3Africa v6, remote_id: "apps@h3africa-v6hc-s@1.0.0", build: hg38, populations: [afr, mixed, off] }`,
      `      - { id: 38, name: 1000G Phase 3 v5, remote_id: "apps@1000g-phase-3-v5@2.0.0", build: hg19, populations: [afr, amr, eas, eur, sas, all, off] }`,
      ...(options.extra?.[slug] ? [options.extra[slug]] : []),
    );
  });
  wes.forEach((emulator, index) => {
    const slug = `wes${index + 1}`;
    lines.push(
      `  - id: ${11 + index}`,
      `    slug: ${slug}`,
      `    name: WES emulator ${index + 1}`,
      `    type: wes`,
      `    base_url: ${emulator.url}`,
      ...(emulator.token ? [`    token: \${WES${index + 1}_TOKEN}`] : []),
      `    workflow: { url: impute.cwl, type: CWL, version: v1.2, attachments: [./impute.cwl] }`,
      `    input: { mode: attachment }`,
      `    params: { target_vcf: { class: File, path: "{{input}}" }, ref_panel: "{{panel.ref}}", build: "{{build}}", job: "{{job_id}}" }`,
      `    outputs: { include: ["**/*.dose.vcf.gz", "**/*.info.gz"] }`,
      `    default_panel: 39`,
      `    panels:`,
      `      - { id: 39, name: 1000G Phase 3 v5, build: hg38, params: { ref: /refs/1kg } }`,
      ...(options.extra?.[slug] ? [options.extra[slug]] : []),
    );
    if (emulator.token) env[`WES${index + 1}_TOKEN`] = emulator.token;
  });
  // the workflow the WES entries attach (the reference server resolves a relative workflow_url against the attachments)
  if (wes.length > 0) writeFileSync(join(temp.path, 'impute.cwl'), 'cwlVersion: v1.2\nclass: Workflow\ninputs: {}\noutputs: {}\nsteps: {}\n');
  const config = join(temp.path, 'services.yaml');
  writeFileSync(config, `${lines.join('\n')}\n`);
  const db = join(temp.path, 'store.db');
  const proxies: Proxy[] = [];
  const spawnEnv = () => ({ FEDIMPUTE_CONFIG: config, FEDIMPUTE_DB: db, FEDIMPUTE_RETRY_BASE_MS: '20', ...env });
  // the session reads `env` at each call, so a test that changes a token variable is seen by the next call
  const inProcess = session({ env: { FEDIMPUTE_CONFIG: config, FEDIMPUTE_DB: db }, cwd: temp.path });
  const withTokens = <T extends { env?: Record<string, string | undefined> }>(io: T = {} as T): T => ({ ...io, env: { ...env, ...io.env } });
  return {
    dir: temp.path,
    config,
    db,
    env,
    michigan,
    wes,
    clock: inProcess.clock,
    call: (run, options, io) => inProcess.call(run, options, withTokens(io)),
    cli: (argv, io) => inProcess.cli(argv, withTokens(io)),
    context: (io) => inProcess.context(withTokens(io)),
    spawnEnv,
    async pollUntil(done, what, timeoutMs = 60_000) {
      const { runPoll } = await import('../../src/commands/poll.js');
      await until(async () => {
        if (done()) return true;
        const result = await inProcess.call(runPoll, {}, withTokens());
        if (result.code !== 0) throw new Error(`poll exited ${result.code} while waiting for ${what}: ${result.stderr}`);
        return done();
      }, what, timeoutMs);
    },
    spawn: (args, runOptions = {}) => runCli(args, { ...runOptions, cwd: runOptions.cwd ?? temp.path, env: { ...spawnEnv(), ...runOptions.env } }),
    vcf: async (name, generate = {}) => {
      const path = join(temp.path, name);
      await generateVcf(path, { samples: 24, chromosomes: ['20'], recordsPerChromosome: 200, chrPrefix: true, phased: true, ...generate });
      return path;
    },
    async proxy(index, proxyOptions = {}) {
      const proxy = await startProxy(michigan[index].url, proxyOptions);
      proxies.push(proxy);
      writeFileSync(config, readFileSync(config, 'utf8').replace(`base_url: ${michigan[index].url}\n`, `base_url: ${proxy.url}\n`));
      return proxy;
    },
    close: async () => {
      await Promise.all([...proxies.map((proxy) => proxy.close()), ...michigan.map((emulator) => emulator.close()), ...wes.map((emulator) => emulator.close())]);
      temp.cleanup();
    },
  };
}

/**
 * For a test file whose tests each start their own federation: the starter, and every federation it started
 * closed after the file's last test.
 */
export function federations(): (options: FederationOptions) => Promise<Federation> {
  const opened: Federation[] = [];
  afterAll(async () => {
    for (const federation of opened) await federation.close();
  });
  return async (options) => {
    const federation = await startFederation(options);
    opened.push(federation);
    return federation;
  };
}
