/**
 * The sandbox: one Michigan (Cloudgene 3) emulator and one GA4GH WES emulator on 127.0.0.1, plus a ready
 * registry for them. Used by `fedimpute sandbox` (until Ctrl-C) and `fedimpute demo` (in-process).
 * The emulators are the ones the tests use, unchanged; only their timing, faults and world are chosen here.
 *
 * The world (world/spec.ts DEFAULT_WORLD) is simulated once and cached; the Michigan service imputes with
 * population A's panel, the WES service with population B's, and the study (written to study.vcf.gz, with
 * its truth in truth.vcf.gz) is admixed, so each service alone is good on part of the genome only.
 */
import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { EmulatorClock } from './clock.js';
import { FAULT_KINDS, type FaultConfig } from './faults.js';
import { startMichiganEmulator, type EmulatorTiming, type MichiganEmulator } from './michigan/index.js';
import { DEFAULT_PANELS } from './michigan/panels.js';
import { SANDBOX_CWL, SANDBOX_REGISTRY, SANDBOX_SLUGS, SANDBOX_TOKEN_FILES, SANDBOX_WORKFLOW, sandboxRegistryYaml } from './registry.js';
import { startWesEmulator, type WesEmulator, type WesTiming } from './wes/index.js';
import { loadWorld } from './world/cache.js';
import type { PanelName } from './world/panel.js';
import { DEFAULT_WORLD, worldKey, type WorldSpec } from './world/spec.js';
import { writeStudyVcf, writeTruthVcf } from './world/study-files.js';
import type { World } from './world/world.js';

export const STUDY_FILE = 'study.vcf.gz';
export const TRUTH_FILE = 'truth.vcf.gz';
/** the cache folder inside the sandbox's folder, unless one is given */
export const CACHE_FOLDER = '.fedimpute-sandbox';
/** the services' panels come from different populations, so neither imputes the admixed study well everywhere */
const SANDBOX_PANELS = { michigan: 'A', wes: 'B' } as const satisfies Record<string, PanelName>;

export type SandboxSpeed = 'fast' | 'realistic';
export const SANDBOX_SPEEDS: readonly SandboxSpeed[] = ['fast', 'realistic'];

/** fast: a job takes seconds; realistic: minutes, long enough to see queue positions and (k/n) steps */
const TIMING: Record<SandboxSpeed, { michigan: EmulatorTiming; wes: WesTiming }> = {
  fast: {
    michigan: { queuedMs: 1_000, runningMs: 3_000, exportingMs: 1_000, filesDelayMs: 0 },
    wes: { queuedMs: 1_000, initializingMs: 1_000, runningMs: 3_000 },
  },
  realistic: {
    michigan: { queuedMs: 60_000, runningMs: 240_000, exportingMs: 30_000, filesDelayMs: 5_000 },
    wes: { queuedMs: 45_000, initializingMs: 15_000, runningMs: 180_000 },
  },
};

export interface SandboxOptions {
  /** Michigan on port, WES on port + 1; 0 (default) = free ports */
  port?: number;
  speed?: SandboxSpeed;
  /** fault rate 0..1 per request and phase; 0 = none */
  faults?: number;
  /** where sandbox.services.yaml, the token files, impute.cwl, study.vcf.gz and truth.vcf.gz are written */
  dir: string;
  /** where the simulated world is cached (default <dir>/.fedimpute-sandbox) */
  cacheDir?: string;
  /** default DEFAULT_WORLD */
  world?: WorldSpec;
  /** the speed's timing replaced (tests: jobs that take no wall time beyond their imputation) */
  timing?: { michigan: EmulatorTiming; wes: WesTiming };
  /** the time both services' jobs move on (default the wall clock; the demo passes its context's) */
  clock?: EmulatorClock;
}

export interface Sandbox {
  michigan: MichiganEmulator;
  wes: WesEmulator;
  michiganUrl: string;
  wesUrl: string;
  registry: string;
  /** token file per service slug */
  tokenFiles: Record<string, string>;
  workflow: string;
  /** the study's genotypes at its chip's sites, and its true genotypes at every site (kept after close) */
  study: string;
  truth: string;
  world: World;
  /** which world panel each service (by slug) imputes with */
  worldPanels: Record<string, PanelName>;
  /** stops both servers and removes the files it wrote (their tokens die with the servers) */
  close(): Promise<void>;
}

/**
 * Every fault kind the emulators know, before the request takes effect and after it (a job created but
 * the reply lost: the case that must not be retried blindly). Silent sockets close after 5 s rather than
 * the emulators' 60 s, so that a sandbox with faults stays usable by hand.
 */
export function sandboxFaults(rate: number, seed: number): FaultConfig | undefined {
  if (!(rate > 0)) return undefined;
  return { rate, kinds: [...FAULT_KINDS], phase: 'both', seed, slowMs: 1_500, timeoutMs: 5_000 };
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const speed = options.speed ?? 'fast';
  const timing = options.timing ?? TIMING[speed];
  const port = options.port ?? 0;
  const dir = resolve(options.dir);
  await mkdir(dir, { recursive: true });
  // the Michigan emulator has no listen error handler (a busy port would crash the process): ask first
  if (port !== 0) for (const candidate of [port, port + 1]) await listenOn(candidate, () => probe(candidate));
  const cacheDir = resolve(options.cacheDir ?? join(dir, CACHE_FOLDER));
  const world = await loadWorld(options.world ?? DEFAULT_WORLD, cacheDir);
  const michigan = await listenOn(port, () =>
    startMichiganEmulator({
      port,
      panels: DEFAULT_PANELS,
      users: [{ username: 'sandbox' }],
      timing: timing.michigan,
      faults: sandboxFaults(options.faults ?? 0, 1),
      world,
      worldPanel: SANDBOX_PANELS.michigan,
      clock: options.clock,
    }),
  );
  // the WES node wants a Bearer token too (many eLwazi nodes have none; a sandbox that needs one tests more)
  const wesToken = `sandbox-${randomBytes(24).toString('hex')}`;
  let wes: WesEmulator;
  try {
    wes = await listenOn(port === 0 ? 0 : port + 1, () =>
      startWesEmulator({
        port: port === 0 ? 0 : port + 1,
        flavor: 'spec',
        token: wesToken,
        timing: timing.wes,
        outputs: 'http',
        faults: sandboxFaults(options.faults ?? 0, 2),
        world,
        worldPanel: SANDBOX_PANELS.wes,
        clock: options.clock,
      }),
    );
  } catch (error) {
    await michigan.close();
    throw error;
  }

  const registry = join(dir, SANDBOX_REGISTRY);
  const tokenFiles: Record<string, string> = {
    [SANDBOX_SLUGS.michigan]: join(dir, SANDBOX_TOKEN_FILES.michigan),
    [SANDBOX_SLUGS.wes]: join(dir, SANDBOX_TOKEN_FILES.wes),
  };
  const workflow = join(dir, SANDBOX_WORKFLOW);
  const written = [registry, ...Object.values(tokenFiles), workflow];
  const close = async () => {
    await Promise.allSettled([michigan.close(), wes.close()]);
    await Promise.all(written.map((path) => rm(path, { force: true })));
  };
  const study = join(dir, STUDY_FILE);
  const truth = join(dir, TRUTH_FILE);
  try {
    await copyStudyFiles(world, cacheDir, { study, truth });
    await writePrivate(tokenFiles[SANDBOX_SLUGS.michigan], `${michigan.tokenFor('sandbox')}\n`);
    await writePrivate(tokenFiles[SANDBOX_SLUGS.wes], `${wesToken}\n`);
    await writeFile(workflow, SANDBOX_CWL);
    // the registry last, and atomically: whoever waits for it finds a whole file and working tokens
    const partial = join(dir, `.${SANDBOX_REGISTRY}.${process.pid}.part`);
    await writeFile(partial, sandboxRegistryYaml({ michiganUrl: michigan.url, wesUrl: wes.url }));
    await rename(partial, registry);
  } catch (error) {
    await close();
    throw error;
  }
  const worldPanels: Record<string, PanelName> = { [SANDBOX_SLUGS.michigan]: SANDBOX_PANELS.michigan, [SANDBOX_SLUGS.wes]: SANDBOX_PANELS.wes };
  return { michigan, wes, michiganUrl: michigan.url, wesUrl: wes.url, registry, tokenFiles, workflow, study, truth, world, worldPanels, close };
}

/** study.vcf.gz and truth.vcf.gz, written once per world into the cache and copied from there */
async function copyStudyFiles(world: World, cacheDir: string, to: { study: string; truth: string }): Promise<void> {
  const key = worldKey(world.spec);
  for (const [kind, target, write] of [['study', to.study, writeStudyVcf], ['truth', to.truth, writeTruthVcf]] as const) {
    const cached = join(cacheDir, `${kind}-${key}.vcf.gz`);
    if (!(await stat(cached).catch(() => undefined))) {
      await mkdir(cacheDir, { recursive: true });
      const partial = `${cached}.${process.pid}.part`;
      await write(world, partial);
      await rename(partial, cached);
    }
    await copyFile(cached, target);
  }
}

/** mode 0600 even when the file already existed with a wider mode (writeFile's mode only applies on create) */
async function writePrivate(path: string, text: string): Promise<void> {
  await writeFile(path, text, { mode: 0o600 });
  await chmod(path, 0o600);
}

function probe(port: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePromise()));
  });
}

async function listenOn<T>(port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new UsageError(`cannot listen on 127.0.0.1:${port}: ${code === 'EADDRINUSE' ? 'the port is in use' : 'permission denied'}`, {
        hint: '--port N takes N and N+1; choose free ones, or leave --port out to get free ports',
      });
    }
    throw error;
  }
}
