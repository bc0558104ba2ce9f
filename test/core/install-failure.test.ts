import { describe, expect, it } from 'vitest';
import { classifyInstallFailure } from '../../src/core/deployments/install-failure.js';

// What npm, yarn (classic, berry) and pnpm print when an install fails, as they print it, and
// the cause Berth reads from it.

const noise = (n: number) => Array.from({ length: n }, (_, i) => `npm http fetch GET 200 https://registry.npmjs.org/pkg-${i} 12ms (cache miss)`);

const CASES: [string, string[], string][] = [
  ['npm, registry port closed', ['npm error code ECONNREFUSED', 'npm error syscall connect', 'npm error errno ECONNREFUSED', 'npm error FetchError: request to http://127.0.0.1:9/ms failed, reason: connect ECONNREFUSED 127.0.0.1:9'], 'network'],
  ['npm, DNS', ['npm error code ENOTFOUND', 'npm error network request to https://registry.example.invalid/ms failed, reason: getaddrinfo ENOTFOUND registry.example.invalid'], 'network'],
  ['npm, DNS temporary', ['npm error code EAI_AGAIN', 'npm error errno EAI_AGAIN'], 'network'],
  ['npm, reset', ['npm error code ECONNRESET', 'npm error network aborted'], 'network'],
  ['yarn classic, timeout', ['info There appears to be trouble with your network connection. Retrying...', 'error An unexpected error occurred: "https://registry.yarnpkg.com/ms: ETIMEDOUT".'], 'network'],
  ['npm, registry 503', ['npm error code E503', 'npm error 503 Service Unavailable - GET https://registry.npmjs.org/ms'], 'network'],
  ['pnpm, socket hang up', ['ERR_PNPM_META_FETCH_FAIL  GET https://registry.npmjs.org/ms: request to https://registry.npmjs.org/ms failed, reason: socket hang up'], 'network'],
  ['npm, intercepting proxy CA', ['npm error code SELF_SIGNED_CERT_IN_CHAIN', 'npm error errno SELF_SIGNED_CERT_IN_CHAIN', 'npm error request to https://registry.npmjs.org/ms failed, reason: self-signed certificate in certificate chain'], 'tls'],
  ['yarn classic, issuer', ['error An unexpected error occurred: "https://registry.yarnpkg.com/ms: unable to get local issuer certificate".'], 'tls'],
  ['pnpm, leaf', ['ERR_PNPM_META_FETCH_FAIL  GET https://registry.npmjs.org/ms: request to https://registry.npmjs.org/ms failed, reason: UNABLE_TO_VERIFY_LEAF_SIGNATURE'], 'tls'],
  ['npm, expired', ['npm error code CERT_HAS_EXPIRED'], 'tls'],
  ['npm, bad token', ['npm error code E401', 'npm error Unable to authenticate, your authentication token seems to be invalid.'], 'auth'],
  ['npm, forbidden', ['npm error code E403', 'npm error 403 403 Forbidden - GET https://registry.npmjs.org/@acme%2fprivate'], 'auth'],
  ['npm, no auth', ['npm error code ENEEDAUTH', 'npm error need auth This command requires you to be logged in.'], 'auth'],
  ['npm, missing package', ['npm error code E404', "npm error 404 Not Found - GET https://registry.npmjs.org/left-padd - Not found"], 'not-found'],
  ['npm, missing version', ['npm error code ETARGET', 'npm error notarget No matching version found for ms@9.9.9.'], 'not-found'],
  ['pnpm, missing version', ['ERR_PNPM_NO_MATCHING_VERSION  No matching version found for ms@9.9.9'], 'not-found'],
  ['node-gyp', ['npm error gyp info it worked if it ends with ok', 'npm error gyp ERR! build error', 'npm error gyp ERR! stack Error: `make` failed with exit code: 2'], 'compile'],
  ['node-pre-gyp', ['node-pre-gyp ERR! install response status 404 Not Found on https://example.com/binding.tar.gz', 'gyp ERR! configure error'], 'compile'],
  ['pnpm, outdated lockfile', ['ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with "frozen-lockfile" because pnpm-lock.yaml is not up to date with package.json'], 'lockfile'],
  ['npm ci, out of sync', ['npm error code EUSAGE', 'npm error', "npm error `npm ci` can only install packages when your package.json and package-lock.json or npm-shrinkwrap.json are in sync. Please update your lock file with `npm install` before continuing."], 'lockfile'],
  ['npm ci, lock file versions', ["npm ERR! cipm can only install packages when your package.json and package-lock.json or npm-shrinkwrap.json are in sync", "npm ERR! Invalid: lock file's ms@2.1.2 does not satisfy ms@2.1.3"], 'lockfile'],
  ['yarn berry, immutable', ['➤ YN0028: │ The lockfile would have been modified by this install, which is explicitly forbidden.'], 'lockfile'],
  ['yarn classic, frozen', ['error Your lockfile needs to be updated, but yarn was run with `--frozen-lockfile`.'], 'lockfile'],
  ['something else', ['npm error code EBADENGINE', 'npm error engine Unsupported engine'], 'unknown'],
];

describe('classifyInstallFailure', () => {
  it.each(CASES)('%s → its reason', (_name, lines, reason) => {
    expect(classifyInstallFailure([...noise(3), ...lines, 'npm error A complete log of this run can be found in: /root/.npm/_logs/x.log']).reason).toBe(reason);
  });

  it('a missing shared library names the library', () => {
    const f = classifyInstallFailure(['> esbuild@0.21.5 postinstall', '/app/node_modules/@esbuild/linux-x64/bin/esbuild: error while loading shared libraries: librt.so.1: cannot open shared object file: No such file or directory']);
    expect(f).toMatchObject({ reason: 'system-library', library: 'librt.so.1' });
  });

  it('a lockfile or auth cause wins over the network noise that follows it', () => {
    expect(classifyInstallFailure(['npm error code E401', 'npm error network socket hang up']).reason).toBe('auth');
    expect(classifyInstallFailure(['ERR_PNPM_OUTDATED_LOCKFILE  Cannot install', 'ECONNRESET']).reason).toBe('lockfile');
  });

  it('logTail puts the lines naming the cause first, then the last lines, bounded', () => {
    const lines = ['npm error code ECONNREFUSED', ...noise(500), 'npm error A complete log of this run can be found in: /root/.npm/_logs/x.log'];
    const f = classifyInstallFailure(lines);
    expect(f.logTail[0]).toBe('npm error code ECONNREFUSED');
    expect(f.logTail.at(-1)).toBe(lines.at(-1));
    expect(f.logTail.length).toBeLessThanOrEqual(20);
    expect(classifyInstallFailure([`E404 ${'x'.repeat(5000)}`]).logTail[0]!.length).toBeLessThan(500);
  });

  it('nothing recognisable is unknown, with the last lines', () => {
    const f = classifyInstallFailure(noise(30));
    expect(f.reason).toBe('unknown');
    expect(f.logTail).toHaveLength(12);
  });
});
