import { useState } from 'preact/hooks';
import { ApiError, enc, post } from './api.js';
import { ErrorView } from './error-view.js';
import type { Deployment, ErrorObject, Readiness, RecoveryAction } from './types.js';

const LABELS: Record<RecoveryAction, string> = { retry: 'Retry', redeploy: 'Redeploy', rollback: 'Roll back', cancel: 'Cancel' };
/** Cancel stops a running attempt: it asks for the id typed, like the API's confirmation field. */
const DESTRUCTIVE: ReadonlySet<RecoveryAction> = new Set(['cancel']);

/** Recovery driven only by recovery-readiness: allowed actions are buttons, blocked ones say why. */
export function Recovery({ readiness, onStarted }: { readiness: Readiness; onStarted: (d: Deployment | null) => void }) {
  const [error, setError] = useState<ErrorObject | null>(null);
  const [typed, setTyped] = useState('');
  const ready = readiness.candidates.filter((c) => c.ready && !c.serving);
  const [picked, setCandidate] = useState('');
  // Readiness is re-read as the attempt moves on: the pick stays while it is still a candidate.
  const candidate = ready.some((c) => c.deploymentId === picked) ? picked : (ready[0]?.deploymentId ?? '');
  const id = readiness.deploymentId;
  const run = async (action: RecoveryAction) => {
    setError(null);
    const at = { readinessGeneratedAt: readiness.generatedAt };
    try {
      if (action === 'retry') onStarted(await post<Deployment>(`/api/deployments/${enc(id)}/retry`, at));
      if (action === 'redeploy') onStarted(await post<Deployment>(`/api/resources/${enc(readiness.resourceId)}/redeploy`, at));
      if (action === 'rollback') onStarted(await post<Deployment>(`/api/deployments/${enc(id)}/rollback`, { ...at, ...(candidate ? { candidate } : {}) }));
      if (action === 'cancel') {
        await post(`/api/deployments/${enc(id)}/cancel`, { confirm: typed });
        onStarted(null);
      }
    } catch (err) {
      if (err instanceof ApiError) setError(err.error);
      else throw err;
    }
  };
  return (
    <section aria-labelledby="recovery-title" data-testid="recovery">
      <h2 id="recovery-title">Recovery</h2>
      <ul class="actions">
        {(Object.keys(LABELS) as RecoveryAction[]).map((action) => {
          const verdict = readiness.actions[action];
          const reasonsId = `reasons-${action}`;
          const needsId = DESTRUCTIVE.has(action) && verdict.allowed;
          return (
            <li key={action} data-action={action} data-allowed={String(verdict.allowed)}>
              {action === 'rollback' && verdict.allowed && ready.length > 0 && (
                <>
                  <label for="candidate">Roll back to</label>
                  <select id="candidate" value={candidate} onChange={(e) => setCandidate((e.target as HTMLSelectElement).value)}>
                    {ready.map((c) => (
                      <option key={c.deploymentId} value={c.deploymentId}>
                        {c.deploymentId} ({c.finishedAt ?? c.createdAt})
                      </option>
                    ))}
                  </select>
                </>
              )}
              {needsId && (
                <>
                  <label for={`confirm-${action}`}>Type {id} to confirm</label>
                  <input id={`confirm-${action}`} autoComplete="off" value={typed} onInput={(e) => setTyped((e.target as HTMLInputElement).value)} />
                </>
              )}
              <button type="button" disabled={!verdict.allowed || (needsId && typed !== id)} aria-describedby={verdict.allowed ? undefined : reasonsId} onClick={() => void run(action)}>
                {LABELS[action]}
              </button>
              {!verdict.allowed && (
                <span id={reasonsId} class="reasons" data-field="reasons">
                  Blocked: {verdict.reasons.join(', ')}
                </span>
              )}
            </li>
          );
        })}
      </ul>
      {readiness.cancelFirst.required && <p>Cancel the active attempt {readiness.cancelFirst.activeDeploymentId} first.</p>}
      {error && <ErrorView error={error} title="Recovery refused" />}
    </section>
  );
}
