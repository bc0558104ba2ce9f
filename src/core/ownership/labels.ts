// Ownership labels on everything Berth creates on a target: pruning and crash recovery find
// Berth's objects by them, and leave everything else alone.
export const LABELS = {
  managed: 'dev.berth.managed', // 'true'
  resource: 'dev.berth.resource',
  deployment: 'dev.berth.deployment',
  service: 'dev.berth.service',
  preview: 'dev.berth.preview',
} as const;

/**
 * Node builds' dependency images (`berth-deps:<key>`): `key` is on the deps image, the full key
 * it was installed for; `from` is on every image built FROM one, naming that key, so runtime
 * pruning knows which deps images a kept image was made from.
 */
export const DEPS_LABELS = {
  key: 'dev.berth.deps-key',
  from: 'dev.berth.deps-from',
} as const;
export const DEPS_TAG_PREFIX = 'berth-deps:';
