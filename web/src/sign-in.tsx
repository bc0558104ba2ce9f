import { useState } from 'preact/hooks';
import { ApiError, signInWithToken } from './api.js';
import { ErrorView } from './error-view.js';
import type { ErrorObject, SessionView } from './types.js';

/** Sign-in with an operator token; `berth console` prints a one-time link that skips this page. */
export function SignIn({ onSignedIn }: { onSignedIn: (s: SessionView) => void }) {
  const [token, setToken] = useState('');
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
      {error && <ErrorView error={error} title="Sign-in refused" />}
    </main>
  );
}
