import { useEffect, useState } from 'preact/hooks';
import { ApiError, enc, get } from './api.js';
import { ErrorView } from './error-view.js';
import type { ErrorObject, ResourceDetail, ResourceList, ResourceStatus } from './types.js';

const PARTS: { key: keyof ResourceStatus; label: string }[] = [
  { key: 'resource', label: 'Resource' },
  { key: 'deployment', label: 'Deployment' },
  { key: 'runtime', label: 'Runtime' },
  { key: 'proxy', label: 'Proxy' },
  { key: 'accessUrl', label: 'Access URL' },
  { key: 'certificate', label: 'Certificate' },
];

function Part({ status, part }: { status: ResourceStatus; part: keyof ResourceStatus }) {
  const { state, detail } = status[part] as { state: string; detail: Record<string, unknown> };
  if (part === 'deployment' && typeof detail.id === 'string') {
    return (
      <a href={`#/deployments/${enc(detail.id)}`} data-state={state}>
        {state} ({String(detail.status)})
      </a>
    );
  }
  return <span data-state={state}>{state}</span>;
}

/** Every resource with its readiness split, one row each. */
export function Resources() {
  const [rows, setRows] = useState<ResourceDetail[] | null>(null);
  const [error, setError] = useState<ErrorObject | null>(null);
  useEffect(() => {
    (async () => {
      const list = await get<ResourceList>('/api/resources');
      setRows(await Promise.all(list.items.map((r) => get<ResourceDetail>(`/api/resources/${enc(r.id)}`))));
    })().catch((err) => (err instanceof ApiError ? setError(err.error) : Promise.reject(err)));
  }, []);
  if (error) return <ErrorView error={error} />;
  if (!rows) return <p aria-busy="true">Loading resources…</p>;
  if (rows.length === 0) return <p>No resources yet. Deploy one with <code>berth up</code>.</p>;
  return (
    <table data-testid="resources">
      <caption>Resources and their readiness</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Server</th>
          {PARTS.map((p) => (
            <th scope="col" key={p.key}>
              {p.label}
            </th>
          ))}
          <th scope="col">URL</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const url = (r.status.accessUrl.detail as { url?: string }).url;
          return (
            <tr key={r.id} data-resource={r.name}>
              <th scope="row">{r.name}</th>
              <td data-part="server">{r.server?.name ?? '—'}</td>
              {PARTS.map((p) => (
                <td key={p.key} data-part={p.key}>
                  <Part status={r.status} part={p.key} />
                </td>
              ))}
              <td data-part="url">{url ? <a href={url}>{url}</a> : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
