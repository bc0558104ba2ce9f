import { fail } from '../core/errors/berth-error.js';

/**
 * A destructive command's confirmation must equal the target's id (docs/architecture.md):
 * `what` names the record in the error ("deployment", "token").
 */
export function requireConfirmation(confirm: string, id: string, what: string): void {
  if (confirm !== id) fail('confirmation_mismatch', `The confirmation does not equal the ${what} id.`, { field: 'confirm' });
}
