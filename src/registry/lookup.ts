/**
 * The service a job was submitted to. A job outlives its registry entry when the entry is removed or its id
 * changes: every command that needs the service (poll, watch, status --refresh, cancel, retry, download)
 * asks here, and a missing one is always the same error — a registry problem (exit 2) for that service's
 * jobs alone: they are left as they are, the others go on, and putting the entry back heals it.
 */
import { ConfigError } from '../errors.js';
import type { Registry, Service } from './types.js';

export class ServiceGoneError extends ConfigError {
  constructor(
    readonly serviceId: number | null,
    registryFile: string,
    slug: string | null,
  ) {
    super(
      `service ${serviceId ?? '?'}${slug ? ` (${slug})` : ''} is no longer in the registry ${registryFile}; ` +
        `put it back with id ${serviceId ?? '?'} to follow, cancel, retry or download its jobs`,
    );
  }
}

export function serviceOfJob(registry: Registry, job: { service_id: number | null; service_slug: string | null }): Service {
  const service = registry.services.find((candidate) => candidate.id === job.service_id);
  if (!service) throw new ServiceGoneError(job.service_id, registry.file, job.service_slug);
  return service;
}
