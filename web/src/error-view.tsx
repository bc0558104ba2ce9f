import type { ShownError } from './types.js';

/** A catalogued error as the API returns it: the same object the CLI and MCP print, not re-worded. */
export function ErrorView({ error, title = 'Error' }: { error: ShownError; title?: string }) {
  return (
    <section class="error" role="alert" aria-label={title} data-testid="error">
      <h3>
        {title}: <code data-field="code">{error.code}</code>
      </h3>
      <p data-field="message">{error.message}</p>
      <dl>
        <dt>Category</dt>
        <dd data-field="category">{error.category}</dd>
        <dt>Phase</dt>
        <dd data-field="phase">{error.phase}</dd>
        <dt>Who acts</dt>
        <dd data-field="responsibility">{error.responsibility}</dd>
        <dt>Action</dt>
        <dd data-field="actionability">{error.actionability}</dd>
        <dt>Retryable</dt>
        <dd data-field="retryable">{String(error.retryable)}</dd>
      </dl>
      {Object.keys(error.details).length > 0 && (
        <details>
          <summary>Details</summary>
          <pre data-field="details" tabIndex={0} aria-label="Details">{JSON.stringify(error.details, null, 2)}</pre>
        </details>
      )}
      <h4>Remedies</h4>
      <ol data-field="remedies">
        {error.remedies.map((r, i) => (
          <li key={i} data-remedy={i}>
            <span data-field="remedy-title">{r.title}</span>
            {r.command && (
              <>
                {' '}
                <code data-field="remedy-command">{r.command}</code>
              </>
            )}
          </li>
        ))}
      </ol>
      {error.links.docs && (
        <p>
          <a data-field="docs" href={error.links.docs} target="_blank" rel="noreferrer">
            Documentation for {error.code}
          </a>
        </p>
      )}
    </section>
  );
}
