import { useState } from 'preact/hooks';
import { ApiError, enc, get } from './api.js';
import { ErrorView } from './error-view.js';
import type { ErrorObject, ServerCapacity, ServerList, ServerTest } from './types.js';
import { useLoad } from './use-load.js';

/** Servers: each one's connectivity test and capacity, on demand (both are read-only). */
export function Servers() {
  const { data, error } = useLoad<ServerList>('/api/servers');
  const [tests, setTests] = useState<Record<string, ServerTest>>({});
  const [capacity, setCapacity] = useState<Record<string, ServerCapacity>>({});
  const [failure, setFailure] = useState<ErrorObject | null>(null);
  const read = async (fn: () => Promise<void>) => {
    setFailure(null);
    try {
      await fn();
    } catch (err) {
      if (err instanceof ApiError) setFailure(err.error);
      else throw err;
    }
  };
  return (
    <main id="main">
      <h1>Servers</h1>
      {(error ?? failure) && <ErrorView error={(error ?? failure)!} />}
      {data?.items.map((s) => (
        <section key={s.id} aria-labelledby={`server-${s.id}`} data-server={s.id}>
          <h2 id={`server-${s.id}`}>
            {s.name} <small>({s.kind}{s.host ? ` ${s.user ?? ''}@${s.host}:${s.port ?? 22}` : ''})</small>
          </h2>
          <button type="button" onClick={() => void read(async () => setTests({ ...tests, [s.id]: await get<ServerTest>(`/api/servers/${enc(s.id)}/test`) }))}>
            Test {s.name}
          </button>{' '}
          <button type="button" onClick={() => void read(async () => setCapacity({ ...capacity, [s.id]: await get<ServerCapacity>(`/api/servers/${enc(s.id)}/capacity`) }))}>
            Capacity of {s.name}
          </button>
          {tests[s.id] && (
            <ul data-testid="server-checks">
              {tests[s.id]!.checks.map((c) => (
                <li key={c.name} data-check={c.name} data-state={c.status}>
                  {c.name}: {c.status}
                  {c.error ? ` (${String((c.error as { code?: string }).code ?? '')})` : ''}
                </li>
              ))}
            </ul>
          )}
          {capacity[s.id] && <pre data-testid="server-capacity" tabIndex={0} aria-label="Capacity">{JSON.stringify(capacity[s.id], null, 2)}</pre>}
        </section>
      ))}
    </main>
  );
}
