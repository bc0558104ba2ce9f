import type { CodeSpec } from './types.js';

// The error catalogue: the only place codes are defined. Codes are snake_case and never change
// once released. A code lands here together with the code path that raises it and a test that
// asserts it (test/errors/catalogue-coverage.test.ts keeps both honest).

const diagnose = { title: 'Run the health checks of this installation', command: 'berth doctor', safeByDefault: true };
const fixInput = (title: string) => ({ title, safeByDefault: true });
/** `berth serve` refused what it was started with, before opening anything. */
const startupInput = { category: 'validation', phase: 'startup', retryable: false, responsibility: 'user', actionability: 'fix-input' } as const;
const providerLog = { title: "Read the install's full output", command: 'berth deployment provider-log <deploymentId>', safeByDefault: true };
/** A failed install the user fixes in the app (its packages, lockfile or credentials). */
const userFixKnowledge = (category: CodeSpec['category'], title: string) =>
  ({ category, retryable: false, responsibility: 'user', actionability: 'fix-input', remedies: [providerLog, fixInput(title)] }) satisfies NonNullable<CodeSpec['byReason']>[string];

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
    byPhase: {
      // The compose file read from the source at plan time, not the command's input.
      plan: {
        remedies: [
          fixInput('Fix the fields named in details.validationIssuePaths in the compose file of the source'),
          { title: 'Check the fix without deploying', command: 'berth plan <source>', safeByDefault: true },
        ],
      },
    },
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
    byPhase: {
      plan: {
        remedies: [
          fixInput('Fix the syntax at details.file line details.line in the source, then deploy again'),
          { title: 'Check the fix without deploying', command: 'berth plan <source>', safeByDefault: true },
        ],
      },
    },
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
    remedies: [{ title: 'List the catalogued codes', command: 'berth errors list', safeByDefault: true }],
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
  sign_in_link_invalid: {
    category: 'permission',
    phase: 'auth',
    retryable: false,
    responsibility: 'user',
    actionability: 'fix-input',
    summary: 'The console sign-in link is unknown, was already used, or has expired; each link signs in once, within minutes.',
    detailKeys: ['reason'],
    remedies: [{ title: 'Print a new one-time sign-in link', command: 'berth console', safeByDefault: true }],
  },
  session_invalid: {
    category: 'permission',
    phase: 'auth',
    retryable: false,
    responsibility: 'user',
    actionability: 'fix-input',
    summary: 'The console session is unknown, signed out, expired, or its operator token was revoked.',
    detailKeys: ['reason'],
    remedies: [
      { title: 'Sign in again with a new link', command: 'berth console', safeByDefault: true },
      fixInput('Or sign in on the console page with an operator token'),
    ],
  },
  csrf_token_invalid: {
    category: 'permission',
    phase: 'auth',
    retryable: false,
    responsibility: 'user',
    actionability: 'fix-input',
    summary: 'A state-changing request authenticated by the console session cookie did not carry its CSRF token in X-Berth-CSRF.',
    detailKeys: ['reason'],
    remedies: [
      fixInput('Send the X-Berth-CSRF header with the csrfToken of GET /console/session'),
      fixInput('Or send Authorization: Bearer <token> instead of the cookie'),
    ],
  },
  project_not_found: notFound('project'),
  environment_not_found: notFound('environment'),
  resource_not_found: notFound('resource'),
  domain_not_found: { ...notFound('domain'), summary: 'No resource has the domain given.', detailKeys: ['domain'] },
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
  resource_source_changed: {
    category: 'conflict',
    phase: 'context-resolution',
    retryable: false,
    responsibility: 'user',
    actionability: 'fix-input',
    summary: 'A deploy names an existing resource with another source (kind, location, git ref or base directory); the resource is repointed only when the deploy asks to relink.',
    detailKeys: ['resourceId', 'name', 'current', 'requested', 'changed'],
    remedies: [
      fixInput('Deploy under another name if this is another app'),
      { title: 'Repoint the resource at the new source and deploy it: run the same deploy with --relink', command: 'berth up <source> --name <name> --relink', safeByDefault: false },
      { title: 'Repoint the resource without deploying', command: 'berth resource relink <resourceId> --source \'{"kind":"folder","location":"<path>"}\'', safeByDefault: false },
    ],
  },
  resource_server_changed: {
    category: 'conflict',
    phase: 'context-resolution',
    retryable: false,
    responsibility: 'user',
    actionability: 'fix-input',
    summary: 'A deploy names a server other than the one the resource runs on; Berth does not move a resource between servers (its runtime, route and volumes stay where they are).',
    detailKeys: ['resourceId', 'name', 'currentServer', 'requestedServer'],
    remedies: [
      fixInput('Deploy without --server: the resource stays on its server'),
      fixInput('Deploy under another name to run a second copy on the other server'),
    ],
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
    byPhase: {
      execute: {
        summary: 'The state store stopped answering while the control plane was working (server restarting or unreachable); the control plane reconnects on its own.',
        remedies: [
          diagnose,
          { title: 'Retry the deployment once the store answers', command: 'berth deployment retry <deploymentId>', safeByDefault: true },
        ],
      },
    },
  },
  control_plane_unreachable: {
    category: 'infra',
    phase: 'context-resolution',
    retryable: true,
    responsibility: 'operator',
    actionability: 'run-diagnostic',
    summary: 'The CLI could not reach the control plane at BERTH_URL, or could not start a local `berth serve`.',
    detailKeys: ['url', 'reason', 'logFile', 'stage'],
    remedies: [
      { title: 'Check BERTH_URL, or unset it to use the local control plane', safeByDefault: true },
      { title: 'Read the local control plane log (details.logFile)', safeByDefault: true },
    ],
  },
  control_plane_tls_untrusted: {
    category: 'integrity',
    phase: 'context-resolution',
    retryable: false,
    responsibility: 'operator',
    actionability: 'manual-review',
    summary:
      'The control plane at BERTH_URL presented a certificate this CLI does not trust (no trusted CA signed it, it names another host, or it is expired); nothing was sent to it. The CLI never falls back to plain HTTP or skips the check.',
    detailKeys: ['url', 'reason', 'tlsCode', 'caFile'],
    remedies: [
      { title: 'Set BERTH_CA_CERT to the PEM file of the CA that signed the control plane certificate', safeByDefault: true },
      { title: 'Use the host name the certificate names in BERTH_URL (its subject alternative names)', safeByDefault: true },
      { title: 'If the certificate changed unexpectedly, find out why before trusting it', safeByDefault: true },
    ],
    byReason: {
      expired: { remedies: [{ title: 'Renew the certificate of the control plane (berth serve --tls-cert/--tls-key) and restart it', safeByDefault: true }] },
    },
  },
  listen_insecure: {
    ...startupInput,
    summary:
      'The control plane would listen beyond loopback over plain HTTP, sending bearer tokens in clear. It needs TLS there (--tls-cert and --tls-key), or --insecure-http when something else in front of it encrypts the traffic.',
    detailKeys: ['field', 'host', 'port'],
    remedies: [
      fixInput('Serve HTTPS: berth serve --listen <host:port> --tls-cert <cert.pem> --tls-key <key.pem>'),
      fixInput('Listen on loopback (127.0.0.1) and put a TLS terminator in front of it'),
      { title: 'Accept plain HTTP on purpose (a trusted network, or TLS ended in front): add --insecure-http', safeByDefault: false },
    ],
  },
  tls_material_invalid: {
    ...startupInput,
    summary:
      'A certificate or key for the control plane cannot be used: only one of the pair was given, a file is unreadable or holds no PEM, the key does not match the certificate, or the certificate does not name the public URL host.',
    detailKeys: ['field', 'reason', 'file'],
    remedies: [fixInput('Fix the file named by details.field (details.reason says what is wrong)')],
    byPhase: {
      'context-resolution': {
        responsibility: 'user',
        actionability: 'fix-input',
        remedies: [fixInput('Point BERTH_CA_CERT at a readable PEM file with the CA certificate of the control plane')],
      },
    },
  },
  service_unit_not_written: {
    category: 'conflict',
    phase: 'command-validation',
    retryable: false,
    responsibility: 'operator',
    actionability: 'fix-input',
    summary: '`berth service install` did not write the systemd unit: a different unit is already there, or the unit directory cannot be written.',
    detailKeys: ['unitPath', 'reason'],
    remedies: [
      { title: 'Compare with the unit it would write', command: 'berth service install --dry-run', safeByDefault: true },
      { title: 'Replace the existing unit', command: 'berth service install --force', safeByDefault: false },
      fixInput('Run it as a user who may write the unit directory (root for /etc/systemd/system), or name another with --unit-dir'),
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
    summary: 'The edge proxy (Caddy) admin API does not answer, or another process listens on its port.',
    detailKeys: ['adminUrl', 'reason', 'port', 'holderPid', 'holderCommand'],
    remedies: [
      diagnose,
      { title: 'Start Caddy with its admin API on the configured address', safeByDefault: true },
      { title: 'Stop the process named by details.holderPid, or set BERTH_HTTP_PORT to a free port', safeByDefault: false },
    ],
  },

  // --- deploy lifecycle: detect -------------------------------------------------------------
  source_unreadable: {
    ...userFix('detect', 'The source path is missing, unreadable or empty, or the image/compose reference cannot be read.', ['location', 'reason'], [
      fixInput('Fix the source path or permissions'),
      { title: 'Point the resource at the right source', command: 'berth resource relink <resourceId> --source \'{"kind":"folder","location":"<path>"}\'', safeByDefault: false },
    ]),
    byPhase: {
      // Raised by the CLI before anything is sent: a file named on the command line (berth.yml, an env_file).
      'command-validation': { remedies: [fixInput('Fix the path in details.location: the file named on the command line or by env_file must exist and be readable')] },
    },
  },
  source_ref_not_found: userFix('detect', 'The git ref (branch, tag or commit) does not exist in the repository.', ['location', 'gitRef'], [
    fixInput('Use an existing branch, tag or commit (git ls-remote <repo>)'),
  ]),
  source_base_directory_not_found: userFix('detect', 'The base directory does not exist in the source at that ref.', ['location', 'gitRef', 'baseDirectory'], [
    fixInput('Fix source.baseDirectory to a directory that exists at that ref'),
  ]),
  source_archive_invalid: userFix('detect', 'The zip archive is corrupt or unsafe (an entry escapes the extraction directory).', ['location', 'reason', 'entry'], [
    fixInput('Rebuild the archive without absolute paths or ".." entries'),
  ]),
  app_type_undetected: userFix('detect', 'No planner recognises the source and no runtime profile says how to run it.', ['evidence', 'fixPath', 'overridePath', 'profileField'], [
    fixInput('Add a Dockerfile, a package.json start script or an index.html'),
    { title: 'Or say how to run it', command: 'berth resource configure <id> --runtime \'{"method":"dockerfile"}\'', safeByDefault: true },
  ]),
  // --- plan -----------------------------------------------------------------------------------
  plan_blocked: userFix('plan', 'The plan cannot be made from this source and profile.', ['reasonCode', 'evidence', 'fixPath', 'overridePath', 'profileField'], [
    fixInput('Apply the fix in details.fixPath, or override with details.overridePath'),
  ], 'domain'),
  node_version_unavailable: {
    ...userFix('plan', 'The app asks for a Node.js version (details.source: engines.node, .nvmrc or .node-version) that no major Berth can provide satisfies: the host\'s major and Debian\'s (details.availableMajors).', ['requested', 'source', 'availableMajors', 'evidence', 'fixPath', 'overridePath', 'profileField'], [
      fixInput('Allow one of details.availableMajors in details.source'),
      { title: 'Or build with your own Dockerfile on the Node.js image you need', command: 'berth resource configure <id> --runtime \'{"method":"dockerfile"}\'', safeByDefault: true },
      { title: 'Or run the control plane on a host whose Node.js has the major asked for', safeByDefault: true },
    ], 'domain'),
  },
  internal_port_missing: userFix('plan', 'The app is an HTTP service but no internal port is known.', ['profileField'], [
    { title: 'Set the port the app listens on', command: 'berth resource configure <id> --network \'{"internalPort":3000}\'', safeByDefault: true },
  ]),
  legacy_compose_field: userFix('plan', 'The compose file uses a v1/v2 spelling dropped from the modern spec.', ['field', 'modern_equivalent', 'service'], [
    fixInput('Replace details.field with details.modern_equivalent'),
  ]),
  env_file_unresolved: {
    category: 'validation', phase: 'plan', retryable: false, responsibility: 'system', actionability: 'report-bug',
    summary: 'A compose document reached the control plane still carrying env_file: the client failed to fold it.',
    detailKeys: ['service'],
    remedies: [{ title: 'Deploy with `berth up`, which folds env_file into environment before sending', safeByDefault: true }],
  },
  reserved_port: userFix('plan', "A service publishes a host port the edge proxy listens on: BERTH_HTTP_PORT (80 unless set), and 443 when TLS is on. details.port is the port, details.edgePorts all of the edge's ports.", ['service', 'port', 'edgePorts'], [
    fixInput('Remove the host port: Berth routes the access URL to the internal port'),
  ]),
  port_conflict: { ...userFix('plan', 'The same host port is published twice in one compose file (details.owner is the service that publishes it first); ports owned by other deployments are not checked at plan time.', ['service', 'port', 'owner'], [fixInput('Publish a different host port, or none')]), category: 'conflict' },
  unknown_service: userFix('plan', 'A reference names a service that is not declared.', ['service', 'reference'], [fixInput('Declare the service, or fix the name')]),
  unknown_network: userFix('plan', 'A service joins a network that is not declared at top level.', ['service', 'network'], [fixInput('Declare the network under networks:, or fix the name')]),
  // --- execute --------------------------------------------------------------------------------
  disk_space_low: {
    category: 'infra', phase: 'execute', retryable: false, responsibility: 'operator', actionability: 'run-diagnostic',
    summary: 'Preflight: the target is below the free-space threshold for a build.',
    detailKeys: ['path', 'freeBytes', 'requiredBytes'],
    remedies: [{ title: 'See what Berth could reclaim', command: 'berth server capacity <serverId>', safeByDefault: true }],
  },
  image_build_failed: userFix('execute', 'A build step failed.', ['step', 'exitCode', 'logTail'], [
    { title: 'Read the build log tail in details.logTail, fix the build, deploy again', safeByDefault: true },
  ]),
  // details.reason says why (core/deployments/install-failure.ts); the defaults are network's.
  dependency_install_failed: {
    category: 'infra', phase: 'execute', retryable: true, responsibility: 'provider', actionability: 'wait-retry',
    summary: "The app's dependency install failed; details.reason names the cause (network, tls, auth, not-found, lockfile, compile, system-library, unknown).",
    detailKeys: ['service', 'reason', 'packageManager', 'exitCode', 'logTail', 'library'],
    remedies: [
      providerLog,
      { title: 'The registry was unreachable: retry once the network or registry answers', command: 'berth deployment retry <deploymentId>', safeByDefault: true },
    ],
    byReason: {
      tls: {
        retryable: false, responsibility: 'operator', actionability: 'run-diagnostic',
        remedies: [
          providerLog,
          fixInput("The registry's certificate is not trusted: add its CA to the control plane host's store (or NODE_EXTRA_CA_CERTS) and keep host trust on (BERTH_BUILD_HOST_TRUST, build.hostTrust)"),
        ],
      },
      auth: userFixKnowledge('permission', 'The registry refused the credentials: set the token as a resource secret and list it in build.secrets'),
      'not-found': userFixKnowledge('not-found', 'A package or version does not exist in the registry: fix package.json or the lockfile'),
      lockfile: userFixKnowledge('validation', 'The lockfile does not match package.json: run the install locally and commit the updated lockfile'),
      compile: userFixKnowledge('validation', 'A native module failed to compile: use a version with prebuilt binaries, or a Dockerfile with the build tools'),
      'system-library': userFixKnowledge('validation', 'A program needs the shared library in details.library, which the base image lacks: use a Dockerfile that installs it'),
      unknown: userFixKnowledge('validation', 'Read the lines in details.logTail, fix the install, deploy again'),
    },
  },
  build_secret_missing: userFix('execute', 'build.secrets names a secret the resource does not have: the install cannot run without it.', ['service', 'secretName'], [
    { title: 'Set the secret on the resource', command: 'berth resource secret set <resourceId> <secretName>', safeByDefault: true },
    fixInput('Or remove the name from build.secrets in berth.yml'),
  ]),
  image_pull_failed: {
    category: 'provider', phase: 'execute', retryable: true, responsibility: 'provider', actionability: 'wait-retry',
    summary: 'The image could not be pulled: registry unreachable or image absent, after bounded retries.',
    detailKeys: ['image', 'attempt', 'nextRetryAt', 'reason'],
    remedies: [
      fixInput('Check the image reference and registry credentials'),
      { title: 'Retry the deployment once the registry answers', command: 'berth deployment retry <deploymentId>', safeByDefault: true },
    ],
  },
  container_start_failed: {
    category: 'infra', phase: 'execute', retryable: false, responsibility: 'user', actionability: 'run-diagnostic',
    summary: 'The engine refused to create or start the container.',
    detailKeys: ['service', 'reason'],
    remedies: [{ title: 'Inspect the resource diagnostics', command: 'berth resource diagnose <resourceId>', safeByDefault: true }],
  },
  step_deadline_exceeded: {
    category: 'timeout', phase: 'execute', retryable: true, responsibility: 'operator', actionability: 'run-diagnostic',
    summary: 'A step overran its deadline.',
    detailKeys: ['step', 'deadlineSeconds'],
    remedies: [{ title: 'Inspect the deployment events for the slow step', command: 'berth deployment events <deploymentId>', safeByDefault: true }],
  },
  deployment_interrupted: {
    category: 'infra', phase: 'execute', retryable: true, responsibility: 'system', actionability: 'auto-recoverable',
    summary: "The attempt's heartbeat went stale (the control plane died); the reconciler ended it.",
    detailKeys: ['lastHeartbeatAt', 'staleAfterSeconds', 'containers'],
    remedies: [{ title: 'Check recovery readiness, then retry', command: 'berth deployment recovery-readiness <deploymentId>', safeByDefault: true }],
  },
  // --- verify ---------------------------------------------------------------------------------
  container_exited: userFix('verify', 'The process exited during verification.', ['service', 'exitCode', 'logTail'], [
    { title: 'Read the log tail (details.logTail) and fix the start command', command: 'berth resource logs <resourceId>', safeByDefault: true },
  ]),
  restart_exhausted: userFix('verify', 'The container restarted 3 consecutive times.', ['service', 'restartCount', 'logTail'], [
    { title: 'Read the logs, fix the crash, deploy again', command: 'berth resource logs <resourceId>', safeByDefault: true },
  ], 'domain'),
  health_check_failed: userFix('verify', 'The health path answered a non-2xx status.', ['path', 'status'], [
    { title: 'Read the logs and the health profile', command: 'berth resource logs <resourceId>', safeByDefault: true },
    fixInput('Point health.path at a route that answers 200'),
  ]),
  health_check_redirected: userFix('verify', 'The health path answered a redirect (3xx): a health path must answer directly.', ['path', 'status', 'location'], [
    fixInput('Set health.path to the final URL (details.location) or a dedicated health route'),
  ]),
  health_check_timeout: {
    category: 'timeout', phase: 'verify', retryable: true, responsibility: 'user', actionability: 'run-diagnostic',
    summary: 'The health path did not answer within the policy.',
    detailKeys: ['path', 'timeoutSeconds', 'lastError'],
    remedies: [{ title: 'Read the logs: the app may start slowly or hang', command: 'berth resource logs <resourceId>', safeByDefault: true }],
  },
  listener_port_mismatch: userFix('verify', 'Nothing listens on the internal port.', ['internalPort', 'listeningPorts'], [
    { title: 'Set network.internalPort to the port the app listens on (details.listeningPorts)', command: 'berth resource configure <id> --network \'{"internalPort":<port>}\'', safeByDefault: true },
  ]),
  proxy_route_failed: {
    category: 'infra', phase: 'verify', retryable: true, responsibility: 'operator', actionability: 'run-diagnostic',
    summary: 'The proxy route could not be applied or observed.',
    detailKeys: ['routeId', 'reason'],
    remedies: [diagnose],
  },
  domain_invalid: {
    category: 'validation', phase: 'command-validation', retryable: false, responsibility: 'user', actionability: 'fix-input',
    summary: 'A domain name is not one Berth can route: not a DNS name, a wildcard, an IP address or a name of the generated base domain.',
    detailKeys: ['field', 'domain', 'reason'],
    remedies: [fixInput('Give a fully qualified name such as app.example.com (an internationalised name is stored as punycode)')],
  },
  domain_conflict: {
    category: 'conflict', phase: 'command-validation', retryable: false, responsibility: 'user', actionability: 'fix-input',
    summary: "The domain is already routed to another resource, or is the control plane's public URL; a domain belongs to one owner.",
    detailKeys: ['domain', 'resourceId', 'ownerResourceId', 'owner'],
    remedies: [fixInput('Remove it from the resource that owns it first'), { title: "List the domains and the resources owning them", command: 'berth domain list', safeByDefault: true }],
    byPhase: {
      // berth serve --public-url names a host that a resource already has as a domain.
      startup: {
        summary: "The public URL's host is a domain of a resource: the control plane cannot serve its API there.",
        remedies: [
          { title: 'Remove the domain from the resource that owns it (details.ownerResourceId)', command: 'berth domain remove <domain> --confirm <domain>', safeByDefault: false },
          fixInput('Or start berth serve with another --public-url'),
        ],
      },
    },
  },
  cert_failed: {
    category: 'provider', phase: 'verify', retryable: true, responsibility: 'provider', actionability: 'wait-retry',
    summary: 'The ACME CA did not issue a certificate for the domain within the retry budget; the HTTP route keeps serving.',
    detailKeys: ['domain', 'ca', 'reason', 'error'],
    remedies: [
      fixInput('Check that the DNS records of the domain point at this server and that ports 80 and 443 reach it (docs/domains.md)'),
      { title: 'Retry the deployment once the CA answers', command: 'berth deployment retry <deploymentId>', safeByDefault: true },
    ],
  },
  certificate_invalid: {
    category: 'infra', phase: 'verify', retryable: true, responsibility: 'operator', actionability: 'run-diagnostic',
    summary: 'The HTTPS URL of a domain answers with a certificate the configured CA does not vouch for, or for another name.',
    detailKeys: ['domain', 'url', 'reason'],
    remedies: [diagnose, { title: 'Check the certificate readiness of the resource', command: 'berth resource show <resourceId>', safeByDefault: true }],
  },
  access_url_unreachable: {
    category: 'infra', phase: 'verify', retryable: true, responsibility: 'operator', actionability: 'run-diagnostic',
    summary: 'The generated URL does not answer through the proxy.',
    detailKeys: ['url', 'status', 'reason'],
    remedies: [diagnose, { title: 'Check the network profile and proxy readiness', command: 'berth resource show <resourceId>', safeByDefault: true }],
  },
  rollback_failed: {
    category: 'infra', phase: 'rollback', retryable: false, responsibility: 'operator', actionability: 'manual-review',
    summary: 'The previous version could not be restored; save diagnostics before acting.',
    detailKeys: ['reason'],
    remedies: [{ title: 'Save a diagnostic bundle first', command: 'berth resource diagnose <resourceId>', safeByDefault: true }],
  },
  deployment_not_found: notFound('deployment', 'berth deployment list'),
  deployment_in_progress: {
    category: 'conflict', phase: 'recovery', retryable: true, responsibility: 'user', actionability: 'wait-retry',
    summary: 'Another attempt of this resource is active.',
    detailKeys: ['activeDeploymentId'],
    remedies: [{ title: 'Watch the active attempt', command: 'berth deployment events <activeDeploymentId> --follow', safeByDefault: true }],
  },

  // --- recovery -------------------------------------------------------------------------------
  recovery_blocked: {
    category: 'domain', phase: 'recovery', retryable: false, responsibility: 'user', actionability: 'run-diagnostic',
    summary: 'Recovery readiness forbids this action now; details.reasons says why.',
    detailKeys: ['action', 'reasons'],
    remedies: [{ title: 'Read recovery readiness and follow its safe next actions', command: 'berth deployment recovery-readiness <deploymentId>', safeByDefault: true }],
  },
  recovery_readiness_stale: {
    category: 'conflict', phase: 'recovery', retryable: true, responsibility: 'user', actionability: 'wait-retry',
    summary: 'State changed since the readiness the caller based its decision on.',
    detailKeys: ['readinessGeneratedAt', 'changedAt'],
    remedies: [{ title: 'Read recovery readiness again, then decide', command: 'berth deployment recovery-readiness <deploymentId>', safeByDefault: true }],
  },
  rollback_candidate_not_found: userFix('recovery', 'The rollback candidate is unknown or belongs to another resource.', ['candidateId'], [
    { title: 'Pick a candidate listed by recovery readiness', command: 'berth deployment recovery-readiness <deploymentId>', safeByDefault: true },
  ], 'not-found'),
  rollback_candidate_not_ready: {
    ...userFix('recovery', 'The candidate lacks its snapshot, artifact or target.', ['candidateId', 'missing'], [
      { title: 'Choose another candidate, or redeploy', command: 'berth deployment recovery-readiness <deploymentId>', safeByDefault: true },
    ], 'domain'),
    byPhase: {
      // Readiness saw the images; by the time the rollback ran they had been removed from the engine.
      execute: {
        responsibility: 'system',
        actionability: 'run-diagnostic',
        remedies: [
          { title: 'Read recovery readiness again: the candidate is no longer ready', command: 'berth deployment recovery-readiness <deploymentId>', safeByDefault: true },
          { title: 'Or redeploy the resource from its source', command: 'berth deployment redeploy <resourceId>', safeByDefault: false },
        ],
      },
    },
  },
  no_previous_revision: userFix('recovery', 'There is no earlier successful deployment to roll back to.', ['resourceId'], [
    { title: 'Fix the profile and redeploy instead', command: 'berth resource redeploy <resourceId>', safeByDefault: false },
  ], 'domain'),
  deployment_not_cancelable: {
    category: 'conflict', phase: 'recovery', retryable: false, responsibility: 'user', actionability: 'no-user-action',
    summary: 'The attempt is already terminal: there is nothing to cancel.',
    detailKeys: ['status'],
    remedies: [{ title: 'Read the attempt', command: 'berth deployment show <deploymentId>', safeByDefault: true }],
  },
  deployment_not_archivable: userFix('recovery', 'Only terminal attempts can be archived.', ['status'], [
    { title: 'Cancel or wait for the attempt to end first', command: 'berth deployment show <deploymentId>', safeByDefault: true },
  ], 'conflict'),
  preview_not_found: notFound('preview', 'berth deployment list --resource-id <resourceId>'),
  // --- history and governance -----------------------------------------------------------------
  work_item_not_found: notFound('work item', 'berth work list'),
  audit_event_not_found: notFound('audit event', 'berth audit-event list --aggregate <id>'),
  legal_hold_not_found: notFound('legal hold', 'berth audit-event legal-hold list'),
  export_window_required: userFix('command-validation', 'A global export needs a time window: --from and --to.', ['missing'], [
    fixInput('Pass --from and --to as ISO timestamps'),
  ]),
  secret_key_mismatch: {
    category: 'integrity', phase: 'execute', retryable: false, responsibility: 'operator', actionability: 'fix-input',
    summary: "A stored secret was sealed with another secret key than this control plane's.",
    detailKeys: ['resourceId', 'name'],
    remedies: [
      { title: 'Start the control plane with the key the secrets were sealed with (BERTH_SECRET_KEY, or <home>/secret.key restored)', command: 'berth doctor', safeByDefault: true },
      { title: 'Or set the secret again under the current key', command: 'berth resource secret set <resourceId> <NAME> --value <value>', safeByDefault: false },
    ],
  },
  audit_chain_broken: {
    category: 'integrity', phase: 'history', retryable: false, responsibility: 'operator', actionability: 'manual-review',
    summary: 'Audit verification found an altered or missing row.',
    detailKeys: ['firstBrokenSeq', 'firstBrokenId', 'reason'],
    remedies: [{ title: 'Export the affected range and review it before any prune', command: 'berth audit-event export-global --from <iso> --to <iso> --limit 1000', safeByDefault: true }],
  },
  internal: {
    category: 'internal',
    phase: 'execute',
    retryable: false,
    responsibility: 'berth',
    actionability: 'report-bug',
    summary: 'An unexpected failure inside Berth; details.correlationId finds it in the control plane log.',
    detailKeys: ['reason', 'correlationId'],
    remedies: [
      { title: 'Collect diagnostics and report the bug with details.correlationId', command: 'berth doctor --json', safeByDefault: true },
    ],
  },
  // --- state store faults (issue 8, fault suite) ---------------------------------------------
  state_store_full: {
    category: 'infra',
    phase: 'execute',
    retryable: true,
    responsibility: 'operator',
    actionability: 'run-diagnostic',
    summary: "The state store's disk is full: it refuses writes until space is freed. What it holds is kept.",
    detailKeys: ['backend', 'reason'],
    remedies: [
      { title: 'Free space on the disk that holds the state store (BERTH_HOME, or the PostgreSQL data directory)', safeByDefault: true },
      { title: 'Retry the deployment once the store accepts writes', command: 'berth deployment retry <deploymentId>', safeByDefault: true },
    ],
  },
  // --- plan -> container mapping (issue 8: healthchecks, depends_on conditions) ---------------
  container_unhealthy: userFix('verify', 'Docker ran the service healthcheck and reports the container unhealthy.', ['service', 'restartCount', 'logTail'], [
    { title: 'Read the logs and the healthcheck of the service', command: 'berth resource logs <resourceId>', safeByDefault: true },
    fixInput('Fix the app, or the healthcheck test, interval, retries or start_period of the service'),
  ]),
  dependency_unhealthy: {
    category: 'domain', phase: 'execute', retryable: false, responsibility: 'user', actionability: 'run-diagnostic',
    summary: 'A service waits for a dependency to be healthy (depends_on condition service_healthy), and it did not get there: Docker found it unhealthy, it exited, it has no healthcheck, or the wait ran out (details.reason).',
    detailKeys: ['service', 'dependency', 'reason', 'health', 'exitCode', 'waitedSeconds'],
    remedies: [
      { title: 'Read the logs of the dependency (details.dependency)', command: 'berth resource logs <resourceId>', safeByDefault: true },
      fixInput('Give the dependency a healthcheck that passes, or wait on service_started instead'),
    ],
  },
  dependency_failed: userFix('execute', 'A service waits for a dependency to finish with exit 0 (depends_on condition service_completed_successfully), and it exited with another code or did not finish in time (details.reason).', ['service', 'dependency', 'reason', 'exitCode', 'waitedSeconds'], [
    { title: 'Read the logs of the dependency (details.dependency)', command: 'berth resource logs <resourceId>', safeByDefault: true },
    fixInput('Fix the command of the dependency so it exits 0'),
  ]),
  // --- compose files as users write them (issue 8: interpolation, secrets, volumes) ----------
  compose_variable_unresolved: userFix('plan', 'The compose file uses a ${VARIABLE} that has no value: not in the shell, not in the .env file next to the compose file, and without a default.', ['variable', 'field', 'reason'], [
    fixInput('Set details.variable in the .env file next to the compose file, or give it a default: ${VARIABLE:-default}'),
  ]),
  compose_secret_missing: {
    category: 'validation', phase: 'execute', retryable: false, responsibility: 'user', actionability: 'fix-input',
    summary: 'A compose service mounts a secret the resource does not have: `berth up` stores each `secrets.<name>.file` as a resource secret before deploying.',
    detailKeys: ['service', 'secretName'],
    remedies: [
      { title: 'Deploy the compose file with `berth up`, which uploads its secret files', safeByDefault: true },
      { title: 'Or set it yourself', command: 'berth resource secret set <resourceId> <secretName>', safeByDefault: true },
    ],
  },
  compose_volume_missing: {
    category: 'validation', phase: 'execute', retryable: false, responsibility: 'user', actionability: 'fix-input',
    summary: 'A compose volume declared `external: true` does not exist on the engine: Berth never creates an external volume.',
    detailKeys: ['volume', 'service'],
    remedies: [
      { title: 'Create the volume on the engine (docker volume create <volume>), or drop `external: true` to let Berth make one for the resource', safeByDefault: true },
    ],
  },
  // --- uploads: a remote control plane receives the source (issue 8) --------------------------
  upload_too_large: userFix('command-validation', 'The uploaded source is larger than the control plane accepts (BERTH_UPLOAD_MAX_BYTES).', ['limitBytes', 'receivedBytes'], [
    fixInput('Leave build outputs and dependencies out with .gitignore or .dockerignore, or raise BERTH_UPLOAD_MAX_BYTES on the control plane'),
  ]),
  upload_checksum_mismatch: {
    category: 'validation',
    phase: 'command-validation',
    retryable: true,
    responsibility: 'system',
    actionability: 'wait-retry',
    summary: 'The uploaded bytes do not match the sha256 the client sent: the archive changed or was damaged on the way.',
    detailKeys: ['expectedSha256', 'actualSha256', 'receivedBytes'],
    remedies: [{ title: 'Run the same `berth up` again; it packs and uploads the source anew', safeByDefault: true }],
  },
  upload_not_found: {
    category: 'not-found',
    phase: 'detect',
    retryable: false,
    responsibility: 'user',
    actionability: 'fix-input',
    summary: 'The source refers to an upload the control plane does not hold (never made, or removed after its time to live).',
    detailKeys: ['id', 'reason'],
    remedies: [{ title: 'Run `berth up` with the source again: it uploads it anew', safeByDefault: true }],
  },

  // --- HTTP API boundary ----------------------------------------------------------------------
  payload_too_large: {
    category: 'validation', phase: 'command-validation', retryable: false, responsibility: 'user', actionability: 'fix-input',
    summary: 'The request body is larger than the limit of its route; it was refused before being parsed.',
    detailKeys: ['limitBytes'],
    remedies: [fixInput('Send a smaller body (details.limitBytes is the limit), or ask an operator to raise BERTH_MAX_BODY_BYTES')],
  },
  unsupported_media_type: {
    category: 'validation', phase: 'command-validation', retryable: false, responsibility: 'user', actionability: 'fix-input',
    summary: 'The request body has a Content-Type this route does not accept (JSON routes need application/json).',
    detailKeys: ['expected', 'received'],
    remedies: [fixInput('Send the body with Content-Type: details.expected')],
  },
  method_not_allowed: {
    category: 'validation', phase: 'context-resolution', retryable: false, responsibility: 'user', actionability: 'fix-input',
    summary: 'The path exists in the API but not with this HTTP method; the Allow header lists the methods it has.',
    detailKeys: ['method', 'path', 'allow'],
    remedies: [{ title: 'Use a method listed in details.allow, or read the API', command: 'curl $BERTH_URL/api/openapi.json', safeByDefault: true }],
  },
  request_head_too_large: {
    category: 'validation', phase: 'command-validation', retryable: false, responsibility: 'user', actionability: 'fix-input',
    summary: 'The request line and headers are larger than the HTTP server reads (a query string too long, say); nothing was routed.',
    detailKeys: ['limitBytes'],
    remedies: [fixInput('Send long values in a JSON body (a command) instead of the query string, or shorten them')],
  },
  request_body_incomplete: {
    category: 'validation', phase: 'command-validation', retryable: true, responsibility: 'user', actionability: 'wait-retry',
    summary: 'The client stopped sending the request body before it was complete (connection closed or aborted).',
    detailKeys: ['reason'],
    remedies: [{ title: 'Send the request again over a stable connection', safeByDefault: true }],
  },
  // --- deployment runner and targets (issue 8) ------------------------------------------------
  server_unsupported: {
    category: 'domain',
    phase: 'context-resolution',
    retryable: false,
    responsibility: 'user',
    actionability: 'fix-input',
    summary: 'The deployment target is a kind of server this control plane cannot drive yet (SSH targets are not available yet).',
    detailKeys: ['serverId', 'serverKind', 'supportedKinds'],
    remedies: [
      { title: 'Deploy to the local server instead', command: 'berth server list', safeByDefault: true },
    ],
  },
  // --- SSH servers: the remote state root and its lock (issue 10) -----------------------------
  infra_error: {
    category: 'infra',
    phase: 'remote-state-resolution',
    retryable: false,
    responsibility: 'operator',
    actionability: 'run-diagnostic',
    summary: 'Berth reached the server over SSH but could not prepare its state root (space, inodes, read-only filesystem, permissions, an incompatible older layout, a failed remote command).',
    detailKeys: ['stateBackend', 'host', 'port', 'stateRoot', 'exitCode', 'reason', 'stderr'],
    remedies: [
      { title: 'Read details.reason and details.stderr, then fix the state root on the server (free space or inodes, a writable mount, ownership by the SSH user)', safeByDefault: true },
      { title: 'Check the server, its disk and the state root', command: 'berth server test <serverId>', safeByDefault: true },
      { title: 'Deploy again once the server can create and write the state root directories', safeByDefault: true },
    ],
    byPhase: {
      // Contention, not a broken root: it clears by waiting, and stale locks are recovered on their own.
      'remote-state-lock': {
        retryable: true,
        responsibility: 'operator',
        actionability: 'run-diagnostic',
        summary: "The server's state root is locked by another control plane or attempt (details.lockOwner, details.correlationId), or by one that stopped but whose heartbeat has not yet aged past its stale window.",
        detailKeys: ['lockOwner', 'correlationId', 'lockHeartbeatAt', 'staleAfterSeconds', 'waitedSeconds'],
        remedies: [
          { title: 'If details.lockHeartbeatAt keeps moving, another deployment is working on this server: wait for it, then retry', safeByDefault: true },
          { title: 'Inspect the lock without taking it', command: 'berth remote-state lock inspect --server <name>', safeByDefault: true },
          { title: 'Only when inspect shows the lock stale: archive it (an active lock is refused, the journal is kept)', command: 'berth remote-state lock recover-stale --server <name>', safeByDefault: true },
        ],
      },
    },
  },
  remote_state_lock_active: {
    category: 'conflict',
    phase: 'remote-state-lock',
    retryable: true,
    responsibility: 'operator',
    actionability: 'wait-retry',
    summary: "The server's state-root lock is active (its heartbeat is inside the stale window), so it is not recovered: an active lock is never stolen.",
    detailKeys: ['lockOwner', 'correlationId', 'lockHeartbeatAt', 'staleAfterSeconds', 'secondsUntilStale'],
    remedies: [
      { title: 'Wait for the holder (details.correlationId) to finish, or until details.secondsUntilStale have passed without a heartbeat', safeByDefault: true },
      { title: 'Inspect the lock again', command: 'berth remote-state lock inspect --server <name>', safeByDefault: true },
    ],
  },
  // --- servers over SSH (issue 10) ------------------------------------------------------------
  ssh_unreachable: {
    category: 'infra',
    phase: 'execute',
    retryable: true,
    responsibility: 'operator',
    actionability: 'run-diagnostic',
    summary: "The server's SSH port did not answer: nothing listens there (refused), no answer in time (timeout), the name does not resolve (dns), or the connection closed before it was ready (closed).",
    detailKeys: ['host', 'port', 'reason'],
    remedies: [
      { title: 'Run the checks of the server, in order', command: 'berth server test <serverId>', safeByDefault: true },
      { title: 'Start sshd on the server, or fix the host and port it was registered with', safeByDefault: true },
    ],
    byReason: {
      refused: {
        remedies: [
          { title: 'Start sshd on the server, or register the port it listens on (details.port)', safeByDefault: true },
          { title: 'Run the checks of the server, in order', command: 'berth server test <serverId>', safeByDefault: true },
        ],
      },
      timeout: {
        remedies: [
          { title: 'Check that the server is up and that a firewall lets this machine reach details.host on details.port', safeByDefault: true },
          { title: 'Run the checks of the server, in order', command: 'berth server test <serverId>', safeByDefault: true },
        ],
      },
      dns: {
        retryable: false, responsibility: 'user', actionability: 'fix-input',
        remedies: [{ title: 'details.host does not resolve: register the server with its address or a name that resolves', safeByDefault: true }],
      },
      closed: {
        actionability: 'wait-retry',
        remedies: [
          { title: 'Retry: the server closed the connection during the handshake (sshd restarting, MaxStartups reached)', safeByDefault: true },
          { title: 'Run the checks of the server, in order', command: 'berth server test <serverId>', safeByDefault: true },
        ],
      },
    },
  },
  ssh_auth_failed: {
    category: 'permission',
    phase: 'execute',
    retryable: false,
    responsibility: 'operator',
    actionability: 'fix-input',
    summary: "The server's sshd refused every authentication method Berth offered for the user (the key is not in its authorized keys, or the account is locked).",
    detailKeys: ['host', 'port', 'user', 'methods'],
    remedies: [
      { title: "Add the public half of the server's key to ~details.user/.ssh/authorized_keys on the server", safeByDefault: true },
      { title: 'Or register the server again with the right user and key (--user, --key or --agent)', safeByDefault: true },
    ],
  },
  ssh_host_key_mismatch: {
    category: 'integrity',
    phase: 'execute',
    retryable: false,
    responsibility: 'operator',
    actionability: 'manual-review',
    summary: "The server presented a host key other than the one pinned for it; nothing was sent to it. Either the server was reinstalled or its key rotated, or something else answers at its address.",
    detailKeys: ['host', 'port', 'expected', 'presented'],
    remedies: [
      { title: "Compare details.presented with the server's own key (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub, run on the server's console)", safeByDefault: true },
      { title: 'Only when they match: pin the new key explicitly (berth server pin-host-key ID --host-key PRESENTED --confirm ID); until then nothing runs there', safeByDefault: false },
    ],
  },
} satisfies Record<string, CodeSpec>;

function userFix(phase: CodeSpec['phase'], summary: string, detailKeys: string[], remedies: CodeSpec['remedies'], category: CodeSpec['category'] = 'validation'): CodeSpec {
  return { category, phase, retryable: false, responsibility: 'user', actionability: 'fix-input', summary, detailKeys, remedies };
}

function notFound(kind: string, listCommand = `berth ${kind} list`): CodeSpec {
  return {
    category: 'not-found',
    phase: 'context-resolution',
    retryable: false,
    responsibility: 'user',
    actionability: 'fix-input',
    summary: `No ${kind} has the id given.`,
    detailKeys: ['id'],
    remedies: [{ title: `List the ${kind}s and use an existing id`, command: listCommand, safeByDefault: true }],
  };
}

export type ErrorCode = keyof typeof CATALOGUE;
export const ERROR_CODES = Object.keys(CATALOGUE).sort() as ErrorCode[];

export function isErrorCode(value: string): value is ErrorCode {
  return Object.prototype.hasOwnProperty.call(CATALOGUE, value);
}
