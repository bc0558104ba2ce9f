import { h, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, currentSession, signOut } from './api.js';
import { DeploymentPage } from './deployment.js';
import { ErrorView } from './error-view.js';
import { Resources } from './resources.js';
import { Prune } from './prune.js';
import { Servers } from './servers.js';
import { Tokens } from './tokens.js';
import { Audit, Work } from './work.js';
import { SignIn } from './sign-in.js';
import type { ErrorObject, SessionView } from './types.js';
import './style.css';

const PAGES = { work: Work, audit: Audit, servers: Servers, tokens: Tokens, prune: Prune } as const;

const routeOf = (hash: string) => {
  const m = hash.match(/^#\/deployments\/([^/]+)$/);
  if (m) return { page: 'deployment' as const, id: decodeURIComponent(m[1]!) };
  const name = hash.slice(2);
  return name in PAGES ? { page: name as keyof typeof PAGES } : { page: 'resources' as const };
};

function App() {
  const [session, setSession] = useState<SessionView | null | undefined>(undefined);
  const [hash, setHash] = useState(location.hash);
  const [error, setError] = useState<ErrorObject | null>(null);
  useEffect(() => {
    currentSession().then(setSession, (err) => (err instanceof ApiError ? setError(err.error) : Promise.reject(err)));
    const onHash = () => setHash(location.hash);
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  if (error) return <ErrorView error={error} />;
  if (session === undefined) return <p aria-busy="true">Loading…</p>;
  if (session === null) return <SignIn onSignedIn={setSession} />;
  const route = routeOf(hash);
  const leave = async () => {
    await signOut();
    setSession(null);
  };
  return (
    <>
      <header>
        <nav aria-label="Console">
          <a href="#/">Resources</a> <a href="#/work">Work</a> <a href="#/audit">Audit</a> <a href="#/servers">Servers</a> <a href="#/tokens">Tokens</a> <a href="#/prune">Prune</a>
        </nav>
        <span class="who" data-testid="signed-in-as">
          Signed in as {session.tokenId}
        </span>
        <button type="button" onClick={() => void leave()}>
          Sign out
        </button>
      </header>
      {route.page === 'deployment' ? (
        <DeploymentPage id={route.id} navigate={(h) => (location.hash = h)} />
      ) : route.page !== 'resources' ? (
        h(PAGES[route.page], {})
      ) : (
        <main id="main">
          <h1>Resources</h1>
          <Resources />
        </main>
      )}
    </>
  );
}

render(<App />, document.getElementById('app')!);
