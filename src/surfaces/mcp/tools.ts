import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { destructiveGuardOf, toolName, type Operation } from '../../operations/operation.js';

type ObjectSchema = { type: 'object'; properties?: Record<string, object>; required?: string[]; [k: string]: unknown };

/** JSON Schema (draft 7, which MCP clients validate with) without the `$schema` marker. */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _marker, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-7' }) as Record<string, unknown>;
  return rest;
}

/** The catalogue's error object, as a failed call carries it in `structuredContent.error`. */
const ERROR_ENVELOPE = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'object', required: ['code', 'category', 'phase', 'retryable', 'message', 'details', 'responsibility', 'actionability', 'links', 'remedies'] } },
};

/**
 * Structured content is always an object: a result that is not one travels as `{ value }`. MCP
 * clients validate structured content against the output schema on errors too, so the schema
 * admits the result or the error envelope.
 */
function outputSchemaOf(op: Operation): ObjectSchema {
  const schema = jsonSchemaOf(op.output, 'output');
  const success = schema.type === 'object' ? schema : { type: 'object', properties: { value: schema }, required: ['value'] };
  return { type: 'object', anyOf: [success, ERROR_ENVELOPE] };
}

/** The id a destructive operation acts on: its first path parameter. */
function targetFieldOf(op: Operation): string | undefined {
  return /\{(\w+)\}/.exec(op.http.path)?.[1];
}

function inputSchemaOf(op: Operation): ObjectSchema {
  const schema = jsonSchemaOf(op.input, 'input') as ObjectSchema;
  const field = op.confirmationField;
  const target = targetFieldOf(op);
  if (field && target && schema.properties?.[field]) {
    schema.properties[field] = {
      ...schema.properties[field],
      description: `Type the value of \`${target}\` again, exactly: the id of the object this destroys. Any other value is refused with confirmation_mismatch.`,
    };
  }
  return schema;
}

function descriptionOf(op: Operation): string {
  if (!op.destructive) return op.summary;
  const guard = destructiveGuardOf(op);
  if (guard.kind === 'confirmation') return `${op.summary} Destructive: \`${guard.field}\` must repeat \`${targetFieldOf(op) ?? 'the id'}\` exactly.`;
  if (guard.kind === 'dryRun') return `${op.summary} Destructive: pass \`dryRun: false\` to act; the default only reports what it would do.`;
  return `${op.summary} Destructive: acts at once, there is no dry run.`;
}

/** One MCP tool per operation, with its input and output schemas. */
export function toolOf(op: Operation): Tool {
  return {
    name: toolName(op),
    title: op.summary,
    description: descriptionOf(op),
    inputSchema: inputSchemaOf(op),
    outputSchema: outputSchemaOf(op),
    annotations: { readOnlyHint: op.kind === 'query', destructiveHint: op.destructive, idempotentHint: op.kind === 'query', openWorldHint: false },
  };
}
