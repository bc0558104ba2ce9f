import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { BerthError } from '../../core/errors/berth-error.js';
import { csrfMatches } from '../../operations/sessions/session-secrets.js';

// The console authenticates by an HttpOnly, SameSite=Strict cookie holding its session secret.
// A browser sends cookies by itself, so a state-changing request that relies on the cookie must
// also carry the session's CSRF token in a header; a bearer header is never sent by itself and
// needs none.

export const SESSION_COOKIE = 'berth_session';
export const CSRF_HEADER = 'x-berth-csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function bearerOf(c: Context): string | undefined {
  const header = c.req.header('authorization');
  const match = header?.match(/^Bearer\s+(.+)$/i);
  return match?.[1]?.trim();
}

export function sessionCookieOf(c: Context): string | undefined {
  const value = getCookie(c, SESSION_COOKIE);
  return value === undefined || value === '' ? undefined : value;
}

/** Refuses a cookie-authenticated, state-changing request whose CSRF header is missing or wrong. */
export function requireCsrf(c: Context, sessionSecret: string): void {
  if (SAFE_METHODS.has(c.req.method)) return;
  const sent = c.req.header(CSRF_HEADER);
  if (sent === undefined || sent === '') throw new BerthError('csrf_token_invalid', 'This request needs the CSRF token of its session.', { reason: 'missing' }, 'auth');
  if (!csrfMatches(sessionSecret, sent)) throw new BerthError('csrf_token_invalid', 'The CSRF token does not belong to this session.', { reason: 'mismatch' }, 'auth');
}

/**
 * The credential of a request: the bearer token when sent, else the console session cookie
 * (checked for its CSRF token first).
 */
export function credentialOf(c: Context): string | undefined {
  const bearer = bearerOf(c);
  if (bearer) return bearer;
  const session = sessionCookieOf(c);
  if (session) requireCsrf(c, session);
  return session;
}

export function sessionCookieHeader(c: Context, secret: string, maxAgeSeconds: number): string {
  // Secure only where the browser reached us over HTTPS (the local control plane is plain HTTP).
  const secure = new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
  return `${SESSION_COOKIE}=${secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}${secure ? '; Secure' : ''}`;
}
