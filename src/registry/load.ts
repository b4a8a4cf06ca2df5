/**
 * Finding and reading services.yaml. Errors name the file, the path inside it
 * (`services[1].panels[0].build`) and what was expected.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import type { Registry, Service, TokenSource } from './types.js';

export interface RegistryLocation {
  /** --config */
  flag?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** --config, else $FEDIMPUTE_CONFIG, else ./services.yaml, else $XDG_CONFIG_HOME/fedimpute/services.yaml */
export function registryCandidates(location: RegistryLocation): { file: string; explicit: boolean }[] {
  if (location.flag) return [{ file: resolve(location.cwd, location.flag), explicit: true }];
  if (location.env.FEDIMPUTE_CONFIG) return [{ file: resolve(location.cwd, location.env.FEDIMPUTE_CONFIG), explicit: true }];
  const configHome = location.env.XDG_CONFIG_HOME || join(location.env.HOME ?? '~', '.config');
  return [
    { file: join(location.cwd, 'services.yaml'), explicit: false },
    { file: join(configHome, 'fedimpute', 'services.yaml'), explicit: false },
  ];
}

export async function loadRegistry(location: RegistryLocation): Promise<Registry> {
  const candidates = registryCandidates(location);
  for (const candidate of candidates) {
    let text: string;
    try {
      text = readFileSync(candidate.file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !candidate.explicit) continue;
      throw new ConfigError(`cannot read the service registry ${candidate.file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`, {
        hint: 'check --config / FEDIMPUTE_CONFIG',
      });
    }
    return parseRegistry(text, candidate.file);
  }
  throw new ConfigError(`no service registry found (looked for ${candidates.map((c) => c.file).join(' and ')})`, {
    hint: 'copy services.example.yaml to ./services.yaml, or pass --config FILE',
  });
}

export async function parseRegistry(text: string, file: string): Promise<Registry> {
  const [{ parseDocument }, { registrySchema }] = await Promise.all([import('yaml'), import('./schema.js')]);
  // prettyErrors: only then does yaml fill error.linePos, which gives the message its file:line:col
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    const error = document.errors[0];
    const where = error.linePos?.[0] ? `:${error.linePos[0].line}:${error.linePos[0].col}` : '';
    throw new ConfigError(`${file}${where}: invalid YAML: ${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`, {
      hint: 'fix the YAML syntax (indentation, quotes, colons)',
    });
  }
  const parsed = registrySchema.safeParse(expand(document, file) ?? {}, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${file}: ${formatPath(issue.path)}: ${describeIssue(issue)}`, {
      hint: 'see the registry format in the README or services.example.yaml',
    });
  }
  const services = parsed.data.services.map((raw, index): Service => {
    const { token, token_file, ...rest } = raw;
    const base = dirname(file);
    const source = { file, index };
    if (token && token_file) {
      throw new ConfigError(`${file}: services[${index}]: give either token or token_file, not both`);
    }
    const tokenSource: TokenSource = token
      ? { kind: 'env', variable: token.slice(2, -1) }
      : token_file
        ? { kind: 'file', path: absolute(base, token_file) }
        : { kind: 'none' };
    const common = { ...rest, token: tokenSource, source, ca_file: rest.ca_file ? absolute(base, rest.ca_file) : undefined };
    if (common.type === 'wes') {
      return {
        ...common,
        workflow: { ...common.workflow, attachments: common.workflow.attachments.map((path) => absolute(base, path)) },
        outputs: { ...common.outputs, local_roots: common.outputs.local_roots.map((path) => absolute(base, path)) },
      };
    }
    return common;
  });
  checkUnique(services, file);
  return { file, services };
}

function absolute(base: string, path: string): string {
  return isAbsolute(path) ? path : resolve(base, path);
}

function checkUnique(services: Service[], file: string): void {
  const seen = new Map<string, number>();
  services.forEach((service, index) => {
    for (const key of [`id ${service.id}`, `slug ${service.slug}`]) {
      const first = seen.get(key);
      if (first !== undefined) {
        throw new ConfigError(`${file}: services[${index}].${key.split(' ')[0]}: duplicate ${key} (also services[${first}])`, {
          hint: 'every service needs its own id and slug',
        });
      }
      seen.set(key, index);
    }
    const panelIds = new Set<number>();
    service.panels.forEach((panel, panelIndex) => {
      if (panelIds.has(panel.id)) {
        throw new ConfigError(`${file}: services[${index}].panels[${panelIndex}].id: duplicate panel id ${panel.id}`);
      }
      panelIds.add(panel.id);
    });
    if (service.default_panel !== undefined && !panelIds.has(service.default_panel)) {
      throw new ConfigError(`${file}: services[${index}].default_panel: panel ${service.default_panel} is not one of this service's panels (${[...panelIds].join(', ')})`);
    }
  });
}

/** aliases expand at most MAX_ALIASES times: a few lines of anchors must not become gigabytes ("billion laughs") */
const MAX_ALIASES = 100;

function expand(document: import('yaml').Document, file: string): unknown {
  try {
    return document.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    throw new ConfigError(`${file}: its YAML aliases (*name) expand more than ${MAX_ALIASES} times`, {
      hint: 'write the repeated parts out, or use fewer nested anchors (&name)',
    });
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text ? `.${String(part)}` : String(part);
  return text || '(top level)';
}

interface Issue {
  code: string;
  message: string;
  path: readonly PropertyKey[];
  expected?: unknown;
  keys?: string[];
  values?: unknown[];
  input?: unknown;
}

function describeIssue(issue: Issue): string {
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `'${key}'`).join(', ')}`;
  }
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return `missing (expected ${issue.expected === 'array' ? 'a list' : issue.expected})`;
    return `expected ${issue.expected}, got ${describeValue(issue.input)}`;
  }
  if (issue.code === 'invalid_value' && issue.values) {
    return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}, got ${describeValue(issue.input)}`;
  }
  if (issue.code === 'invalid_union') return `expected type: michigan or type: wes`;
  return issue.message;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
