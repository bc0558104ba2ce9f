import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readControlPlaneState } from '../../src/surfaces/client/state-file.js';
import { runCli } from '../support/cli.js';
import { BIN, TEST_ROOT } from '../support/paths.js';
import { freePort } from '../support/ports.js';
import { freshStore } from '../support/store.js';

// Issue 11, scope 5: the control plane's own API. A private CA and its server certificate are
// made with openssl here; a real `berth serve` serves HTTPS with them, and the real CLI verifies
// it against BERTH_CA_CERT. Plain HTTP beyond loopback is refused, or warned about when allowed.

type ErrorJson = { error: { code: string; category: string; phase: string; details: Record<string, unknown> } };
type Check = { name: string; status: string; detail: Record<string, unknown>; error?: { code: string; details: Record<string, unknown> } };

const openssl = (dir: string, ...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });

/** A CA, and a certificate it signs for the given subject alternative names. */
function makePki(dir: string, name: string, san: string): { ca: string; cert: string; key: string } {
  openssl(dir, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}-ca.key`, '-out', `${name}-ca.pem`, '-days', '2', '-subj', `/CN=${name} test CA`);
  openssl(dir, 'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
  openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', `${name}-ca.pem`, '-CAkey', `${name}-ca.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
  return { ca: join(dir, `${name}-ca.pem`), cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
}

interface Served {
  child: ChildProcess;
  home: string;
  token: string;
  url: string;
  stop(): Promise<void>;
}

const baseEnv = (home: string, databaseUrl?: string): NodeJS.ProcessEnv => ({
  ...process.env,
  BERTH_HOME: home,
  BERTH_DATABASE_URL: databaseUrl ?? '',
  BERTH_PROXY_BOOTSTRAP: 'false',
  BERTH_URL: '',
  BERTH_TOKEN: '',
  BERTH_CA_CERT: '',
  BERTH_TLS_CERT: '',
  BERTH_TLS_KEY: '',
});

/** `berth serve` as a real process with these flags, once it has written its state file. */
async function serve(args: string[]): Promise<Served> {
  const store = await freshStore();
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { env: baseEnv(store.home, store.databaseUrl), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const state = readControlPlaneState(store.home);
    if (state && state.pid === child.pid) {
      const stop = async () => {
        if (child.exitCode === null) child.kill('SIGTERM');
        await exited;
      };
      return { child, home: store.home, token: state.token, url: state.url, stop };
    }
    if (child.exitCode !== null) throw new Error(`berth serve exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`berth serve did not start: ${stderr}`);
}

describe('the control plane over HTTPS', () => {
  let dir: string;
  let good: ReturnType<typeof makePki>;
  let other: ReturnType<typeof makePki>;
  let plane: Served;
  let port: number;
  const running: Served[] = [];

  beforeAll(async () => {
    mkdirSync(TEST_ROOT, { recursive: true });
    dir = mkdtempSync(join(TEST_ROOT, 'tls-'));
    // The certificate names localhost only: 127.0.0.1 reaches the same socket under a name it does not carry.
    good = makePki(dir, 'berth', 'DNS:localhost');
    other = makePki(dir, 'other', 'DNS:localhost,IP:127.0.0.1');
    port = await freePort();
    plane = await serve(['--listen', `127.0.0.1:${port}`, '--tls-cert', good.cert, '--tls-key', good.key, '--public-url', 'https://localhost']);
    running.push(plane);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(running.map((s) => s.stop()));
  });

  const client = (extra: NodeJS.ProcessEnv) => ({ ...baseEnv(plane.home), BERTH_TOKEN: plane.token, ...extra });

  it('serves HTTPS, and the CLI trusting its CA lists resources and follows an event stream', async () => {
    expect(plane.url).toBe(`https://127.0.0.1:${port}`);
    const env = client({ BERTH_URL: `https://localhost:${port}`, BERTH_CA_CERT: good.ca });
    const listed = await runCli(['resource', 'list', '--json'], env);
    expect(listed.code).toBe(0);
    expect(listed.json<{ items: unknown[] }>().items).toEqual([]);

    // `berth up` follows the attempt's journal over SSE to its end: a git source nobody serves fails in plan.
    const up = await runCli(['up', `http://127.0.0.1:9/nothing-${port}.git`, '--name', 'tls-follow', '--json'], env, { timeoutMs: 120_000 });
    const followed = JSON.parse(up.stdout) as { status?: string; error?: { code: string }; id?: string };
    expect({ code: up.code === 0, status: followed.status }).toMatchObject({ code: false, status: 'failed' });
    expect(followed.error?.code).toMatch(/^source_/);
    // The journal replayed over SSE from the start: the attempt's events, then its terminal status.
    const events = await runCli(['deployment', 'events', followed.id!, '--follow', '--json'], env, { timeoutMs: 60_000 });
    expect(events.code).toBe(0);
    const envelopes = events.stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; status?: string; reason?: string; event?: { phase?: string } });
    expect(envelopes.filter((e) => e.kind === 'event').map((e) => e.event!.phase)).toContain('detect');
    expect(envelopes.at(-1)).toMatchObject({ kind: 'closed', status: 'failed', reason: 'terminal' });

    // A folder is uploaded over the same verified connection (then detect finds no app in it).
    const folder = mkdtempSync(join(dir, 'site-'));
    writeFileSync(join(folder, 'notes.txt'), 'nothing to run\n');
    const uploaded = await runCli(['up', folder, '--name', 'tls-upload', '--json'], env, { timeoutMs: 120_000 });
    const viaUpload = JSON.parse(uploaded.stdout) as { status?: string; error?: { code: string }; id?: string; source?: { kind: string } };
    expect({ status: viaUpload.status, code: viaUpload.error?.code }).toEqual({ status: 'failed', code: 'app_type_undetected' });

    const doctor = await runCli(['doctor', '--json'], env);
    const cp = doctor.json<{ checks: Check[] }>().checks.find((c) => c.name === 'control-plane')!;
    expect(cp).toMatchObject({ status: 'ok', detail: { transport: 'https', publicUrl: 'https://localhost' } });
  }, 180_000);

  it('a certificate from another CA, or without BERTH_CA_CERT, is refused with control_plane_tls_untrusted', async () => {
    for (const extra of [{ BERTH_CA_CERT: other.ca }, {}]) {
      const res = await runCli(['resource', 'list', '--json'], client({ BERTH_URL: `https://localhost:${port}`, ...extra }));
      expect(res.code).toBe(10);
      const { error } = res.json<ErrorJson>();
      expect(error).toMatchObject({ code: 'control_plane_tls_untrusted', category: 'integrity', details: { url: `https://localhost:${port}`, reason: 'untrusted' } });
      expect(error.details.caFile).toBe((extra as { BERTH_CA_CERT?: string }).BERTH_CA_CERT);
    }
    // The local CLI reaching it through its state file (https://127.0.0.1:PORT) verifies it the
    // same way, and is refused rather than starting another control plane.
    for (const [extra, reason] of [[{}, 'untrusted'], [{ BERTH_CA_CERT: good.ca }, 'name-mismatch']] as const) {
      const local = await runCli(['resource', 'list', '--json'], { ...baseEnv(plane.home), ...extra });
      expect(local.json<ErrorJson>().error).toMatchObject({ code: 'control_plane_tls_untrusted', details: { reason } });
    }
    expect(readControlPlaneState(plane.home)?.pid).toBe(plane.child.pid);
  });

  it('a certificate that does not name the host in BERTH_URL is refused as name-mismatch', async () => {
    const res = await runCli(['resource', 'list', '--json'], client({ BERTH_URL: `https://127.0.0.1:${port}`, BERTH_CA_CERT: good.ca }));
    expect(res.code).toBe(10);
    expect(res.json<ErrorJson>().error).toMatchObject({ code: 'control_plane_tls_untrusted', details: { reason: 'name-mismatch', tlsCode: 'ERR_TLS_CERT_ALTNAME_INVALID' } });
  });

  it('an unreadable or empty BERTH_CA_CERT is tls_material_invalid, naming the variable', async () => {
    const empty = join(dir, 'empty.pem');
    writeFileSync(empty, 'no certificate here\n');
    for (const [file, reason] of [[join(dir, 'missing.pem'), 'unreadable'], [empty, 'not-pem']] as const) {
      const res = await runCli(['resource', 'list', '--json'], client({ BERTH_URL: `https://localhost:${port}`, BERTH_CA_CERT: file }));
      expect(res.code).toBe(2);
      expect(res.json<ErrorJson>().error).toMatchObject({ code: 'tls_material_invalid', phase: 'context-resolution', details: { field: 'BERTH_CA_CERT', reason, file } });
    }
  });

  it('a self-signed certificate given as BERTH_CA_CERT is trusted as its own CA (a pin), and trusts no private CA besides', async () => {
    openssl(dir, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'self.key', '-out', 'self.pem', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1');
    const pinnedPort = await freePort();
    const pinned = await serve(['--listen', `127.0.0.1:${pinnedPort}`, '--tls-cert', join(dir, 'self.pem'), '--tls-key', join(dir, 'self.key')]);
    running.push(pinned);
    const env = { ...baseEnv(pinned.home), BERTH_TOKEN: pinned.token, BERTH_CA_CERT: join(dir, 'self.pem') };
    expect((await runCli(['resource', 'list', '--json'], { ...env, BERTH_URL: pinned.url })).code).toBe(0);
    // Under the pin, the control plane signed by the private CA is refused.
    const elsewhere = await runCli(['resource', 'list', '--json'], { ...env, BERTH_URL: `https://localhost:${port}`, BERTH_TOKEN: plane.token });
    expect(elsewhere.json<ErrorJson>().error).toMatchObject({ code: 'control_plane_tls_untrusted', details: { reason: 'untrusted' } });
  }, 120_000);

  it('a pair that cannot serve is refused at startup, naming the flag', async () => {
    const env = baseEnv((await freshStore()).home);
    const listen = ['serve', '--listen', `127.0.0.1:${await freePort()}`, '--json'];
    const cases: Array<[string[], string, string]> = [
      [['--tls-cert', good.cert], 'tls-key', 'missing-pair'],
      [['--tls-cert', good.cert, '--tls-key', other.key], 'tls-key', 'key-mismatch'],
      [['--tls-cert', join(dir, 'nope.pem'), '--tls-key', good.key], 'tls-cert', 'unreadable'],
      [['--tls-cert', good.key, '--tls-key', good.key], 'tls-cert', 'not-pem'],
      [['--tls-cert', good.cert, '--tls-key', good.key, '--public-url', 'https://berth.example.com'], 'public-url', 'name-mismatch'],
    ];
    for (const [flags, field, reason] of cases) {
      const res = await runCli([...listen, ...flags], env);
      expect({ flags, code: res.code }).toEqual({ flags, code: 2 });
      expect(res.json<ErrorJson>().error).toMatchObject({ code: 'tls_material_invalid', phase: 'startup', details: { field, reason } });
    }
    const plain = await runCli([...listen, '--public-url', 'http://berth.example.com'], env);
    expect(plain.code).toBe(2);
    expect(plain.json<ErrorJson>().error).toMatchObject({ code: 'validation_failed', details: { validationIssuePaths: ['public-url'] } });
  });
});

describe('plain HTTP beyond loopback', () => {
  let insecure: Served | undefined;
  afterAll(async () => insecure?.stop());

  it('is refused with listen_insecure, before the store is opened', async () => {
    const store = await freshStore();
    const port = await freePort();
    for (const args of [['--listen', `0.0.0.0:${port}`], ['--listen', `[::]:${port}`]]) {
      const res = await runCli(['serve', ...args, '--json'], baseEnv(store.home, store.databaseUrl));
      expect(res.code).toBe(2);
      expect(res.json<ErrorJson>().error).toMatchObject({ code: 'listen_insecure', category: 'validation', phase: 'startup', details: { field: 'listen', port } });
    }
    expect(readControlPlaneState(store.home)).toBeUndefined();
    // The environment's BERTH_LISTEN is held to the same rule.
    const viaEnv = await runCli(['serve', '--json'], { ...baseEnv(store.home, store.databaseUrl), BERTH_LISTEN: `0.0.0.0:${port}` });
    expect(viaEnv.json<ErrorJson>().error).toMatchObject({ code: 'listen_insecure', details: { host: '0.0.0.0' } });
  });

  it('starts with --insecure-http, and doctor warns with listen_insecure', async () => {
    const port = await freePort();
    insecure = await serve(['--listen', `0.0.0.0:${port}`, '--insecure-http']);
    const doctor = await runCli(['doctor', '--json'], { ...baseEnv(insecure.home), BERTH_URL: `http://127.0.0.1:${port}`, BERTH_TOKEN: insecure.token });
    expect(doctor.code).toBe(0);
    const checks = doctor.json<{ checks: Check[] }>().checks;
    const cp = checks.find((c) => c.name === 'control-plane')!;
    expect(cp).toMatchObject({ status: 'warn', detail: { transport: 'insecure-http' }, error: { code: 'listen_insecure', details: { field: 'listen', host: '0.0.0.0', port } } });
    // The token never shows up in what doctor answers.
    expect(doctor.stdout).not.toContain(insecure.token);
    expect(readFileSync(join(insecure.home, 'local-token'), 'utf8').trim()).toBe(insecure.token);
  }, 120_000);
});
