import { fail } from '../../core/errors/berth-error.js';
import type { Actor } from '../../core/model/records.js';
import type { ConsoleSession, StoreRepos } from '../../ports/store.js';
import { hashTokenSecret } from '../tokens/secret.js';

/** Why a session no longer works, or null while it does. */
export function sessionDeadReason(s: ConsoleSession | undefined, now: Date): 'unknown' | 'signed-out' | 'expired' | null {
  if (!s || !s.redeemedAt && !s.expiresAt) return 'unknown';
  if (s.revokedAt) return 'signed-out';
  if (!s.expiresAt || Date.parse(s.expiresAt) <= now.getTime()) return 'expired';
  return null;
}

/**
 * A console session acts as the operator token it came from, so a revoked token ends its
 * sessions too. Sessions are credentials of the console only; the dispatcher calls this for
 * credentials with the session prefix.
 */
export async function authenticateSession(store: Pick<StoreRepos, 'tokens' | 'consoleSessions'>, secret: string, now: Date): Promise<{ actor: Actor; session: ConsoleSession }> {
  const session = await store.consoleSessions.findBySecretHash(hashTokenSecret(secret));
  const dead = sessionDeadReason(session, now);
  if (dead || !session) fail('session_invalid', 'The console session does not work.', { reason: dead ?? 'unknown' }, 'auth');
  const token = await store.tokens.get(session.tokenId);
  if (!token || token.revokedAt) fail('session_invalid', 'The operator token of this console session was revoked.', { reason: 'token-revoked' }, 'auth');
  return { actor: { kind: 'token', id: token.id }, session };
}
