import { BerthError } from '../errors/berth-error.js';
import { isMapping } from '../config/yaml-text.js';

// Compose v1/v2 spellings the modern specification dropped. They are checked before the schema
// so the user learns the replacement (legacy_compose_field) rather than "unsupported field".

/** Service-level legacy field -> its modern spelling, relative to the service. */
export const LEGACY_SERVICE_FIELDS: Readonly<Record<string, string>> = {
  links: 'networks',
  external_links: 'networks',
  volumes_from: 'volumes',
  net: 'network_mode',
  mem_limit: 'deploy.resources.limits.memory',
  memswap_limit: 'deploy.resources.limits.memory',
  cpu_shares: 'deploy.resources.limits.cpus',
  cpu_quota: 'deploy.resources.limits.cpus',
  cpuset: 'deploy.resources.limits.cpus',
  log_driver: 'logging.driver',
  log_opt: 'logging.options',
  dockerfile: 'build.dockerfile',
};

/** Keys that make a top-level mapping look like a v1 service (v1 files had no `services:`). */
const V1_SERVICE_MARKERS = ['image', 'build'];

/** Throws legacy_compose_field for the first legacy spelling found, in document order. */
export function rejectLegacyFields(doc: Record<string, unknown>): void {
  if (!('services' in doc)) {
    for (const [key, value] of Object.entries(doc)) {
      if (isMapping(value) && V1_SERVICE_MARKERS.some((m) => m in value)) {
        throw legacy(key, `services.${key}`, key, 'Compose v1 files declare services at top level.');
      }
    }
    return;
  }
  if (!isMapping(doc.services)) return; // the schema reports the shape
  for (const [service, body] of Object.entries(doc.services)) {
    if (!isMapping(body)) continue;
    for (const key of Object.keys(body)) {
      const modern = LEGACY_SERVICE_FIELDS[key];
      if (modern) throw legacy(`services.${service}.${key}`, modern, service);
    }
  }
}

function legacy(field: string, modern: string, service: string, why = ''): BerthError {
  return new BerthError('legacy_compose_field', `${field} is a legacy compose field; use ${modern}. ${why}`.trim(), {
    field,
    modern_equivalent: modern,
    service,
  });
}
