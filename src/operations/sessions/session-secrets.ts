import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Console session secrets and sign-in link codes are 256-bit random, like token secrets, and are
// stored only as SHA-256 hashes (hashTokenSecret). The prefix tells a session from a token.
export const SESSION_PREFIX = 'berth_session_';
export const LINK_PREFIX = 'berth_link_';

/** A sign-in link works once, within this window. */
export const LINK_TTL_MS = 10 * 60_000;
/** A console session lasts this long after sign-in (signing out ends it sooner). */
export const SESSION_TTL_MS = 12 * 60 * 60_000;

export const newSessionSecret = (): string => `${SESSION_PREFIX}${randomBytes(32).toString('base64url')}`;
export const newLinkCode = (): string => `${LINK_PREFIX}${randomBytes(32).toString('base64url')}`;
export const isSessionSecret = (credential: string): boolean => credential.startsWith(SESSION_PREFIX);

/**
 * The CSRF token of a session, derived from its secret: a page of another origin can neither read
 * the HttpOnly cookie nor the same-origin JSON that carries this token, so it cannot send it.
 */
export function csrfTokenOf(sessionSecret: string): string {
  return createHash('sha256').update(`berth-csrf\0${sessionSecret}`).digest('base64url');
}

export function csrfMatches(sessionSecret: string, sent: string): boolean {
  const expected = Buffer.from(csrfTokenOf(sessionSecret));
  const given = Buffer.from(sent);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
