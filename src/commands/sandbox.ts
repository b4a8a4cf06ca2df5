/**
 * `fedimpute sandbox [--port N] [--speed fast|realistic] [--faults rate] [--dir d]`: a Michigan-API server
 * and a WES server on 127.0.0.1 with a ready registry, until Ctrl-C or SIGTERM. For trying fedimpute
 * without accounts and for pipeline tests (start it in the background, point FEDIMPUTE_CONFIG at the registry).
 *
 * Exit codes: 0 after SIGTERM (how `kill`, Snakemake, Nextflow and systemd stop it); 130 after Ctrl-C, as
 * every command (DESIGN §4, set by main.ts). Both shut down the same clean way: servers closed, the files
 * the sandbox wrote removed.
 */
import type { Context } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { wrapProse, wrapText } from '../output/width.js';
import type { Sandbox, SandboxSpeed } from '../sandbox/index.js';
import { examples, text, type RawOptions, type Registration } from './options.js';

export interface SandboxCommandOptions {
  port?: string;
  speed?: string;
  faults?: string;
  dir?: string;
}

export function sandboxOptions(raw: RawOptions): SandboxCommandOptions {
  return { port: text(raw, 'port'), speed: text(raw, 'speed'), faults: text(raw, 'faults'), dir: text(raw, 'dir') };
}

export const registerSandbox: Registration = (program, register) => {
  const command = program
    .command('sandbox')
    .description('a Michigan-API and a WES server on this machine that impute a simulated study, with a ready registry, until Ctrl-C (no accounts, no network)')
    .option('--port <n>', 'Michigan on n, WES on n+1 (default: free ports)')
    .option('--speed <speed>', 'fast (a job takes seconds) or realistic (minutes, with queue positions)', 'fast')
    .option('--faults <rate>', 'inject server faults (500, 429, resets, slow and malformed replies) at this rate, e.g. 0.1')
    .option('--dir <dir>', 'where to write sandbox.services.yaml, its token files, study.vcf.gz and truth.vcf.gz (default: current folder)')
    .addHelpText('after', '\n--json prints one ready line {michigan_url, wes_url, registry, token_files, study, truth}. SIGTERM exits 0, Ctrl-C 130.');
  examples(command, [
    ['fedimpute sandbox --dir /tmp/fi', 'both servers until Ctrl-C; the registry, tokens, study and truth in /tmp/fi'],
    ['fedimpute sandbox --dir /tmp/fi --speed realistic --faults 0.1', 'jobs that take minutes, with server faults, to test a pipeline'],
    ['fedimpute sandbox --dir /tmp/fi --json > /tmp/fi.json &', 'in the background, one JSON line once ready'],
  ]);
  command.action(register(sandboxOptions, async () => runSandbox));
};

export interface SandboxSettings {
  port: number;
  speed: SandboxSpeed;
  faults: number;
  dir: string;
}

export function parseSandboxOptions(options: SandboxCommandOptions, context: Context): SandboxSettings {
  const port = Number(options.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65534) {
    throw new UsageError(`--port must be a whole number from 1 to 65534 (or 0 for free ports), got '${options.port}'`);
  }
  const speed = options.speed ?? 'fast';
  if (speed !== 'fast' && speed !== 'realistic') throw new UsageError(`--speed must be fast or realistic, got '${speed}'`);
  const faults = Number(options.faults ?? 0);
  if (!Number.isFinite(faults) || faults < 0 || faults > 1) {
    throw new UsageError(`--faults must be a rate from 0 to 1 (e.g. 0.1), got '${options.faults}'`);
  }
  return { port, speed, faults, dir: context.resolvePath(options.dir ?? '.') };
}

export async function runSandbox(options: SandboxCommandOptions, context: Context): Promise<number> {
  const settings = parseSandboxOptions(options, context);
  const { startSandbox } = await import('../sandbox/index.js');
  const cache = context.env.FEDIMPUTE_SANDBOX_CACHE;
  const sandbox = await startSandbox({ ...settings, ...(cache ? { cacheDir: context.resolvePath(cache) } : {}), clock: context.sandboxClock });
  try {
    if (context.globals.json) {
      // one line, whatever the terminal: scripts read it with `head -1 | jq`
      context.stdout.write(`${JSON.stringify(readyJson(sandbox))}\n`);
    } else {
      printUsage(context, sandbox, settings, (await import('../sandbox/registry.js')).panelSummary);
    }
    await untilAborted(context.signal);
    context.info('stopping the sandbox…');
  } finally {
    await sandbox.close();
  }
  context.info('sandbox stopped');
  return EXIT.ok;
}

export function readyJson(sandbox: Sandbox) {
  return {
    michigan_url: sandbox.michiganUrl,
    wes_url: sandbox.wesUrl,
    registry: sandbox.registry,
    token_files: sandbox.tokenFiles,
    study: sandbox.study,
    truth: sandbox.truth,
  };
}

function printUsage(context: Context, sandbox: Sandbox, settings: SandboxSettings, panelSummary: (kind: 'michigan' | 'wes') => string): void {
  const { style } = context;
  const db = sandbox.registry.replace(/services\.yaml$/, 'db');
  const timing = settings.speed === 'fast' ? 'fast: a job takes seconds' : 'realistic: a job takes minutes, with queue positions';
  const faults = settings.faults > 0 ? `faults at rate ${settings.faults} before and after requests` : 'no faults';
  const { spec } = sandbox.world;
  // a command is never broken (it is pasted); its comment goes above it when the two do not fit one line
  const command = (text: string, comment?: string) =>
    !comment ? [`  ${text}`] : !context.tty || 2 + text.length + 4 + comment.length + 2 <= context.width ? [`  ${text}    ${style.dim(`# ${comment}`)}`] : [...wrapText(comment, context.width - 4).map((line) => style.dim(`  # ${line}`)), `  ${text}`];
  const lines = [
    style.bold('fedimpute sandbox: two imputation services on this machine (no accounts, no network)'),
    `  1  sandbox-michigan  Michigan API (Cloudgene 3)  ${sandbox.michiganUrl}`,
    `     panels ${panelSummary('michigan')}: population A's haplotypes`,
    `  2  sandbox-wes       GA4GH WES 1.0.0, CWL        ${sandbox.wesUrl}`,
    `     panels ${panelSummary('wes')}: population B's haplotypes`,
    `  registry  ${sandbox.registry}`,
    `  tokens    ${Object.values(sandbox.tokenFiles).join(', ')} (mode 0600)`,
    `  study     ${sandbox.study} (${spec.studySamples} samples admixed from A and B, chip sites on ${spec.length / 1e6} Mb of chr20, phased)`,
    `  truth     ${sandbox.truth} (every true genotype: score results against it)`,
    `  speed     ${timing}; ${faults}`,
  ]
    // continuation lines under the text after their label: `panels ` (7) on the service lines, the 10-column labels below
    .map((line) => (context.tty ? wrapProse(line, context.width, /^ {5}panels /.test(line) ? ' '.repeat(7) : line.startsWith('  ') ? ' '.repeat(10) : '  ') : line));
  lines.push(
    '',
    'From another terminal or a pipeline:',
    ...command(`export FEDIMPUTE_CONFIG=${shellQuote(sandbox.registry)}`),
    ...command(`export FEDIMPUTE_DB=${shellQuote(db)}`, 'optional: keeps sandbox jobs out of your own store'),
    ...command('fedimpute services check'),
    ...command(`fedimpute submit --services 1,2 --meta --no-phasing ${shellQuote(sandbox.study)}`, 'or your own bgzipped chr20 VCF, at least 20 samples'),
    ...command('fedimpute watch last --interval 2s'),
    ...command('fedimpute download last --out results'),
    ...command('fedimpute combine last', "meta-imputes both services' results (--meta: leave-one-out dosages; the study is phased)"),
    ...command('fedimpute compare last'),
    '',
  );
  const ready = `${style.green('sandbox ready')} · Ctrl-C or kill ${process.pid} stops it and removes the registry and token files`;
  lines.push(context.tty ? wrapProse(ready, context.width) : ready);
  context.out(lines.join('\n'));
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
