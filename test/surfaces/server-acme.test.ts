import { describe, expect, it } from 'vitest';
import { LETS_ENCRYPT_DIRECTORY } from '../../src/main/settings.js';
import { runCli } from '../support/cli.js';
import { planesOfSuite, type TestControlPlane } from '../support/control-plane.js';
import { freePort } from '../support/ports.js';
import { call } from '../governance/support.js';

// Per-server ACME settings (issue 11): `server register --acme-ca --acme-email`, `server
// configure`, and `server show` with the effective CA and email and where each comes from.
// Registering and configuring never connect to the server, so no SSH server is needed here.

type Acme = { ca: string; caSource: string; email: string | null; emailSource: string };
type Shown = { id: string; acmeCa: string | null; acmeEmail: string | null; acme: Acme };
type Failed = { error: { code: string; details: { validationIssueCodes?: string[]; validationIssuePaths?: string[]; serverKind?: string } } };

const SERVER_CA = 'https://acme.server.example.test/directory';
const OTHER_CA = 'https://acme.other.example.test/dir';
const PLANE_CA = 'https://acme.plane.example.test/directory';
let n = 0;

function register(plane: TestControlPlane, extra: string[]) {
  return runCli(['server', 'register', `acme-box-${++n}`, '--host', `10.9.0.${n}`, '--agent', ...extra, '--json'], plane.cliEnv);
}

async function show(plane: TestControlPlane, id: string): Promise<Shown> {
  const r = await runCli(['server', 'show', id, '--json'], plane.cliEnv);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return r.json<Shown>();
}

describe('per-server ACME CA and email', () => {
  const plane = planesOfSuite();

  it('register with --acme-ca and --acme-email: show gives them with source server; configure changes and resets them', async () => {
    const p = await plane();
    const reg = await register(p, ['--acme-ca', SERVER_CA, '--acme-email', 'ops@server.example.test']);
    expect(reg.code, reg.stdout + reg.stderr).toBe(0);
    const id = reg.json<Shown>().id;
    expect(reg.json<Shown>().acme).toEqual({ ca: SERVER_CA, caSource: 'server', email: 'ops@server.example.test', emailSource: 'server' });
    const shown = await show(p, id);
    expect(shown).toMatchObject({ acmeCa: SERVER_CA, acmeEmail: 'ops@server.example.test' });
    expect(shown.acme).toEqual({ ca: SERVER_CA, caSource: 'server', email: 'ops@server.example.test', emailSource: 'server' });
    // The API shows the same.
    expect((await call<Shown>(p, 'GET', `/api/servers/${id}`)).body.acme).toEqual(shown.acme);

    // Only the CA changes; the email stays the server's.
    const conf = await runCli(['server', 'configure', id, '--acme-ca', OTHER_CA, '--json'], p.cliEnv);
    expect(conf.code, conf.stdout + conf.stderr).toBe(0);
    expect(conf.json<Shown>().acme).toEqual({ ca: OTHER_CA, caSource: 'server', email: 'ops@server.example.test', emailSource: 'server' });
    expect((await show(p, id)).acme).toEqual({ ca: OTHER_CA, caSource: 'server', email: 'ops@server.example.test', emailSource: 'server' });

    // null returns each setting to the control plane's (Let's Encrypt and no email here).
    const reset = await runCli(['server', 'configure', id, '--input', '{"acmeCa":null,"acmeEmail":null}', '--json'], p.cliEnv);
    expect(reset.code, reset.stdout + reset.stderr).toBe(0);
    expect(reset.json<Shown>()).toMatchObject({ acmeCa: null, acmeEmail: null });
    expect((await show(p, id)).acme).toEqual({ ca: LETS_ENCRYPT_DIRECTORY, caSource: 'control-plane', email: null, emailSource: 'control-plane' });

    expect((await p.store.audit.list(id)).map((e) => e.type)).toEqual(['server.registered', 'server.updated', 'server.updated']);
  });

  it('an http or malformed CA URL, a bad email or an unknown field is validation_failed naming the field', async () => {
    const p = await plane();
    for (const [flags, field] of [
      [['--acme-ca', 'http://acme.example.test/directory'], 'acmeCa'],
      [['--acme-ca', 'not a url'], 'acmeCa'],
      [['--acme-ca', 'https://user:pw@acme.example.test/directory'], 'acmeCa'],
      [['--acme-email', 'not-an-email'], 'acmeEmail'],
    ] as const) {
      const r = await register(p, [...flags]);
      expect(r.code).not.toBe(0);
      expect(r.json<Failed>().error.code).toBe('validation_failed');
      expect(r.json<Failed>().error.details.validationIssuePaths).toEqual([field]);
    }
    const ok = await register(p, []);
    const id = ok.json<Shown>().id;
    const bad = await runCli(['server', 'configure', id, '--acme-ca', 'ftp://acme.example.test/', '--json'], p.cliEnv);
    expect(bad.json<Failed>().error).toMatchObject({ code: 'validation_failed', details: { validationIssuePaths: ['acmeCa'] } });
    const unknown = await call<Failed>(p, 'PATCH', `/api/servers/${id}`, { acmeKid: 'kid-1' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'validation_failed', details: { validationIssueCodes: ['unsupported_field'], validationIssuePaths: ['acmeKid'] } });
    // Nothing was recorded by the refused calls.
    expect((await show(p, id)).acme.caSource).toBe('control-plane');
    expect((await p.store.servers.list()).filter((s) => s.kind === 'ssh')).toHaveLength(1);
  });

  it("a server without its own shows the control plane's CA and email; the local server cannot take its own", async () => {
    const p = await plane({ BERTH_HTTPS_LISTEN: `127.0.0.1:${await freePort()}`, BERTH_ACME_CA: PLANE_CA, BERTH_ACME_EMAIL: 'ops@plane.example.test' });
    const id = (await register(p, [])).json<Shown>().id;
    expect((await show(p, id)).acme).toEqual({ ca: PLANE_CA, caSource: 'control-plane', email: 'ops@plane.example.test', emailSource: 'control-plane' });
    // Its own CA with the control plane's email: each falls back on its own.
    await runCli(['server', 'configure', id, '--acme-ca', SERVER_CA, '--json'], p.cliEnv);
    expect((await show(p, id)).acme).toEqual({ ca: SERVER_CA, caSource: 'server', email: 'ops@plane.example.test', emailSource: 'control-plane' });

    const local = (await p.store.servers.findByName('local'))!;
    expect((await show(p, local.id)).acme).toEqual({ ca: PLANE_CA, caSource: 'control-plane', email: 'ops@plane.example.test', emailSource: 'control-plane' });
    const refused = await runCli(['server', 'configure', local.id, '--acme-ca', SERVER_CA, '--json'], p.cliEnv);
    expect(refused.json<Failed>().error).toMatchObject({ code: 'server_unsupported', details: { serverKind: 'local' } });
  });

  it("the server's edge takes its effective CA, and a changed CA makes a new edge runtime (its next ensureRunning loads the changed config)", async () => {
    const p = await plane({ BERTH_HTTPS_LISTEN: `127.0.0.1:${await freePort()}`, BERTH_ACME_CA: PLANE_CA });
    const id = (await register(p, ['--acme-ca', SERVER_CA, '--acme-email', 'ops@server.example.test'])).json<Shown>().id;
    // forServer connects nothing until the runtime is used.
    const edge = async () => p.targets.forServer((await p.store.servers.get(id))!).proxy;
    const first = await edge();
    expect(first.tls?.()).toMatchObject({ ca: SERVER_CA, email: 'ops@server.example.test' });
    await runCli(['server', 'configure', id, '--acme-ca', OTHER_CA, '--json'], p.cliEnv);
    const second = await edge();
    expect(second).not.toBe(first);
    expect(second.tls?.()?.ca).toBe(OTHER_CA);
    await call(p, 'PATCH', `/api/servers/${id}`, { acmeCa: null });
    expect((await edge()).tls?.()?.ca).toBe(PLANE_CA);
  });
});
