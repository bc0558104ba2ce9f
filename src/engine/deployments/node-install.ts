import { createHash } from 'node:crypto';
import type { TaskFile } from '../../ports/container-engine.js';
import { DEPS_LABELS, DEPS_TAG_PREFIX } from '../../core/ownership/labels.js';
import type { NodeBuildPlan } from '../../core/plan/plan.js';

// The install step's container command and cache key. What the install must not keep (secret
// values, the host's CA bundle, proxy variables) reaches it on stdin as one JSON line, read by a
// small node wrapper that puts them in the install's environment only: the CA bundle goes to
// /dev/shm (a tmpfs, never part of a commit) and is removed before the wrapper exits.

/** Runs as `node -e WRAPPER <install command>`; exits with the install's status. */
export const INSTALL_WRAPPER = `
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
let buf = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', function onData(chunk) {
  buf += chunk;
  const nl = buf.indexOf('\\n');
  if (nl < 0) return;
  process.stdin.off('data', onData);
  process.stdin.destroy();
  run(JSON.parse(buf.slice(0, nl)));
});
function run(input) {
  const env = { ...process.env, ...input.runner, ...input.env, ...input.secrets };
  let ca;
  if (input.ca) {
    ca = '/dev/shm/berth-ca-' + process.pid + '.pem';
    fs.writeFileSync(ca, input.ca, { mode: 0o600 });
    env.NODE_EXTRA_CA_CERTS = env.SSL_CERT_FILE = env.GIT_SSL_CAINFO = ca;
  }
  for (const [name, value] of Object.entries(input.proxy || {})) env[name.toUpperCase()] = env[name.toLowerCase()] = value;
  const done = (code) => {
    if (ca) fs.rmSync(ca, { force: true });
    process.exit(code);
  };
  const child = spawn('sh', ['-c', process.argv[1]], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('error', () => done(127));
  child.on('exit', (code, signal) => done(code ?? 128 + (os.constants.signals[signal] || 0)));
}
`;

/**
 * What every install runs with. Corepack's signature check needs npm's registry signatures,
 * which mirrors and intercepting proxies strip (this happens on real networks), so it is off:
 * corepack still checks the hash a packageManager field pins, and otherwise trusts the registry
 * over TLS, as npm itself does. CI=1 makes the managers non-interactive and frozen by default.
 */
export const INSTALL_RUNNER_ENV: Record<string, string> = {
  COREPACK_INTEGRITY_KEYS: '0',
  COREPACK_ENABLE_DOWNLOAD_PROMPT: '0',
  // Yarn 2+ from the npm registry (@yarnpkg/cli-dist), not repo.yarnpkg.com: one host to reach and trust.
  COREPACK_NPM_REGISTRY: 'https://registry.npmjs.org',
  CI: '1',
};

export interface InstallInput {
  /** Set by Berth for every install (INSTALL_RUNNER_ENV); the resource's env wins over it. */
  runner?: Record<string, string>;
  env: Record<string, string>;
  secrets: Record<string, string>;
  ca?: string;
  proxy?: Record<string, string>;
}

export const installCommand = (install: string): string[] => ['node', '-e', INSTALL_WRAPPER, install];
export const installStdin = (input: InstallInput): string => `${JSON.stringify(input)}\n`;

/** Bumped when the wrapper or what it hands the install changes: old deps images stop matching. */
const KEY_VERSION = 'berth-deps 2';

/**
 * The deps image's key: everything the install's result depends on. Secret names count, their
 * values never (they are not hashed anywhere). Scoped to the resource, so a deps image installed
 * with one resource's credentials never serves another.
 */
export function depsKey(x: { resourceId: string; nodeImageId: string; files: readonly TaskFile[]; build: NodeBuildPlan; hostTrust: boolean }): string {
  const h = createHash('sha256');
  const part = (label: string, value: string | Uint8Array) => {
    const bytes = typeof value === 'string' ? Buffer.from(value) : value;
    h.update(`${label} ${bytes.length}\n`).update(bytes).update('\n');
  };
  part('version', KEY_VERSION);
  part('resource', x.resourceId);
  part('node', x.nodeImageId);
  for (const f of [...x.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    part('file', f.path);
    part('bytes', f.content);
  }
  part('install', x.build.install ?? '');
  part('packageManager', JSON.stringify([x.build.packageManager.name, x.build.packageManager.version ?? null, x.build.packageManager.berry ?? false]));
  part('env', JSON.stringify(Object.entries(x.build.settings.env ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
  part('secrets', JSON.stringify([...new Set(x.build.settings.secrets ?? [])].sort()));
  part('hostTrust', String(x.hostTrust));
  return h.digest('hex');
}

export const depsTag = (key: string) => `${DEPS_TAG_PREFIX}${key.slice(0, 16)}`;
/** On a deps image: the full key it was installed for. */
export const DEPS_KEY_LABEL = DEPS_LABELS.key;
/** On an app image: the key of the deps image it was built FROM. */
export const DEPS_FROM_LABEL = DEPS_LABELS.from;
