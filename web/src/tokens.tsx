import { useState } from 'preact/hooks';
import { ApiError, enc, post } from './api.js';
import { ErrorView } from './error-view.js';
import type { ErrorObject, IssuedToken, TokenList } from './types.js';
import { useLoad } from './use-load.js';

/** Operator tokens: issue one (its secret shown once), revoke with the id typed. */
export function Tokens() {
  const { data, error, reload } = useLoad<TokenList>('/api/tokens');
  const [name, setName] = useState('');
  const [issued, setIssued] = useState<IssuedToken | null>(null);
  const [confirm, setConfirm] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<ErrorObject | null>(null);
  const act = async (fn: () => Promise<void>) => {
    setFailure(null);
    try {
      await fn();
      reload();
    } catch (err) {
      if (err instanceof ApiError) setFailure(err.error);
      else throw err;
    }
  };
  return (
    <main id="main">
      <h1>Tokens</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void act(async () => setIssued(await post<IssuedToken>('/api/tokens', { name })));
        }}
      >
        <label for="token-name">New token name</label>
        <input id="token-name" required maxLength={100} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        <button type="submit">Issue token</button>
      </form>
      {issued && (
        <p role="status" data-testid="issued-secret">
          Token {issued.token.id} issued. Its secret is shown this once: <code>{issued.secret}</code>
        </p>
      )}
      {failure && <ErrorView error={failure} />}
      {error && <ErrorView error={error} />}
      {data && (
        <table>
          <caption>Operator tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Id</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Revoke</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((t) => (
              <tr key={t.id} data-token={t.id}>
                <th scope="row">{t.name}</th>
                <td>
                  <code>{t.id}</code>
                </td>
                <td>{t.createdAt}</td>
                <td>{t.lastUsedAt ?? '—'}</td>
                <td>
                  {t.revokedAt ? (
                    `revoked ${t.revokedAt}`
                  ) : (
                    <>
                      <label for={`revoke-${t.id}`}>Type {t.id} to revoke</label>{' '}
                      <input id={`revoke-${t.id}`} autoComplete="off" value={confirm[t.id] ?? ''} onInput={(e) => setConfirm({ ...confirm, [t.id]: (e.target as HTMLInputElement).value })} />{' '}
                      <button type="button" disabled={confirm[t.id] !== t.id} onClick={() => void act(async () => void (await post(`/api/tokens/${enc(t.id)}/revoke`, { confirm: confirm[t.id] })))}>
                        Revoke
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
