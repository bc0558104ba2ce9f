import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, enc, get } from './api.js';
import { ErrorView } from './error-view.js';
import { followDeployment, type StreamState } from './event-stream.js';
import { Recovery } from './recovery.js';
import type { Deployment, Envelope, ErrorObject, ProviderLog, Readiness } from './types.js';

type JournalEntry = Extract<Envelope, { kind: 'event' }>['event'];

function summary(e: JournalEntry): string {
  const d = e.data as Record<string, unknown>;
  const text = d.status ?? d.step ?? d.name ?? d.message ?? d.code ?? '';
  return typeof text === 'string' ? text : JSON.stringify(text);
}

/** One attempt: status with recovery beside it, the live phase timeline, the error, the provider log. */
export function DeploymentPage({ id, navigate }: { id: string; navigate: (hash: string) => void }) {
  const [deployment, setDeployment] = useState<Deployment | null>(null);
  const [readiness, setReadiness] = useState<Readiness | null>(null);
  const [log, setLog] = useState<ProviderLog | null>(null);
  const [events, setEvents] = useState<JournalEntry[]>([]);
  const [stream, setStream] = useState<{ state: StreamState; reconnects: number }>({ state: 'connecting', reconnects: 0 });
  const [error, setError] = useState<ErrorObject | null>(null);

  const refresh = useCallback(async () => {
    try {
      const [d, r, l] = await Promise.all([get<Deployment>(`/api/deployments/${enc(id)}`), get<Readiness>(`/api/deployments/${enc(id)}/recovery-readiness`), get<ProviderLog>(`/api/deployments/${enc(id)}/provider-log`)]);
      setDeployment(d);
      setReadiness(r);
      setLog(l);
    } catch (err) {
      if (err instanceof ApiError) setError(err.error);
      else throw err;
    }
  }, [id]);

  useEffect(() => {
    setEvents([]);
    void refresh();
    return followDeployment(
      id,
      (envelope) => {
        if (envelope.kind === 'event') setEvents((xs) => (xs.some((x) => x.seq === envelope.event.seq) ? xs : [...xs, envelope.event]));
        if (envelope.kind === 'closed') void refresh();
        if (envelope.kind === 'error') setError(envelope.error);
      },
      (state, reconnects) => setStream({ state, reconnects }),
      setError,
    );
  }, [id, refresh]);

  const statuses = events.filter((e) => e.kind === 'status');
  const live = (statuses.at(-1)?.data as { status?: string } | undefined)?.status ?? deployment?.status ?? '…';
  return (
    <main id="main">
      <h1>
        Deployment <code>{id}</code>
      </h1>
      <p>
        Status: <strong data-testid="live-status">{live}</strong>
        {deployment?.accessUrl && (
          <>
            {' '}
            · <a href={deployment.accessUrl}>{deployment.accessUrl}</a>
          </>
        )}{' '}
        · <a href="#/">All resources</a>
      </p>
      <p class="stream" data-testid="stream-state" data-state={stream.state} data-reconnects={stream.reconnects} aria-live="polite">
        Event stream: {stream.state}
        {stream.reconnects > 0 ? ` (resumed ${stream.reconnects}×)` : ''}
      </p>
      {readiness && <Recovery readiness={readiness} onStarted={(d) => (d ? navigate(`#/deployments/${enc(d.id)}`) : void refresh())} />}
      {deployment?.error && <ErrorView error={deployment.error} title="Deployment failed" />}
      {error && <ErrorView error={error} />}
      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <ol data-testid="timeline" aria-live="polite">
          {events
            .filter((e) => e.kind !== 'heartbeat-note')
            .map((e) => (
              <li key={e.seq} data-seq={e.seq} data-kind={e.kind} data-phase={e.phase ?? ''}>
                <time dateTime={e.at}>{e.at.slice(11, 19)}</time> <span class="phase">{e.phase ?? '—'}</span> <span class="kind">{e.kind}</span> {summary(e)}
              </li>
            ))}
        </ol>
      </section>
      <section aria-labelledby="log-title">
        <h2 id="log-title">Provider log</h2>
        {log && log.entries.length > 0 ? (
          <pre data-testid="provider-log" tabIndex={0} aria-label="Provider log">{log.entries.map((e) => `${e.at.slice(11, 19)} ${e.provider} ${e.level} ${e.message}`).join('\n')}</pre>
        ) : (
          <p>No provider output for this attempt.</p>
        )}
      </section>
    </main>
  );
}
