import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/surfaces/client/api-client.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { runCli } from '../support/cli.js';

describe('operator tokens', () => {
  let plane: TestControlPlane;
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  it('a token works until revoked, then gets token_revoked; an unknown one gets token_invalid', async () => {
    const issued = await runCli(['token', 'issue', '--name', 'ci-bot', '--json'], plane.cliEnv);
    expect(issued.code).toBe(0);
    const { token, secret } = issued.json<{ token: { id: string }; secret: string }>();

    const bot = new ApiClient({ url: plane.url, token: secret });
    const ok = await bot.raw('GET', '/api/resources');
    expect(ok.status).toBe(200);

    // The secret is stored hashed: listing never shows it.
    const list = await runCli(['token', 'list', '--json'], plane.cliEnv);
    expect(list.stdout).not.toContain(secret);

    const wrongConfirm = await runCli(['token', 'revoke', token.id, '--confirm', 'tok_other', '--json'], plane.cliEnv);
    expect(wrongConfirm.json<{ error: { code: string } }>().error.code).toBe('confirmation_mismatch');

    const revoked = await runCli(['token', 'revoke', token.id, '--confirm', token.id, '--json'], plane.cliEnv);
    expect(revoked.code).toBe(0);

    const after = await bot.raw('GET', '/api/resources');
    expect(after.status).toBe(403);
    const err = JSON.parse(after.body).error;
    expect(err.code).toBe('token_revoked');
    expect(err.phase).toBe('auth');
    expect(err.details.tokenId).toBe(token.id);

    const unknown = await new ApiClient({ url: plane.url, token: 'berth_not-a-real-token' }).raw('GET', '/api/resources');
    expect(unknown.status).toBe(401);
    expect(JSON.parse(unknown.body).error.code).toBe('token_invalid');

    const none = await new ApiClient({ url: plane.url, token: '' }).raw('GET', '/api/resources');
    expect(JSON.parse(none.body).error.code).toBe('token_invalid');

    const events = await plane.client.call({ http: { method: 'GET', path: '/api/audit-events' } }, { aggregate: token.id });
    expect(events.ok && (events.data as { items: { type: string }[] }).items.map((e) => e.type)).toEqual(['token.issued', 'token.revoked']);
  });

  it('revoking an unknown token is token_not_found', async () => {
    const res = await runCli(['token', 'revoke', 'tok_missing', '--confirm', 'tok_missing', '--json'], plane.cliEnv);
    expect(res.code).toBe(3);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('token_not_found');
  });
});
