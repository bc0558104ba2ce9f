import { randomUUID } from 'node:crypto';
import { BerthError, fail, toBerthError } from '../core/errors/berth-error.js';
import { parseInput } from '../core/errors/validation.js';
import type { Actor } from '../core/model/records.js';
import type { OperationContext } from '../ports/context.js';
import type { Operation } from './operation.js';
import type { StoreRepos } from '../ports/store.js';
import { authenticateSession } from './sessions/session-auth.js';
import { isSessionSecret } from './sessions/session-secrets.js';
import { hashTokenSecret } from './tokens/secret.js';

export type DispatchResult = { ok: true; data: unknown } | { ok: false; error: BerthError };

export type StreamResult = { ok: true; envelopes: AsyncIterator<unknown>; first: IteratorResult<unknown> } | { ok: false; error: BerthError };

export interface Dispatcher {
  dispatch(op: Operation, rawInput: unknown, bearer: string | undefined): Promise<DispatchResult>;
  /** For streaming operations: same checks, then the envelopes (the first one already pulled, so its errors are ordinary errors). */
  dispatchStream(op: Operation, rawInput: unknown, bearer: string | undefined, signal: AbortSignal): Promise<StreamResult>;
}

export interface DispatcherDeps {
  context: (actor: Actor) => OperationContext;
  /** Where unexpected errors go, with their correlation id. */
  logError: (correlationId: string, err: unknown) => void;
  /** Sees every error an operation answers (the test suite checks them against `op.errors`). */
  observeError?: (op: Operation, error: BerthError) => void;
}

/** The one path every call takes: authenticate, validate strictly, run, check the output. */
export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const system: Actor = { kind: 'system', id: 'anonymous' };
  return {
    async dispatch(op, rawInput, bearer) {
      try {
        const actor = op.public ? system : await authenticate(deps.context(system).store, bearer);
        const input = parseInput(op.input, rawInput);
        const ctx = deps.context(actor);
        const data = await op.handler(input, ctx);
        return { ok: true, data: op.output.parse(data) };
      } catch (err) {
        return { ok: false, error: observed(op, asBerthError(err)) };
      }
    },
    async dispatchStream(op, rawInput, bearer, signal) {
      try {
        const actor = op.public ? system : await authenticate(deps.context(system).store, bearer);
        const input = parseInput(op.input, rawInput);
        if (!op.stream) throw new BerthError('operation_not_found', 'This operation does not stream.', { method: 'STREAM', path: op.name });
        const envelopes = op.stream(input, deps.context(actor), signal)[Symbol.asyncIterator]();
        return { ok: true, envelopes, first: await envelopes.next() };
      } catch (err) {
        return { ok: false, error: observed(op, asBerthError(err)) };
      }
    },
  };

  function observed(op: Operation, error: BerthError): BerthError {
    deps.observeError?.(op, error);
    return error;
  }

  function asBerthError(err: unknown): BerthError {
    if (err instanceof BerthError) return err;
    const correlationId = randomUUID();
    deps.logError(correlationId, err);
    return toBerthError(err, correlationId);
  }
}

/** The actor of a credential: an operator token, or a console session (which acts as its token). */
export async function authenticate(store: Pick<StoreRepos, 'tokens' | 'consoleSessions'>, bearer: string | undefined): Promise<Actor> {
  if (!bearer) fail('token_invalid', 'A bearer token is required.', {}, 'auth');
  if (isSessionSecret(bearer)) return (await authenticateSession(store, bearer, new Date())).actor;
  const token = await store.tokens.findByHash(hashTokenSecret(bearer));
  if (!token) fail('token_invalid', 'The bearer token is not known.', {}, 'auth');
  if (token.revokedAt) fail('token_revoked', 'The bearer token has been revoked.', { tokenId: token.id, revokedAt: token.revokedAt }, 'auth');
  return { kind: 'token', id: token.id };
}
