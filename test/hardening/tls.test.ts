/**
 * TLS: a self-signed loopback HTTPS Michigan emulator. Without trust, `services check` and `submit` refuse
 * with one clear line and a hint about ca_file (exit 1, no stack, store unchanged); with a per-service
 * ca_file they work. No switch anywhere turns certificate verification off.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMichiganEmulator, type MichiganEmulator } from '../../src/sandbox/michigan/index.js';
import { generateVcf } from '../../src/vcf/generate.js';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';
import { session } from '../helpers/harness.js';
import { dumpStore, jobRows } from '../helpers/store.js';

const CERT = join(ROOT, 'test', 'fixtures', 'tls', 'cert.pem');
const KEY = join(ROOT, 'test', 'fixtures', 'tls', 'key.pem');
const tmp = tempDir('fedimpute-tls-');
let emulator: MichiganEmulator;
let vcf = '';

function registry(name: string, extra: string[] = []): string {
  const path = join(tmp.path, `${name}.yaml`);
  const text = [
    'services:',
    '  - id: 1',
    '    slug: secure',
    '    name: Secure Michigan',
    '    type: michigan',
    `    base_url: ${emulator.url}`,
    '    token: ${SECURE_TOKEN}',
    ...extra,
    '    default_panel: 37',
    '    panels:',
    '      - { id: 37, name: H3Africa v6, remote_id: "apps@h3africa-v6hc-s@1.0.0", build: hg38, populations: [afr, mixed, off] }',
    '',
  ].join('\n');
  writeFileSync(path, text);
  return path;
}

/** a command line as the binary runs it, in this process */
const run = (config: string, args: string[], db = join(tmp.path, 'store.db')) =>
  session({ cwd: tmp.path, env: { FEDIMPUTE_CONFIG: config, FEDIMPUTE_DB: db, SECURE_TOKEN: emulator.tokenFor('alice') } }).cli(args);

beforeAll(async () => {
  emulator = await startMichiganEmulator({ tls: { key: readFileSync(KEY), cert: readFileSync(CERT) } });
  vcf = join(tmp.path, 'study.vcf.gz');
  await generateVcf(vcf, { samples: 24, chromosomes: ['20'], recordsPerChromosome: 200, chrPrefix: true, phased: true });
});

afterAll(async () => {
  await emulator?.close();
  tmp.cleanup();
});

describe('a self-signed HTTPS service', () => {
  it('is served over https on 127.0.0.1', () => {
    expect(emulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('services check without ca_file: refused, hint about ca_file, exit 1', async () => {
    const result = await run(registry('untrusted'), ['services', 'check']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toBe(
      '1\tsecure\tproblem\tmichigan\t\t\t\t\tSecure Michigan: TLS certificate not trusted (DEPTH_ZERO_SELF_SIGNED_CERT) (if this server uses a private CA, set ca_file for this service in services.yaml)\n',
    );
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/^\s{4}at /m);
  });

  it('submit without ca_file: one line, the ca_file hint, exit 1, no stack, store unchanged', async () => {
    const db = join(tmp.path, 'untrusted.db');
    const before = dumpStore(db);
    const jobs = emulator.jobs.length;
    const result = await run(registry('untrusted'), ['submit', '--services', '1', vcf], db);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: cannot submit: secure: Secure Michigan: TLS certificate not trusted (DEPTH_ZERO_SELF_SIGNED_CERT) (if this server uses a private CA, set ca_file for this service in services.yaml)\n');
    expect(dumpStore(db)).toBe(before);
    expect(emulator.jobs).toHaveLength(jobs);
  });

  it('--verbose shows the hint about ca_file and still no secret', async () => {
    const result = await run(registry('untrusted'), ['submit', '--services', '1', vcf, '--verbose'], join(tmp.path, 'verbose.db'));
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').find((line) => line.startsWith('error:'))).toBe('error: cannot submit: secure: Secure Michigan: TLS certificate not trusted (DEPTH_ZERO_SELF_SIGNED_CERT) (if this server uses a private CA, set ca_file for this service in services.yaml)');
    expect(result.stderr).toContain('set ca_file');
    expect(result.stderr).not.toContain(emulator.tokenFor('alice'));
  });

  it('with a per-service ca_file: services check and submit work', async () => {
    const config = registry('trusted', [`    ca_file: ${CERT}`]);
    const check = await run(config, ['services', 'check']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toMatch(/^1\tsecure\tok\tmichigan\timputationserver2 2\.0\.12\t/);
    const db = join(tmp.path, 'trusted.db');
    const jobs = emulator.jobs.length;
    const submit = await run(config, ['submit', '--services', '1', vcf], db);
    expect(submit.code, submit.stderr).toBe(0);
    expect(emulator.jobs).toHaveLength(jobs + 1);
    const child = jobRows(db).find((row) => row.parent_job_id);
    expect(child?.remote_job_id).toBe(emulator.jobs[jobs].id);
  });

  it('the trust is per service: a second service on the same server without ca_file is still refused', async () => {
    const path = registry('mixed', [`    ca_file: ${CERT}`]);
    const text = readFileSync(path, 'utf8');
    const second = text
      .split('\n')
      .slice(1)
      .join('\n')
      .replace('id: 1', 'id: 2')
      .replace('slug: secure', 'slug: other')
      .replace(`    ca_file: ${CERT}\n`, '');
    writeFileSync(path, `${text}${second}`);
    const result = await run(path, ['services', 'check']);
    expect(result.code).toBe(1);
    const rows = result.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^1\tsecure\tok\t/);
    expect(rows[1]).toMatch(/^2\tother\tproblem\t.*TLS certificate not trusted/);
  });
});

describe('no global switch turns verification off', () => {
  function files(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    });
  }

  it('src/ (outside src/sandbox) never sets rejectUnauthorized: false nor reads NODE_TLS_REJECT_UNAUTHORIZED', () => {
    const offenders = files(join(ROOT, 'src'))
      .filter((path) => !path.includes(`${join(ROOT, 'src', 'sandbox')}`) && /\.(ts|js|mjs)$/.test(path))
      .flatMap((path) =>
        readFileSync(path, 'utf8')
          .split('\n')
          .map((line, index) => ({ path, line: index + 1, text: line }))
          .filter(({ text }) => !/^\s*(\/\/|\*|\/\*)/.test(text)) // comments may name the switch to explain why it is not used
          .filter(({ text }) => /rejectUnauthorized\s*:\s*false|NODE_TLS_REJECT_UNAUTHORIZED|checkServerIdentity\s*:/.test(text)),
      );
    expect(offenders).toEqual([]);
  });

  it('NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment does not turn verification off: the binary still refuses', async () => {
    // the variable is Node's own, read by the process: hence the binary. fedimpute passes an explicit CA,
    // so an env switch must not open a hole
    const result = await runCli(['services', 'check'], {
      cwd: tmp.path,
      env: {
        FEDIMPUTE_CONFIG: registry('untrusted'),
        FEDIMPUTE_DB: join(tmp.path, 'env.db'),
        SECURE_TOKEN: emulator.tokenFor('alice'),
        NODE_TLS_REJECT_UNAUTHORIZED: '0',
      },
    });
    expect(result.stdout).toContain('TLS certificate not trusted');
    expect(result.code).toBe(1);
  });
});
