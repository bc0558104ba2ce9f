import { BerthError } from '../../core/errors/berth-error.js';
import { parseInput } from '../../core/errors/validation.js';
import { explainError, listErrors } from '../../operations/errors/explain.js';
import type { Operation } from '../../operations/operation.js';
import type { OperationContext } from '../../ports/context.js';
import { isOffline } from './offline-operations.js';
import { errorResult } from './output.js';

const OPERATIONS = [explainError, listErrors] as unknown as Operation[];

/** These handlers read only the catalogue: a context they touched would be a bug, and says so. */
const NO_CONTEXT = new Proxy({} as OperationContext, {
  get: (_t, key) => {
    throw new BerthError('internal', 'An offline operation reached for the control plane.', { reason: `context.${String(key)}`, correlationId: 'cli' });
  },
});

/** Runs an offline operation in this process, validated and checked like the dispatcher does. */
export async function runOffline(name: string, rawInput: Record<string, unknown>) {
  const op = OPERATIONS.find((o) => o.name === name);
  try {
    if (!op || !isOffline(name)) throw new BerthError('internal', 'This operation does not run offline.', { reason: name, correlationId: 'cli' });
    const input = parseInput(op.input, rawInput);
    return { ok: true as const, data: op.output.parse(await op.handler(input, NO_CONTEXT)) };
  } catch (err) {
    return errorResult(err);
  }
}
