import { afterAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../../src/main/control-plane.js';
import { serveSettings } from '../../src/main/settings.js';
import { recordObservedError } from '../support/observed-errors.js';
import { freshStore, type TestStoreSettings } from '../support/store.js';
import { openStore } from '../../src/adapters/store/open-store.js';
import { issueToken } from '../../src/operations/tokens/tokens.js';
import { createConsoleSessions, issueSignInLink } from '../../src/operations/sessions/sessions.js';
import { LINK_TTL_MS, SESSION_TTL_MS } from '../../src/operations/sessions/session-secrets.js';
import type { OperationContext } from '../../src/ports/context.js';

// Console sessions live in the state store (console_sessions): a restarted control plane keeps
// them, a link stays single-use across the restart, and revoking the token ends its sessions.
describe('console sessions in the store', () => {
  let plane: ControlPlane | undefined;
  afterAll(async () => plane?.close());

  const start = (store: TestStoreSettings) =>
    startControlPlane(serveSettings({ BERTH_PROXY_BOOTSTRAP: 'false', BERTH_HOME: store.home, BERTH_DATABASE_URL: store.databaseUrl ?? '' }, { listen: '127.0.0.1', port: '0' }), { writeStateFile: false, observeError: recordObservedError });

  const call = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) =>
    fetch(new URL(path, plane!.url), { method, redirect: 'manual', headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  const cookieOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0]!;

  it('survive a restart of the control plane; the link stays used; a revoked token ends them', async () => {
    const store = await freshStore();
    plane = await start(store);
    const bearer = { authorization: `Bearer ${plane.token}` };
    const link = (await (await call('POST', '/api/sessions/links', bearer, {})).json()) as { path: string; sessionId: string };
    const redeemed = await call('GET', link.path);
    expect(redeemed.status).toBe(303);
    expect(redeemed.headers.get('location')).toBe('/');
    expect(redeemed.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    const cookie = cookieOf(redeemed);
    expect((await plane.store.countRows()).console_sessions).toBe(1);

    await plane.close();
    plane = await start(store);
    expect((await call('GET', '/api/resources', { cookie })).status).toBe(200);
    const again = await call('GET', link.path);
    expect(again.status).toBe(403);
    expect(await again.json()).toMatchObject({ error: { code: 'sign_in_link_invalid', details: { reason: 'used' } } });
    const unknown = await call('GET', '/console/sign-in?code=berth_link_nothing');
    expect(await unknown.json()).toMatchObject({ error: { code: 'sign_in_link_invalid', details: { reason: 'unknown' } } });

    // A session acts as its token: the token's revocation ends it.
    const { csrfToken, tokenId } = (await (await call('GET', '/console/session', { cookie })).json()) as { csrfToken: string; tokenId: string };
    const issued = (await (await call('POST', '/api/tokens', { cookie, 'x-berth-csrf': csrfToken }, { name: 'lent' })).json()) as { token: { id: string }; secret: string };
    const lent = cookieOf(await call('POST', '/console/session', {}, { token: issued.secret }));
    expect((await call('POST', `/api/tokens/${issued.token.id}/revoke`, { cookie, 'x-berth-csrf': csrfToken }, { id: issued.token.id, confirm: issued.token.id })).status).toBe(200);
    const ended = await call('GET', '/api/resources', { cookie: lent });
    expect(ended.status).toBe(401);
    expect(await ended.json()).toMatchObject({ error: { code: 'session_invalid', details: { reason: 'token-revoked' } } });
    // A sign-in form posted from another origin is refused before the token is read.
    const foreign = await call('POST', '/console/session', { origin: 'http://evil.example' }, { token: plane.token });
    expect(await foreign.json()).toMatchObject({ error: { code: 'csrf_token_invalid', details: { reason: 'cross-origin' } } });
    expect(tokenId).not.toBe(issued.token.id);

    // The audit trail names each session by id.
    const types = (await plane.store.audit.list(link.sessionId)).map((e) => e.type);
    expect(types).toEqual(['session.link-issued', 'session.signed-in']);
  });

  it('a link past its window and a session past its lifetime no longer work', async () => {
    const settings = await freshStore();
    const store = await openStore({ home: settings.home, databaseUrl: settings.databaseUrl });
    try {
      let now = new Date('2026-12-03T10:00:00Z');
      const clock = () => now;
      const { token, secret } = await store.transaction((tx) => issueToken(tx, { kind: 'system', id: 'test' }, now, 'clocked'));
      const ctx = { store, actor: { kind: 'token', id: token.id }, now: clock } as unknown as OperationContext;
      const sessions = createConsoleSessions(store, clock);
      const code = (p: string) => decodeURIComponent(new URL(p, 'http://x').searchParams.get('code')!);
      const late = await issueSignInLink.handler({}, ctx);
      now = new Date(now.getTime() + LINK_TTL_MS + 1);
      await expect(sessions.redeemLink(code(late.path))).rejects.toMatchObject({ code: 'sign_in_link_invalid', details: { reason: 'expired' } });

      const signedIn = await sessions.signInWithToken(secret);
      expect((await sessions.describe(signedIn.secret)).sessionId).toBe(signedIn.view.sessionId);
      now = new Date(now.getTime() + SESSION_TTL_MS);
      await expect(sessions.describe(signedIn.secret)).rejects.toMatchObject({ code: 'session_invalid', details: { reason: 'expired' } });
    } finally {
      await store.close();
    }
  });
});
