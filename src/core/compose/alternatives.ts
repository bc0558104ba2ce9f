import type { ValidationIssue } from '../errors/validation.js';

// What to write instead of a compose field Berth does not support, where there is something.
// Keys are field paths with `*` for a service, volume or list index; the schema names the field.

const ALTERNATIVES: Readonly<Record<string, string>> = {
  'services.*.network_mode': 'networks',
  'services.*.tmpfs': 'volumes with `type: tmpfs`',
  'services.*.configs': 'secrets with `file:`, or a named volume',
  configs: 'secrets with `file:`',
  'services.*.cpus': 'deploy.resources.limits.cpus',
  'services.*.mem_reservation': 'deploy.resources.limits.memory',
  'services.*.deploy.resources.reservations': 'deploy.resources.limits',
  'services.*.deploy.restart_policy': 'restart',
  'services.*.extends': 'one compose file (merge the extended file into it)',
  include: 'one compose file (merge the included files into it)',
  'services.*.volumes.*.bind': 'an absolute source path, or a named volume',
  'services.*.volumes.*.volume': 'a named volume declared under volumes:',
  'volumes.*.driver_opts': 'a named volume with the local driver, or `external: true` for one made outside Berth',
  'volumes.*.labels': 'nothing: Berth labels the volumes it makes',
};

const pattern = (path: string) =>
  path
    .split('.')
    .map((seg, i, all) => (/^\d+$/.test(seg) || (i === 1 && (all[0] === 'services' || all[0] === 'volumes')) ? '*' : seg))
    .join('.');

/** Adds "use X instead" to unsupported-field issues that have an alternative. */
export function withAlternatives(issues: ValidationIssue[]): ValidationIssue[] {
  return issues.map((i) => {
    const instead = i.code === 'unsupported_field' ? ALTERNATIVES[pattern(i.path)] : undefined;
    return instead ? { ...i, message: `Field is not supported by Berth; use ${instead} instead.` } : i;
  });
}
