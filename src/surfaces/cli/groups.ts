// What each command group is for, as `berth --help` lists it. A group's help says what its
// commands act on, never just "<noun> commands".

export const GROUP_DESCRIPTIONS: Record<string, string> = {
  'audit-event': 'Read, export, verify and prune the tamper-evident audit log',
  'audit-event legal-hold': 'Keep audit events from being pruned while a hold is open',
  domain: 'Custom domains of a resource, served over HTTPS with certificates by ACME',
  deployment: 'Deployment attempts: follow, inspect, retry, roll back, cancel, archive, prune',
  'domain-event': 'Prune the internal domain-event journal',
  environment: 'Environments of a project (production, staging, ...)',
  error: 'The error catalogue: every code with its category, phase and remedies (works offline)',
  preview: 'Preview deployments of a branch or pull request',
  project: 'Projects: the top-level grouping of environments and resources',
  'provider-job-log': 'Prune stored build and pull logs',
  proxy: 'The edge proxy that routes URLs to running apps',
  'remote-state': "An SSH server's state root and the lock deploys take on it",
  'remote-state lock': 'Inspect or recover the state-root lock',
  resource: 'Apps Berth runs: create, configure, redeploy, logs, diagnose, relink',
  'resource secret': "A resource's secrets: set, unset, list names (values are never shown)",
  'retention-default': 'How long records of each category are kept',
  server: 'SSH servers to deploy to: register, test, capacity, runtime prune',
  session: 'Console sign-in sessions',
  system: 'The control plane itself: health',
  token: 'API tokens: issue (shown once), list, revoke',
  work: 'The work ledger: background jobs and their progress',
};

/**
 * CLI nouns are singular (`berth deployment show`); the plural spellings of earlier releases stay
 * as aliases so scripts keep working.
 */
export const NOUN_ALIASES: Record<string, string[]> = { deployment: ['deployments'], error: ['errors'] };
