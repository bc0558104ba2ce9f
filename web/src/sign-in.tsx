import { useState } from 'preact/hooks';
import { ApiError, signInWithToken } from './api.js';
import { ErrorView } from './error-view.js';
import type { ErrorObject, SessionView } from './types.js';

/** Sign-in with an operator token; `berth console` prints a one-time link that skips this page. */
/** The error of a refused sign-in link, left by the server in a short-lived cookie; read once. */
function refusedLink(): ErrorObject | null {
  const match = document.cookie.match(/(?:^|; )berth_sign_in_error=([^;]+)/);
  if (!match) return null;
  document.cookie = 'berth_sign_in_error=; Path=/; SameSite=Strict; Max-Age=0';
  try {
    const base64 = match[1]!.replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0)))) as ErrorObject;
  } catch {
    return null;
  }
}

export function SignIn({ onSignedIn }: { onSignedIn: (s: SessionView) => void }) {
  const [token, setToken] = useState('');
  const [link] = useState(refusedLink);
  const [error, setError] = useState<ErrorObject | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      onSignedIn(await signInWithToken(token.trim()));
    } catch (err) {
      if (err instanceof ApiError) setError(err.error);
      else throw err;
    }
  };
  return (
    <main id="main">
      <h1>Sign in to Berth</h1>
      <p>
        Run <code>berth console</code> for a one-time sign-in link, or sign in with an operator token.
      </p>
      <form onSubmit={submit}>
        <label for="token">Operator token</label>
        <input id="token" name="token" type="password" autoComplete="off" required value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} />
        <button type="submit">Sign in</button>
      </form>
      {link && !error && <ErrorView error={link} title="Sign-in link refused" />}
      {error && <ErrorView error={error} title="Sign-in refused" />}
    </main>
  );
}
