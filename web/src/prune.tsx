import { useState } from 'preact/hooks';
import { ApiError, post } from './api.js';
import { ErrorView } from './error-view.js';
import type { ErrorObject, PruneResult } from './types.js';

/** The history categories a prune can cut, each with its own catalogue operation. */
const CATEGORIES = {
  deployments: { label: 'Deployments (archived attempts and their journals)', path: '/api/deployments/prune' },
  'audit-events': { label: 'Audit events (legal holds kept)', path: '/api/audit-events/prune' },
  'provider-job-logs': { label: 'Provider job logs', path: '/api/provider-job-logs/prune' },
  'domain-events': { label: 'Deployment event streams', path: '/api/domain-events/prune' },
} as const;
type Category = keyof typeof CATEGORIES;

/** The figures of a prune result worth showing: its counts. */
const counts = (result: PruneResult) => Object.entries(result).filter((e): e is [string, number] => typeof e[1] === 'number');

/**
 * Dry run first: the destructive run is offered only for the exact category and cutoff a dry run
 * just reported, and only once the category's name is typed, as the CLI's `--dry-run false` is a
 * deliberate second step.
 */
export function Prune() {
  const [category, setCategory] = useState<Category>('deployments');
  const [before, setBefore] = useState('');
  const [preview, setPreview] = useState<{ category: Category; before: string; result: PruneResult } | null>(null);
  const [done, setDone] = useState<PruneResult | null>(null);
  const [confirm, setConfirm] = useState('');
  const [failure, setFailure] = useState<ErrorObject | null>(null);
  const cutoff = before ? new Date(before).toISOString() : '';
  const run = async (dryRun: boolean) => {
    setFailure(null);
    try {
      const result = await post<PruneResult>(CATEGORIES[category].path, { before: cutoff, dryRun });
      if (dryRun) {
        setPreview({ category, before: cutoff, result });
        setDone(null);
      } else {
        setDone(result);
        setPreview(null);
        setConfirm('');
      }
    } catch (err) {
      if (err instanceof ApiError) setFailure(err.error);
      else throw err;
    }
  };
  const previewed = preview !== null && preview.category === category && preview.before === cutoff;
  return (
    <main id="main">
      <h1>Prune history</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(true);
        }}
      >
        <label for="prune-category">Category</label>
        <select id="prune-category" value={category} onChange={(e) => setCategory((e.target as HTMLSelectElement).value as Category)}>
          {Object.entries(CATEGORIES).map(([key, c]) => (
            <option key={key} value={key}>
              {c.label}
            </option>
          ))}
        </select>
        <label for="prune-before">Older than</label>
        <input id="prune-before" type="datetime-local" required value={before} onInput={(e) => setBefore((e.target as HTMLInputElement).value)} />
        <button type="submit">Preview (dry run)</button>
      </form>
      {failure && <ErrorView error={failure} />}
      {previewed && (
        <section aria-label="Dry run" data-testid="prune-preview">
          <h2>Dry run: nothing was deleted</h2>
          <dl>
            {counts(preview.result).map(([k, v]) => (
              <div key={k} data-count={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
          <label for="prune-confirm">Type {category} to prune</label> <input id="prune-confirm" autoComplete="off" value={confirm} onInput={(e) => setConfirm((e.target as HTMLInputElement).value)} />{' '}
          <button type="button" disabled={confirm !== category} onClick={() => void run(false)}>
            Prune
          </button>
        </section>
      )}
      {done && (
        <p role="status" data-testid="prune-done" data-work={done.workId ?? ''}>
          Pruned; work item {done.workId}.
        </p>
      )}
    </main>
  );
}
