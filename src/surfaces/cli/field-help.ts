// Help for operation fields whose schema carries no description, by field name (a field means
// the same in every operation that has it). A schema's own `.describe()` always wins.

const BY_FIELD: Record<string, string> = {
  code: 'error code, e.g. container_exited',
  name: 'name (lower case, digits and dashes)',
  projectId: 'project id (prj_...)',
  environmentId: 'environment id (env_...)',
  resourceId: 'resource id (res_...)',
  serverId: 'server id (srv_...)',
  project: 'project name (default: default)',
  environment: 'environment name (default: production)',
  source: 'source as JSON, e.g. {"kind":"image","location":"nginx:1.27"} (`berth up` builds it from a path)',
  runtime: 'runtime as JSON, e.g. {"method":"node","startCommand":"node server.js","memoryMb":256}',
  build: 'build settings as JSON, e.g. {"env":{"NODE_ENV":"production"},"secrets":["NPM_TOKEN"]}',
  network: 'network as JSON: the port the app listens on, e.g. {"internalPort":8080}',
  health: 'health check as JSON, e.g. {"path":"/health","expectStatus":200}',
  access: 'access URL as JSON, e.g. {"hostLabel":"web"}',
  host: 'host name or address of the server',
  port: 'SSH port (default 22)',
  user: 'SSH user (default root)',
  stateRoot: "directory on the server for Berth's state (default /var/lib/berth)",
  httpPort: "the server's public HTTP port for the edge proxy (default 80)",
  baseDomain: "domain the server's generated URLs end with (default: <ip>.sslip.io, or the host name)",
  dockerSocket: 'Docker socket path on the server (default /var/run/docker.sock)',
  hostKey: 'the SSH host key to pin, as shown by `berth server test`',
  acmeCa: "the server edge's ACME directory URL (https only; default: the control plane's BERTH_ACME_CA, Let's Encrypt)",
  acmeEmail: "the ACME contact email for the server's certificates (default: the control plane's BERTH_ACME_EMAIL)",
  confirm: 'the id again, to confirm this destructive command',
  composeDocument: 'the compose file text (the CLI reads it from the path given to `berth up`)',
  composeSecrets: 'compose secret values as a JSON object of name to value (sent once, stored sealed)',
  preview: 'preview key as JSON, e.g. {"type":"pull-request","id":"42"}',
  includeArchived: 'also list archived attempts',
  limit: 'at most this many items',
  cursor: 'start after this event cursor (the last cursor seen)',
  follow: 'keep streaming new events until the attempt ends',
  kind: 'only items of this kind',
  status: 'only items with this status',
  aggregate: 'the audited record: an id such as res_..., dep_..., or `global`',
  eventId: 'audit event id',
  reason: 'why, recorded in the audit log',
  holdId: 'legal hold id',
  category: 'record category the retention applies to',
  retentionDays: 'days to keep records of this category',
  scope: 'only `system` for now',
  type: 'preview type, e.g. pull-request or branch',
};

/** Help for the `field` of an operation whose first CLI word is `noun`. */
export function fieldHelp(noun: string, field: string, described: string): string {
  if (described) return described;
  if (field === 'id') return `${noun} id`;
  return BY_FIELD[field] ?? '';
}
