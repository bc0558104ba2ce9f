import type { ErrorObject, SessionView } from './types.js';

// Same-origin calls: the browser sends the HttpOnly session cookie; state-changing calls add the
// session's CSRF token, which the server checks against the cookie.
export const CSRF_HEADER = 'X-Berth-CSRF';

let csrfToken: string | undefined;

export class ApiError extends Error {
  constructor(
    readonly error: ErrorObject,
    readonly status: number,
  ) {
    super(error.code);
  }
}

async function answer<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => undefined)) as { error?: ErrorObject } | undefined;
  if (!res.ok) {
    const error = body?.error ?? ({ code: 'internal', category: 'internal', phase: 'unknown', message: `HTTP ${res.status}`, details: {}, retryable: false, responsibility: 'berth', actionability: 'report', links: { docs: '', agentGuide: '' }, remedies: [] } as unknown as ErrorObject);
    throw new ApiError(error, res.status);
  }
  return body as T;
}

export async function get<T>(path: string): Promise<T> {
  return answer<T>(await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' } }));
}

export async function post<T>(path: string, body: object = {}): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (csrfToken) headers[CSRF_HEADER] = csrfToken;
  return answer<T>(await fetch(path, { method: 'POST', credentials: 'same-origin', headers, body: JSON.stringify(body) }));
}

/** The current session, or null when signed out. */
export async function currentSession(): Promise<SessionView | null> {
  try {
    const view = await get<SessionView>('/console/session');
    csrfToken = view.csrfToken;
    return view;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

export async function signInWithToken(token: string): Promise<SessionView> {
  const view = await post<SessionView>('/console/session', { token });
  csrfToken = view.csrfToken;
  return view;
}

export async function signOut(): Promise<void> {
  await post('/console/sign-out');
  csrfToken = undefined;
}

export const enc = encodeURIComponent;
