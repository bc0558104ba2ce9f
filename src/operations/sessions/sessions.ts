import { z } from 'zod';
import { fail } from '../../core/errors/berth-error.js';
import { newId } from '../../core/ids/ids.js';
import type { Actor } from '../../core/model/records.js';
import type { ConsoleSession, Store } from '../../ports/store.js';
import { authenticate } from '../dispatch.js';
import { defineOperation } from '../operation.js';
import { hashTokenSecret } from '../tokens/secret.js';
import { authenticateSession } from './session-auth.js';
import { csrfTokenOf, LINK_TTL_MS, newLinkCode, newSessionSecret, SESSION_TTL_MS } from './session-secrets.js';

/** Where the console redeems a sign-in link (GET, so the link opens from a terminal). */
export const SIGN_IN_PATH = '/console/sign-in';

export const issueSignInLink = defineOperation({
  name: 'sessions.issue-link',
  kind: 'command',
  summary: 'Issue a one-time console sign-in link for the calling operator token (valid for 10 minutes, once).',
  input: z.strictObject({}),
  output: z.object({ sessionId: z.string(), path: z.string(), expiresAt: z.string() }),
  errors: ['session_invalid'],
  destructive: false,
  http: { method: 'POST', path: '/api/sessions/links' },
  cli: { words: ['session', 'issue-link'] },
  handler: async (_input, ctx) => {
    // A link acts as a token; the system actor (no token) has none to lend.
    if (ctx.actor.kind !== 'token') fail('session_invalid', 'Only an operator token can issue a sign-in link.', { reason: 'unknown' }, 'auth');
    const code = newLinkCode();
    const now = ctx.now();
    const session: ConsoleSession = { id: newId('session'), tokenId: ctx.actor.id, linkExpiresAt: new Date(now.getTime() + LINK_TTL_MS).toISOString(), redeemedAt: null, expiresAt: null, revokedAt: null, createdAt: now.toISOString() };
    await ctx.store.transaction(async (tx) => {
      await tx.consoleSessions.create(session, { linkHash: hashTokenSecret(code) });
      await tx.audit.append({ type: 'session.link-issued', aggregateType: 'session', aggregateId: session.id, actor: ctx.actor, payload: { id: session.id, expiresAt: session.linkExpiresAt } });
    });
    return { sessionId: session.id, path: `${SIGN_IN_PATH}?code=${encodeURIComponent(code)}`, expiresAt: session.linkExpiresAt! };
  },
});

/** What the console learns about its own session (never the secret, which stays in the cookie). */
export interface SessionView {
  sessionId: string;
  tokenId: string;
  expiresAt: string;
  csrfToken: string;
}

export interface SignedIn {
  secret: string;
  view: SessionView;
}

/** The console's session rules, for the HTTP routes that set and clear the cookie. */
export interface ConsoleSessions {
  redeemLink(code: string): Promise<SignedIn>;
  signInWithToken(tokenSecret: string): Promise<SignedIn>;
  describe(secret: string): Promise<SessionView>;
  signOut(secret: string): Promise<void>;
}

const viewOf = (session: ConsoleSession, secret: string): SessionView => ({ sessionId: session.id, tokenId: session.tokenId, expiresAt: session.expiresAt!, csrfToken: csrfTokenOf(secret) });

export function createConsoleSessions(store: Store, now: () => Date = () => new Date()): ConsoleSessions {
  const signedIn = async (session: ConsoleSession, secret: string, via: 'link' | 'token'): Promise<SignedIn> => {
    await store.audit.append({ type: 'session.signed-in', aggregateType: 'session', aggregateId: session.id, actor: { kind: 'token', id: session.tokenId }, payload: { id: session.id, via } });
    return { secret, view: viewOf(session, secret) };
  };
  return {
    async redeemLink(code) {
      const at = now();
      const linkHash = hashTokenSecret(code);
      const secret = newSessionSecret();
      const session = await store.consoleSessions.redeemLink(linkHash, hashTokenSecret(secret), at.toISOString(), new Date(at.getTime() + SESSION_TTL_MS).toISOString());
      if (!session) {
        const known = await store.consoleSessions.findByLinkHash(linkHash);
        const reason = !known ? 'unknown' : known.redeemedAt ? 'used' : 'expired';
        fail('sign_in_link_invalid', 'This sign-in link does not sign in.', { reason }, 'auth');
      }
      // The link lends its token: a token revoked since the link was issued signs nobody in.
      await authenticateSession(store, secret, at);
      return signedIn(session, secret, 'link');
    },
    async signInWithToken(tokenSecret) {
      const actor: Actor = await authenticate(store, tokenSecret);
      if (actor.kind !== 'token') fail('token_invalid', 'Only an operator token signs in.', {}, 'auth');
      const at = now();
      const secret = newSessionSecret();
      const session: ConsoleSession = { id: newId('session'), tokenId: actor.id, linkExpiresAt: null, redeemedAt: at.toISOString(), expiresAt: new Date(at.getTime() + SESSION_TTL_MS).toISOString(), revokedAt: null, createdAt: at.toISOString() };
      await store.consoleSessions.create(session, { secretHash: hashTokenSecret(secret) });
      return signedIn(session, secret, 'token');
    },
    async describe(secret) {
      const { session } = await authenticateSession(store, secret, now());
      return viewOf(session, secret);
    },
    async signOut(secret) {
      const { session, actor } = await authenticateSession(store, secret, now());
      await store.transaction(async (tx) => {
        await tx.consoleSessions.revoke(session.id, now().toISOString());
        await tx.audit.append({ type: 'session.signed-out', aggregateType: 'session', aggregateId: session.id, actor, payload: { id: session.id } });
      });
    },
  };
}
