import type { z } from 'zod';
import type { ErrorCode } from '../core/errors/catalogue.js';
import type { OperationContext } from '../ports/context.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * One operation, defined once. CLI commands, HTTP routes, MCP tools and the OpenAPI document
 * are all derived from this record; no surface declares an operation of its own.
 */
export interface Operation<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  /** Stable dotted name, e.g. `resources.create`; also the MCP tool name (dots become underscores). */
  name: string;
  kind: 'query' | 'command';
  summary: string;
  /** Strict input schema: unknown fields are rejected everywhere. */
  input: I;
  output: O;
  /** Codes this operation may return besides the ones every operation may return. */
  errors: readonly ErrorCode[];
  destructive: boolean;
  /** Name of the input field that must equal the target id, for destructive commands. */
  confirmationField?: string;
  /**
   * `body` overrides the JSON default (application/json, the control plane's size limit) for a
   * route that takes another body; such a route receives the bytes as the `body` input field.
   */
  http: { method: HttpMethod; path: string; body?: { mediaTypes?: readonly string[]; limitBytes?: number } };
  cli: {
    words: string[];
    /** Input fields taken positionally, in order. */
    positionals?: string[];
    /** Earlier spellings that keep working (an operation that moved to another noun). */
    aliases?: string[][];
    /** `attempt`: the command starts a deployment attempt (output `id`); the CLI follows it to its end unless --no-wait. */
    follow?: 'attempt';
    /** Fields whose CLI value is a local file path: the CLI sends the file's text (a private key). */
    files?: string[];
    /** Single-letter or renamed flags are not derived; this keeps the CLI predictable. */
  };
  /** True for operations that need no bearer token (health probe). */
  public?: boolean;
  handler: (input: z.infer<I>, ctx: OperationContext) => Promise<z.infer<O>>;
  /**
   * Streaming operations also yield envelopes over time (HTTP as server-sent events, the CLI with
   * --follow). `handler` then returns what is available now, for MCP and plain JSON callers.
   */
  stream?: (input: z.infer<I>, ctx: OperationContext, signal: AbortSignal) => AsyncIterable<unknown>;
}

export function defineOperation<I extends z.ZodType, O extends z.ZodType>(op: Operation<I, O>): Operation<I, O> {
  return op;
}

/** Codes any operation may return, whatever it does. */
export const COMMON_ERRORS: readonly ErrorCode[] = ['validation_failed', 'token_invalid', 'token_revoked', 'session_invalid', 'internal'];

export function toolName(op: Pick<Operation, 'name'>): string {
  return op.name.replace(/\./g, '_');
}

/** How a destructive operation guards against an accident: a repeated id, a dry-run default, or nothing. */
export type DestructiveGuard = { kind: 'confirmation'; field: string } | { kind: 'dryRun' } | { kind: 'none' };

export function destructiveGuardOf(op: Pick<Operation, 'confirmationField' | 'input'>): DestructiveGuard {
  if (op.confirmationField) return { kind: 'confirmation', field: op.confirmationField };
  const shape = (op.input as unknown as { shape?: Record<string, unknown> }).shape ?? {};
  return 'dryRun' in shape ? { kind: 'dryRun' } : { kind: 'none' };
}
