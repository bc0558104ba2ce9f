import type { CodeSpec } from './types.js';

// The error catalogue: the only place codes are defined. Codes are snake_case and never change
// once released. A code lands here together with the code path that raises it and a test that
// asserts it (test/errors/catalogue-coverage.test.ts keeps both honest).

const diagnose = { title: 'Run the health checks of this installation', command: 'berth doctor', safeByDefault: true };
const fixInput = (title: string) => ({ title, safeByDefault: true });

export const CATALOGUE = {
  validation_failed: {
    category: 'validation',
    phase: 'command-validation',
    retryable: false,
    responsibility: 'user',
    actionability: 'fix-input',
    summary: 'The input does not match the operation schema; unknown fields are rejected.',
    detailKeys: ['validationIssueCodes', 'validationIssuePaths', 'validationIssueMessages'],
    remedies: [
      fixInput('Correct or remove the fields named in details.validationIssuePaths'),
      { title: 'Show the operation input schema', command: 'berth <command> --help', safeByDefault: true },
    ],
  },
  parse_failed: {
    category: 'validation',
    phase: 'command-validation',
    retryable: false,
    responsibility: 'user',
    actionability: 'fix-input',
    summary: 'A configuration document (berth.yml, compose file, JSON input) is not valid YAML or JSON.',
    detailKeys: ['file', 'line', 'column'],
    remedies: [fixInput('Fix the syntax at details.file line details.line')],
  },
  confirmation_mismatch: {
    category: 'validation',
    phase: 'command-validation',
    retryable: false,
    responsibility: 'user',
    actionability: 'fix-input',
    summary: 'A destructive command was confirmed with a value different from the id it acts on.',
    detailKeys: ['field'],
    remedies: [fixInput('Pass --confirm with exactly the id of the object')],
  },
  operation_not_found: {
    category: 'not-found',
    phase: 'context-resolution',
    retryable: false,
    responsibility: 'user',
    actionability: 'fix-input',
    summary: 'No operation answers this HTTP method and path, or this tool name.',
    detailKeys: ['method', 'path'],
    remedies: [{ title: 'List the operations of the API', command: 'curl $BERTH_URL/api/openapi.json', safeByDefault: true }],
  },
  error_code_not_found: {
    category: 'not-found',
    phase: 'context-resolution',
    retryable: false,
    responsibility: 'user',
    actionability: 'fix-input',
    summary: 'The error code asked for is not in the catalogue.',
    detailKeys: ['code'],
    remedies: [{ title: 'List the catalogued codes', command: 'berth explain --list', safeByDefault: true }],
  },
  token_invalid: {
    category: 'permission',
    phase: 'auth',
    retryable: false,
    responsibility: 'user',
    actionability: 'fix-input',
    summary: 'No bearer token was sent, or it matches no known operator token.',
    remedies: [
      fixInput('Send Authorization: Bearer <token> with a token issued by `berth token issue`'),
      { title: 'Unset BERTH_URL/BERTH_TOKEN to use the local control plane', safeByDefault: true },
    ],
  },
  token_revoked: {
    category: 'permission',
    phase: 'auth',
    retryable: false,
    responsibility: 'operator',
    actionability: 'fix-input',
    summary: 'The bearer token matches a known token that has been revoked.',
    detailKeys: ['tokenId', 'revokedAt'],
    remedies: [{ title: 'Ask an operator for a new token', command: 'berth token issue --name <name>', safeByDefault: true }],
  },
  project_not_found: notFound('project'),
  environment_not_found: notFound('environment'),
  resource_not_found: notFound('resource'),
  server_not_found: notFound('server'),
  token_not_found: notFound('token'),
  name_conflict: {
    category: 'conflict',
    phase: 'command-validation',
    retryable: false,
    responsibility: 'user',
    actionability: 'fix-input',
    summary: 'An object of this kind with this name already exists in the same scope.',
    detailKeys: ['kind', 'name', 'existingId'],
    remedies: [fixInput('Choose another name, or act on the existing object (details.existingId)')],
  },
  state_store_locked: {
    category: 'infra',
    phase: 'startup',
    retryable: false,
    responsibility: 'operator',
    actionability: 'run-diagnostic',
    summary: 'Another process holds the embedded state store; only one `berth serve` may open it.',
    detailKeys: ['lockFile', 'holderPid'],
    remedies: [
      { title: 'Use the running control plane instead of starting a second one', command: 'berth doctor', safeByDefault: true },
      { title: 'Stop the other `berth serve` (pid in details.holderPid) before starting this one', safeByDefault: false },
    ],
  },
  state_store_unavailable: {
    category: 'infra',
    phase: 'startup',
    retryable: true,
    responsibility: 'operator',
    actionability: 'wait-retry',
    summary: 'The state store could not be opened or migrated (database unreachable, bad URL, migration failure).',
    detailKeys: ['backend', 'reason'],
    remedies: [
      { title: 'Check that BERTH_DATABASE_URL points at a reachable PostgreSQL', safeByDefault: true },
      diagnose,
    ],
  },
  control_plane_unreachable: {
    category: 'infra',
    phase: 'context-resolution',
    retryable: true,
    responsibility: 'operator',
    actionability: 'run-diagnostic',
    summary: 'The CLI could not reach the control plane at BERTH_URL, or could not start a local `berth serve`.',
    detailKeys: ['url', 'reason', 'logFile'],
    remedies: [
      { title: 'Check BERTH_URL, or unset it to use the local control plane', safeByDefault: true },
      { title: 'Read the local control plane log (details.logFile)', safeByDefault: true },
    ],
  },
  docker_error: {
    category: 'infra',
    phase: 'execute',
    retryable: true,
    responsibility: 'operator',
    actionability: 'run-diagnostic',
    summary: 'The Docker engine is unreachable or refused a request (daemon stopped, disk full, permissions).',
    detailKeys: ['operation', 'statusCode', 'reason'],
    remedies: [diagnose, { title: 'Start the Docker daemon (dockerd) or fix DOCKER_HOST', safeByDefault: true }],
  },
  proxy_unavailable: {
    category: 'infra',
    phase: 'execute',
    retryable: true,
    responsibility: 'operator',
    actionability: 'run-diagnostic',
    summary: 'The edge proxy (Caddy) admin API does not answer.',
    detailKeys: ['adminUrl', 'reason'],
    remedies: [diagnose, { title: 'Start Caddy with its admin API on the configured address', safeByDefault: true }],
  },
  internal: {
    category: 'internal',
    phase: 'startup',
    retryable: false,
    responsibility: 'berth',
    actionability: 'report-bug',
    summary: 'An unexpected failure inside Berth; details.correlationId finds it in the control plane log.',
    detailKeys: ['reason', 'correlationId'],
    remedies: [
      { title: 'Collect diagnostics and report the bug with details.correlationId', command: 'berth doctor --json', safeByDefault: true },
    ],
  },
} satisfies Record<string, CodeSpec>;

function notFound(kind: string): CodeSpec {
  return {
    category: 'not-found',
    phase: 'context-resolution',
    retryable: false,
    responsibility: 'user',
    actionability: 'fix-input',
    summary: `No ${kind} has the id given.`,
    detailKeys: ['id'],
    remedies: [{ title: `List the ${kind}s and use an existing id`, command: `berth ${kind} list`, safeByDefault: true }],
  };
}

export type ErrorCode = keyof typeof CATALOGUE;
export const ERROR_CODES = Object.keys(CATALOGUE).sort() as ErrorCode[];

export function isErrorCode(value: string): value is ErrorCode {
  return Object.prototype.hasOwnProperty.call(CATALOGUE, value);
}
