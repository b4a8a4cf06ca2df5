/**
 * Tokens are resolved only when a command talks to a service, so that `services` works with half the
 * variables unset. token_file must be private (0600): a token readable by others is a leaked token.
 */
import { readFileSync, statSync } from 'node:fs';
import { ConfigError, MissingTokenError } from '../errors.js';
import { registerSecret } from '../secrets.js';
import type { Registry, Service } from './types.js';

export function describeTokenSource(service: Service): string {
  const source = service.token;
  if (source.kind === 'env') return `$${source.variable}`;
  if (source.kind === 'file') return source.path;
  return 'none';
}

export function tokenIsSet(service: Service, env: NodeJS.ProcessEnv): boolean {
  const source = service.token;
  if (source.kind === 'env') return Boolean(env[source.variable]);
  if (source.kind === 'file') {
    try {
      return statSync(source.path).isFile();
    } catch {
      return false;
    }
  }
  return true;
}

export function resolveToken(service: Service, env: NodeJS.ProcessEnv): string | undefined {
  const source = service.token;
  const where = `${service.source.file}: services[${service.source.index}]`;
  if (source.kind === 'none') return undefined;
  if (source.kind === 'env') {
    const value = env[source.variable]?.trim();
    if (!value) {
      throw new MissingTokenError(service.slug, `${where}.token: environment variable ${source.variable} is not set (needed by service ${service.id} ${service.slug})`, {
        hint: `export ${source.variable}=<your API token from ${service.base_url}>`,
      });
    }
    registerSecret(value);
    return value;
  }
  let mode: number;
  try {
    mode = statSync(source.path).mode & 0o777;
  } catch {
    throw new MissingTokenError(service.slug, `${where}.token_file: ${source.path} does not exist`, {
      hint: `save your API token from ${service.base_url} there and run chmod 600 ${source.path}`,
    });
  }
  if ((mode & 0o077) !== 0) {
    throw new ConfigError(
      `${where}.token_file: ${source.path} has mode ${mode.toString(8).padStart(4, '0')}; a token file must be readable by you only`,
      { hint: `chmod 600 ${source.path}` },
    );
  }
  const value = readFileSync(source.path, 'utf8').trim();
  if (!value) throw new MissingTokenError(service.slug, `${where}.token_file: ${source.path} is empty`, { hint: `paste your API token into it` });
  registerSecret(value);
  return value;
}

/**
 * Register every token the registry can resolve as a secret, ignoring the ones it cannot (an unset
 * variable is reported when a command needs that service). The store redacts with them at write time, so
 * a server echoing another service's token cannot slip it into a message either; the tokens returned are
 * swept from what an older fedimpute stored (store/sweep.ts).
 */
export function registerRegistryTokens(registry: Registry, env: NodeJS.ProcessEnv): string[] {
  const tokens: string[] = [];
  for (const service of registry.services) {
    try {
      const token = resolveToken(service, env);
      if (token) tokens.push(token);
    } catch {
      // reported by the command that talks to this service
    }
  }
  return tokens;
}
