// Every environment variable Berth reads, for docs/cli.md. The CLI reads the first group; `berth
// serve` (src/main/settings.ts) the rest. test/cli/cli-doc.test.ts fails when the code reads a
// BERTH_ variable this list lacks.

export interface EnvironmentVariable {
  name: string;
  readBy: 'CLI' | 'CLI and control plane' | 'control plane';
  default: string;
  description: string;
}

export const ENVIRONMENT: readonly EnvironmentVariable[] = [
  { name: 'BERTH_URL', readBy: 'CLI', default: 'unset: the local control plane', description: 'The control plane to talk to. Unset, the CLI uses the local one and starts `berth serve` in the background on first use; set, sources are uploaded to it.' },
  { name: 'BERTH_TOKEN', readBy: 'CLI', default: 'unset', description: 'Bearer token for BERTH_URL (`berth token issue`). The local control plane needs none: its token is in BERTH_HOME.' },
  { name: 'BERTH_CA_CERT', readBy: 'CLI', default: 'unset: the system store and NODE_EXTRA_CA_CERTS', description: 'A PEM file of the CA (or the self-signed certificate, as a pin) an https BERTH_URL is verified against. Verification is never turned off.' },
  { name: 'BERTH_START_STALL_MS', readBy: 'CLI', default: '15000', description: 'How long a starting local control plane may make no progress (no new stage, no CPU used) before the CLI gives up with control_plane_unreachable.' },
  { name: 'BERTH_HOME', readBy: 'CLI and control plane', default: '~/.berth', description: "Berth's state on this machine: the PGlite store, the local token, the secret key, the edge proxy's files and serve.log." },
  { name: 'BERTH_DATABASE_URL', readBy: 'control plane', default: 'unset: PGlite in BERTH_HOME', description: 'A PostgreSQL connection string for the state store instead of the embedded PGlite.' },
  { name: 'BERTH_SECRET_KEY', readBy: 'control plane', default: '<BERTH_HOME>/secret.key', description: 'The key that seals resource secrets and SSH keys. Keep it: sealed values cannot be read without it.' },
  { name: 'BERTH_LISTEN', readBy: 'control plane', default: '127.0.0.1', description: 'Address (host or host:port) `berth serve` listens on; `--listen` wins.' },
  { name: 'BERTH_PORT', readBy: 'control plane', default: '7420', description: 'Port `berth serve` listens on when BERTH_LISTEN names none; `--port` wins.' },
  { name: 'BERTH_TLS_CERT', readBy: 'control plane', default: 'unset', description: 'PEM certificate (chain) `berth serve` serves HTTPS with; `--tls-cert` wins. Needed to listen beyond loopback.' },
  { name: 'BERTH_TLS_KEY', readBy: 'control plane', default: 'unset', description: 'The PEM private key of BERTH_TLS_CERT; `--tls-key` wins.' },
  { name: 'BERTH_INSECURE_HTTP', readBy: 'control plane', default: 'unset', description: '`1`: allow plain HTTP beyond loopback (tokens in clear); doctor warns. Otherwise refused with listen_insecure.' },
  { name: 'BERTH_PUBLIC_URL', readBy: 'control plane', default: 'unset', description: "The https origin clients reach the API at (`--public-url` wins). Without BERTH_TLS_CERT, the edge proxy serves it at its host with a certificate by ACME; with one, the certificate must name its host." },
  { name: 'BERTH_TEST_SLOW_START_MS', readBy: 'control plane', default: '0', description: 'Test knob: keeps the CPU busy this long before the store opens, to simulate a slow machine. Not for production.' },
  { name: 'BERTH_HTTPS_LISTEN', readBy: 'control plane', default: ':443 when the edge serves port 80, else off', description: "The edge's HTTPS listener for custom domains (`off` turns it off); certificates are obtained on demand, only for domains on a route." },
  { name: 'BERTH_SERVER_HTTPS_LISTEN', readBy: 'control plane', default: ":443 on a server whose edge serves port 80, else off", description: "SSH servers' edge HTTPS listener (an address on the server, or `off`); it needs HTTPS on the control plane, whose ACME settings it uses." },
  { name: 'BERTH_ACME_CA', readBy: 'control plane', default: "Let's Encrypt's directory", description: 'The ACME directory URL certificates for custom domains come from.' },
  { name: 'BERTH_ACME_EMAIL', readBy: 'control plane', default: 'unset', description: 'The contact email given to the ACME CA.' },
  { name: 'BERTH_ACME_CA_ROOT', readBy: 'control plane', default: 'unset', description: "A private ACME CA's root PEM, trusted for its directory and for checking the certificates it issues." },
  { name: 'BERTH_ACME_CHALLENGES', readBy: 'control plane', default: 'http-01,tls-alpn-01', description: 'The ACME challenges the edge answers.' },
  { name: 'BERTH_CERT_RETRY_SECONDS', readBy: 'control plane', default: '120', description: "How long verify waits for a domain's certificate before it reports cert_failed (a failure) or pending (a warning)." },
  { name: 'BERTH_CERT_OBSERVE_MS', readBy: 'control plane', default: '30000', description: "How often the control plane reads each TLS domain's certificate readiness from its edge and records changes (renewals, failures) in the audit log and the work ledger." },
  { name: 'BERTH_CERT_RENEWAL_RATIO', readBy: 'control plane', default: "unset: Caddy's 1/3", description: "The fraction of a certificate's lifetime left when the edge renews it (between 0 and 1, e.g. `0.5` renews at half-life)." },
  { name: 'BERTH_SERVE_LOG', readBy: 'control plane', default: 'set by the CLI: <BERTH_HOME>/serve.log', description: 'The log file of a control plane the CLI started in the background; it is rotated by size.' },
  { name: 'BERTH_SERVE_LOG_MAX_BYTES', readBy: 'control plane', default: '10485760 (10 MiB)', description: 'Size at which the background control plane\'s log is rotated.' },
  { name: 'BERTH_SERVE_LOG_KEEP', readBy: 'control plane', default: '3', description: 'How many rotated logs are kept.' },
  { name: 'BERTH_SERVE_LOG_CHECK_MS', readBy: 'control plane', default: '30000', description: "How often the log's size is checked." },
  { name: 'BERTH_BASE_DOMAIN', readBy: 'control plane', default: 'localhost', description: 'Domain generated access URLs end with on this machine (`<name>.<domain>`).' },
  { name: 'BERTH_HTTP_PORT', readBy: 'control plane', default: '80', description: 'Public HTTP port of the edge proxy; generated URLs use it.' },
  { name: 'BERTH_CADDY_BIN', readBy: 'control plane', default: 'caddy', description: 'The Caddy binary the edge proxy runs.' },
  { name: 'BERTH_PROXY_BOOTSTRAP', readBy: 'control plane', default: 'true', description: '`false`: do not start the edge proxy with the control plane (the first deploy starts it).' },
  { name: 'BERTH_UPLOAD_MAX_BYTES', readBy: 'control plane', default: '536870912 (512 MiB)', description: 'Largest source archive a remote CLI may upload.' },
  { name: 'BERTH_UPLOAD_TTL_SECONDS', readBy: 'control plane', default: '3600', description: 'How long an uploaded source is kept for the deploy that names it.' },
  { name: 'BERTH_MAX_BODY_BYTES', readBy: 'control plane', default: '1048576 (1 MiB)', description: 'Largest JSON request body the HTTP API reads.' },
  { name: 'BERTH_STALE_AFTER_SECONDS', readBy: 'control plane', default: '60', description: 'How old an attempt\'s heartbeat may be before the reconciler ends it `interrupted`.' },
  { name: 'BERTH_HEARTBEAT_MS', readBy: 'control plane', default: '2000', description: 'How often a running attempt heartbeats.' },
  { name: 'BERTH_RECONCILE_EVERY_MS', readBy: 'control plane', default: '15000', description: 'How often the reconciler looks for stale attempts.' },
  { name: 'BERTH_DRAIN_MS', readBy: 'control plane', default: '2000', description: 'How long an old version keeps serving in-flight requests after the route switched.' },
  { name: 'BERTH_ROLLBACK_WARM_SECONDS', readBy: 'control plane', default: '0 (off)', description: 'How long the version a deploy replaced keeps running, so a rollback to it in that window is a route switch. Costs that version\'s memory meanwhile; `0` retires it at once.' },
  { name: 'BERTH_MIN_FREE_BYTES', readBy: 'control plane', default: '1073741824 (1 GiB)', description: 'Free disk space a build needs before it starts.' },
  { name: 'BERTH_POLL_MS', readBy: 'control plane', default: '250', description: 'Pause between checks while verifying a new version.' },
  { name: 'BERTH_STEP_DEADLINES', readBy: 'control plane', default: '{"source":300,"plan":60,"build":1800,"pull":600,"start":120,"verify":600,"route":30}', description: 'JSON object overriding step deadlines, in seconds, e.g. `{"build":600}`. Bad JSON is ignored.' },
  { name: 'BERTH_BUILD_HOST_TRUST', readBy: 'control plane', default: 'on', description: "`0` or `false`: dependency installs do not get this host's CA bundle and proxy variables." },
  { name: 'BERTH_REMOTE_LOCK_WAIT_SECONDS', readBy: 'control plane', default: '600', description: "How long a deploy or prune waits for an SSH server's held state-root lock." },
  { name: 'BERTH_REMOTE_LOCK_STALE_SECONDS', readBy: 'control plane', default: '120', description: "How old a state-root lock's heartbeat may be before the lock counts as stale." },
  { name: 'BERTH_IMAGE_REGISTRY', readBy: 'control plane', default: 'unset: base images are built locally', description: 'A registry node base images are pulled from (`<registry>/library/node:<major>-bookworm-slim`).' },
  { name: 'BERTH_NODE_IMAGE_DIGEST_<major>', readBy: 'control plane', default: 'unset', description: 'Pins the node base image of one major version to a digest (sha256:...) when pulled from BERTH_IMAGE_REGISTRY.' },
  { name: 'BERTH_CACHE_DIR', readBy: 'control plane', default: '/var/cache/berth/base', description: 'Where Debian root filesystems and base-image pull records are cached.' },
  { name: 'DOCKER_HOST', readBy: 'control plane', default: 'the local socket', description: 'The Docker engine to run on, as the docker CLI reads it; DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_PATH_PREFIX and DOCKER_CLIENT_TIMEOUT too.' },
  { name: 'SSH_AUTH_SOCK', readBy: 'control plane', default: 'unset', description: 'The SSH agent servers registered with `--agent true` authenticate through.' },
  { name: 'NODE_EXTRA_CA_CERTS', readBy: 'control plane', default: 'unset', description: "Extra CA certificates dependency installs trust, with the host's system store." },
  { name: 'HTTP_PROXY, HTTPS_PROXY, NO_PROXY', readBy: 'control plane', default: 'unset', description: 'Proxy variables (either case) handed to dependency installs.' },
];
