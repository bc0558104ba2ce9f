import { useEffect, useState } from 'preact/hooks';
import { ErrorView } from './error-view.js';
import type { AuditExport, WorkList } from './types.js';
import { useLoad } from './use-load.js';

/** The work ledger, re-read every few seconds while the page is open. */
export function Work() {
  const { data, error, reload } = useLoad<WorkList>('/api/work?limit=100');
  useEffect(() => {
    const timer = setInterval(reload, 3_000);
    return () => clearInterval(timer);
  }, [reload]);
  return (
    <main id="main">
      <h1>Work</h1>
      {error && <ErrorView error={error} />}
      {data && (
        <table>
          <caption>Background work, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Phase</th>
              <th scope="col">Deployment</th>
              <th scope="col">Error</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((w) => (
              <tr key={w.id} data-work={w.id}>
                <th scope="row">{w.kind}</th>
                <td data-state={w.status}>{w.status}</td>
                <td>{w.phase ?? '—'}</td>
                <td>{w.deploymentId ? <a href={`#/deployments/${encodeURIComponent(w.deploymentId)}`}>{w.deploymentId}</a> : '—'}</td>
                <td>{w.errorCode ?? '—'}</td>
                <td>{w.updatedAt}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

/** Audit events of every aggregate in the last day (the export needs a window), filtered in the page. */
export function Audit() {
  const [path] = useState(() => `/api/audit-export/global?limit=500&from=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
  const { data, error } = useLoad<AuditExport>(path);
  const [filter, setFilter] = useState('');
  const items = (data?.items ?? []).filter((e) => filter === '' || e.type.includes(filter) || e.aggregateId.includes(filter));
  return (
    <main id="main">
      <h1>Audit events</h1>
      <label for="audit-filter">Filter by type or aggregate id</label> <input id="audit-filter" value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
      {' '}
      <a href={path} download="audit-events.json">
        Export as JSON
      </a>
      {error && <ErrorView error={error} />}
      {data && (
        <table>
          <caption>Audit events ({items.length})</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Type</th>
              <th scope="col">Aggregate</th>
              <th scope="col">Actor</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id} data-audit-type={e.type}>
                <td>{e.createdAt}</td>
                <th scope="row">{e.type}</th>
                <td>{e.aggregateId}</td>
                <td>{e.actor}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
