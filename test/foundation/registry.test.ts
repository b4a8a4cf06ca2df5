/** The service registry: the example parses; each kind of mistake gives one exact line; tokens; search order. */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, MissingTokenError } from '../../src/errors.js';
import { loadRegistry, parseRegistry } from '../../src/registry/load.js';
import { resolveToken } from '../../src/registry/tokens.js';
import { ROOT, tempDir } from '../helpers/cli.js';
import { session } from '../helpers/harness.js';

const FILE = '/etc/fedimpute/services.yaml';
const tmp = tempDir('fedimpute-registry-');
afterAll(() => tmp.cleanup());

function service(extra = '', { id = 1, slug = 'one' } = {}): string {
  return [
    `  - id: ${id}`,
    `    slug: ${slug}`,
    '    name: One',
    '    type: michigan',
    '    base_url: https://one.example.org',
    ...(extra ? [extra] : []),
    '    panels:',
    '      - { id: 37, name: P, remote_id: apps@p@1.0.0, build: hg38 }',
    '',
  ].join('\n');
}
const registry = (...services: string[]) => `services:\n${services.join('')}`;

async function message(text: string): Promise<string> {
  const error = await parseRegistry(text, FILE).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigError);
  const { message: line } = error as ConfigError;
  expect(line).not.toContain('\n');
  return line;
}

describe('services.example.yaml', () => {
  it('parses: 4 services, default panels, env token references', async () => {
    const file = join(ROOT, 'services.example.yaml');
    const parsed = await parseRegistry(readFileSync(file, 'utf8'), file);
    expect(parsed.file).toBe(file);
    expect(parsed.services.map((entry) => [entry.id, entry.slug, entry.type, entry.default_panel, entry.token])).toEqual([
      [1, 'h3africa', 'michigan', 37, { kind: 'env', variable: 'H3AFRICA_TOKEN' }],
      [2, 'michigan', 'michigan', 21, { kind: 'env', variable: 'MICHIGAN_TOKEN' }],
      [3, 'mali', 'wes', 41, { kind: 'env', variable: 'MALI_TOKEN' }],
      [4, 'ilifu', 'wes', 39, { kind: 'env', variable: 'ILIFU_TOKEN' }],
    ]);
    for (const entry of parsed.services) {
      expect(entry.panels.map((panel) => panel.id)).toContain(entry.default_panel);
      expect(entry.source.file).toBe(file);
    }
    const ilifu = parsed.services[3];
    expect(ilifu.type === 'wes' && ilifu.api_prefix).toBe('/ga4gh/wes/v1');
    expect(ilifu.type === 'wes' && ilifu.input.mode).toBe('url');
    expect(ilifu.type === 'wes' && ilifu.outputs.local_roots).toEqual([]);
  });
});

describe('what a registry may not hold, and where local files may come from', () => {
  it('a base_url with user:password@ is refused, pointing at token/token_file and auth_header', async () => {
    expect(await message(registry(service().replace('https://one.example.org', 'https://alice:s3cret@one.example.org')))).toBe(
      `${FILE}: services[0].base_url: a URL without user:password@ (a token goes in token: \${VARIABLE} or token_file: path, sent in Authorization: Bearer or the header named by auth_header)`,
    );
  });
  it('WES outputs.local_roots are resolved against the registry\'s folder (default: none)', async () => {
    const wes = (outputs: string) =>
      registry(
        [
          '  - { id: 4, slug: w, name: W, type: wes, base_url: "https://w.example.org",',
          `      workflow: { url: x.cwl, type: CWL, version: v1.2 }, ${outputs}`,
          '      panels: [{ id: 1, name: P, build: hg38 }] }',
          '',
        ].join('\n'),
      );
    const rooted = await parseRegistry(wes('outputs: { local_roots: [shared/out, /abs/out] },'), FILE);
    expect(rooted.services[0].type === 'wes' && rooted.services[0].outputs).toEqual({ include: ['**'], local_roots: ['/etc/fedimpute/shared/out', '/abs/out'] });
    const plain = await parseRegistry(wes(''), FILE);
    expect(plain.services[0].type === 'wes' && plain.services[0].outputs.local_roots).toEqual([]);
  });
});

describe('one exact line per mistake', () => {
  it('YAML syntax error, with line and column', async () => {
    expect(await message('services:\n  - id: 1\n   slug: x\n')).toBe(
      `${FILE}:3:1: invalid YAML: Sequence item without - indicator`,
    );
  });
  it('duplicate key in a mapping', async () => {
    expect(await message(registry(service('    slug: again')))).toBe(`${FILE}:7:5: invalid YAML: Map keys must be unique`);
  });
  it('unknown key (a typo)', async () => {
    expect(await message(registry(service('    max_paralel_jobs: 2')))).toBe(
      `${FILE}: services[0]: unknown key 'max_paralel_jobs'`,
    );
  });
  it('wrong type', async () => {
    expect(await message(registry(service().replace('id: 1', 'id: "one"')))).toBe(
      `${FILE}: services[0].id: expected number, got string "one"`,
    );
  });
  it('bad enum value', async () => {
    expect(await message(registry(service().replace('build: hg38', 'build: hg37')))).toBe(
      `${FILE}: services[0].panels[0].build: expected one of "hg19", "hg38", got string "hg37"`,
    );
  });
  it('missing required key', async () => {
    expect(await message(registry(service().replace('    name: One\n', '')))).toBe(
      `${FILE}: services[0].name: missing (expected string)`,
    );
  });
  it('missing or unknown type', async () => {
    expect(await message(registry(service().replace('type: michigan', 'type: cloudgene')))).toBe(
      `${FILE}: services[0].type: expected type: michigan or type: wes`,
    );
  });
  it('duplicate service id', async () => {
    expect(await message(registry(service(), service('', { id: 1, slug: 'two' })))).toBe(
      `${FILE}: services[1].id: duplicate id 1 (also services[0])`,
    );
  });
  it('duplicate slug', async () => {
    expect(await message(registry(service(), service('', { id: 2, slug: 'one' })))).toBe(
      `${FILE}: services[1].slug: duplicate slug one (also services[0])`,
    );
  });
  it('duplicate panel id', async () => {
    const text = registry(service()).replace(
      'build: hg38 }',
      'build: hg38 }\n      - { id: 37, name: Q, remote_id: apps@q@1.0.0, build: hg19 }',
    );
    expect(await message(text)).toBe(`${FILE}: services[0].panels[1].id: duplicate panel id 37`);
  });
  it('default_panel not among the panels', async () => {
    expect(await message(registry(service('    default_panel: 99')))).toBe(
      `${FILE}: services[0].default_panel: panel 99 is not one of this service's panels (37)`,
    );
  });
  it('a literal token instead of ${VAR}', async () => {
    expect(await message(registry(service('    token: abc123secret')))).toBe(
      `${FILE}: services[0].token: an environment reference like \${H3AFRICA_TOKEN} (never a literal token)`,
    );
  });
  it('token and token_file both', async () => {
    expect(await message(registry(service('    token: ${ONE_TOKEN}\n    token_file: ./one.token')))).toBe(
      `${FILE}: services[0]: give either token or token_file, not both`,
    );
  });
  it('empty file, and no services key', async () => {
    expect(await message('')).toBe(`${FILE}: services: missing (expected a list)`);
    expect(await message('# nothing here\n')).toBe(`${FILE}: services: missing (expected a list)`);
    expect(await message('servics: []\n')).toBe(`${FILE}: services: missing (expected a list)`);
  });
  it('gives a hint with each message', async () => {
    const error = await parseRegistry(registry(service('    max_paralel_jobs: 2')), FILE).catch((caught: ConfigError) => caught);
    expect((error as ConfigError).hint).toBe('see the registry format in the README or services.example.yaml');
  });
});

describe('tokens', () => {
  async function one(extra: string) {
    const file = join(tmp.path, 'tokens', 'services.yaml');
    mkdirSync(join(tmp.path, 'tokens'), { recursive: true });
    return (await parseRegistry(registry(service(extra)), file)).services[0];
  }

  it('an unset variable is a MissingTokenError (exit 4, like a rejected token) naming it', async () => {
    const entry = await one('    token: ${ONE_TOKEN}');
    const error = (() => {
      try {
        resolveToken(entry, {});
      } catch (caught) {
        return caught as MissingTokenError;
      }
    })();
    expect(error).toBeInstanceOf(MissingTokenError);
    expect(error!.exitCode).toBe(4);
    expect(error!.message).toBe(
      `${join(tmp.path, 'tokens', 'services.yaml')}: services[0].token: environment variable ONE_TOKEN is not set (needed by service 1 one)`,
    );
    expect(error!.hint).toBe('export ONE_TOKEN=<your API token from https://one.example.org>');
    expect(resolveToken(entry, { ONE_TOKEN: '  tok-from-env-123  ' })).toBe('tok-from-env-123');
  });

  it('token_file relative to the YAML; mode 0644 refused with a chmod 600 hint; 0600 accepted', async () => {
    const entry = await one('    token_file: one.token');
    const path = join(tmp.path, 'tokens', 'one.token');
    expect(entry.token).toEqual({ kind: 'file', path });
    writeFileSync(path, 'tok-from-file-456\n');
    chmodSync(path, 0o644);
    let error: ConfigError | undefined;
    try {
      resolveToken(entry, {});
    } catch (caught) {
      error = caught as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toBe(
      `${join(tmp.path, 'tokens', 'services.yaml')}: services[0].token_file: ${path} has mode 0644; a token file must be readable by you only`,
    );
    expect(error!.hint).toBe(`chmod 600 ${path}`);
    chmodSync(path, 0o600);
    expect(resolveToken(entry, {})).toBe('tok-from-file-456');
  });
});

describe('search order', () => {
  const layout = () => {
    const base = tempDir('fedimpute-search-');
    const write = (relative: string, slug: string) => {
      const path = join(base.path, relative);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, registry(service('', { slug })));
      return path;
    };
    return {
      base,
      flag: write('flag/services.yaml', 'fromflag'),
      env: write('env/services.yaml', 'fromenv'),
      cwd: write('work/services.yaml', 'fromcwd'),
      xdg: write('xdg/fedimpute/services.yaml', 'fromxdg'),
    };
  };

  it('loadRegistry: --config, then $FEDIMPUTE_CONFIG, then ./services.yaml, then $XDG_CONFIG_HOME', async () => {
    const files = layout();
    try {
      const env = { FEDIMPUTE_CONFIG: files.env, XDG_CONFIG_HOME: join(files.base.path, 'xdg') };
      const cwd = join(files.base.path, 'work');
      const slug = async (location: Parameters<typeof loadRegistry>[0]) => (await loadRegistry(location)).services[0].slug;
      expect(await slug({ flag: files.flag, env, cwd })).toBe('fromflag');
      expect(await slug({ env, cwd })).toBe('fromenv');
      expect(await slug({ env: { XDG_CONFIG_HOME: env.XDG_CONFIG_HOME }, cwd })).toBe('fromcwd');
      expect(await slug({ env: { XDG_CONFIG_HOME: env.XDG_CONFIG_HOME }, cwd: files.base.path })).toBe('fromxdg');
      await expect(loadRegistry({ env: {}, cwd: files.base.path, flag: 'nope.yaml' })).rejects.toThrow(
        `cannot read the service registry ${join(files.base.path, 'nope.yaml')}: no such file`,
      );
    } finally {
      files.base.cleanup();
    }
  });

  it('a command line follows the same order (the cwd and environment it runs with, argv parsed as the binary does)', async () => {
    const files = layout();
    try {
      const xdg = join(files.base.path, 'xdg');
      const cwd = join(files.base.path, 'work');
      const slug = async (args: string[], env: Record<string, string>, where: string) => {
        const result = await session({ cwd: where, env }).cli(['services', '--json', ...args]);
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        return (JSON.parse(result.stdout) as { services: { slug: string }[] }).services[0].slug;
      };
      expect(await slug(['--config', files.flag], { FEDIMPUTE_CONFIG: files.env, XDG_CONFIG_HOME: xdg }, cwd)).toBe('fromflag');
      expect(await slug([], { FEDIMPUTE_CONFIG: files.env, XDG_CONFIG_HOME: xdg }, cwd)).toBe('fromenv');
      expect(await slug([], { XDG_CONFIG_HOME: xdg }, cwd)).toBe('fromcwd');
      expect(await slug([], { XDG_CONFIG_HOME: xdg }, files.base.path)).toBe('fromxdg');
      const none = await session({ cwd: files.base.path, env: { XDG_CONFIG_HOME: join(files.base.path, 'empty') } }).cli(['services']);
      expect(none.code).toBe(2);
      expect(none.stderr).toBe(
        `error: no service registry found (looked for ${join(files.base.path, 'services.yaml')} and ${join(files.base.path, 'empty', 'fedimpute', 'services.yaml')})\n` +
          '  → copy services.example.yaml to ./services.yaml, or pass --config FILE\n',
      );
    } finally {
      files.base.cleanup();
    }
  });
});
