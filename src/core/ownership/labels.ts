// Ownership labels on everything Berth creates on a target: pruning and crash recovery find
// Berth's objects by them, and leave everything else alone.
export const LABELS = {
  managed: 'dev.berth.managed', // 'true'
  resource: 'dev.berth.resource',
  deployment: 'dev.berth.deployment',
  service: 'dev.berth.service',
  preview: 'dev.berth.preview',
} as const;
