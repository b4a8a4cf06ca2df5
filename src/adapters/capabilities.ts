/**
 * A service's protocol capabilities without building its adapter (no token, no network, no zod or undici):
 * what `check`, `submit`, `retry` and the pre-flight need before any request. The adapter declares the same.
 */
import type { Service } from '../registry/types.js';
import { michiganCapabilities } from './michigan/capabilities.js';
import type { AdapterCapabilities } from './types.js';
import { wesCapabilities } from './wes/capabilities.js';

export function capabilitiesOf(service: Service): AdapterCapabilities {
  return service.type === 'michigan' ? michiganCapabilities(service) : wesCapabilities(service);
}
