import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { BerthError } from '../../core/errors/berth-error.js';
import { parseInput } from '../../core/errors/validation.js';
import { SIGN_IN_PATH, type ConsoleSessions, type SignedIn } from '../../operations/sessions/sessions.js';
import { jsonBody, readJsonBody } from './body.js';
import { requireCsrf, sessionCookieHeader, sessionCookieOf } from './console-session.js';

// The console's own routes: redeem a one-time link, sign in with an operator token, read the
// session (its CSRF token), sign out. They set and clear the cookie, which operations never see.

/** Readable by the console's script (not HttpOnly): it holds an error object, never a credential. */
export const SIGN_IN_ERROR_COOKIE = 'berth_sign_in_error';

const tokenSignIn = z.strictObject({ token: z.string().min(1).max(200) });
const codeInput = z.strictObject({ code: z.string().min(1).max(200) });

const noSession = () => new BerthError('session_invalid', 'No console session cookie was sent.', { reason: 'unknown' }, 'auth');

function cookieSeconds(view: SignedIn['view']): number {
  return (Date.parse(view.expiresAt) - Date.now()) / 1000;
}

/** A sign-in form posted from another origin is refused before the token is looked at. */
function requireSameOrigin(c: Context): void {
  const origin = c.req.header('origin');
  if (origin === undefined) return;
  const host = c.req.header('host');
  let sameHost = false;
  try {
    sameHost = new URL(origin).host === host;
  } catch {
    sameHost = false;
  }
  if (!sameHost) throw new BerthError('csrf_token_invalid', 'A sign-in must come from the console itself.', { reason: 'cross-origin' }, 'auth');
}

export function mountConsoleRoutes(app: Hono, sessions: ConsoleSessions): void {
  app.get(SIGN_IN_PATH, async (c) => {
    let signedIn: SignedIn;
    try {
      const { code } = parseInput(codeInput, c.req.query());
      signedIn = await sessions.redeemLink(code);
    } catch (err) {
      // A browser that opened a spent link lands on the console, which shows the error object
      // from a short-lived cookie; other clients get the error contract as JSON.
      if (!(err instanceof BerthError) || !(c.req.header('accept') ?? '').includes('text/html')) throw err;
      c.header('Set-Cookie', `${SIGN_IN_ERROR_COOKIE}=${Buffer.from(JSON.stringify(err.toObject())).toString('base64url')}; Path=/; SameSite=Strict; Max-Age=60`);
      c.header('Cache-Control', 'no-store');
      return c.redirect('/', 303);
    }
    c.header('Set-Cookie', sessionCookieHeader(c, signedIn.secret, cookieSeconds(signedIn.view)));
    c.header('Cache-Control', 'no-store');
    // The code leaves the address bar (and the history) at once.
    return c.redirect('/', 303);
  });
  app.post('/console/session', async (c) => {
    requireSameOrigin(c);
    const { token } = parseInput(tokenSignIn, await readJsonBody(c, jsonBody(4096)));
    const signedIn = await sessions.signInWithToken(token);
    c.header('Set-Cookie', sessionCookieHeader(c, signedIn.secret, cookieSeconds(signedIn.view)));
    return c.json(signedIn.view);
  });
  app.get('/console/session', async (c) => {
    const secret = sessionCookieOf(c);
    if (!secret) throw noSession();
    c.header('Cache-Control', 'no-store');
    return c.json(await sessions.describe(secret));
  });
  app.post('/console/sign-out', async (c) => {
    const secret = sessionCookieOf(c);
    if (!secret) throw noSession();
    requireCsrf(c, secret);
    await sessions.signOut(secret);
    c.header('Set-Cookie', sessionCookieHeader(c, '', 0));
    return c.json({ signedOut: true });
  });
}
