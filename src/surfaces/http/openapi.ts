import { z } from 'zod';
import { COMMON_ERRORS, type Operation } from '../../operations/operation.js';

/** OpenAPI 3.1 document derived from the operation catalogue. */
export function openApiDocument(operations: readonly Operation[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const params = [...op.http.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const inputSchema = z.toJSONSchema(op.input, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> };
    const isQuery = op.http.method === 'GET' || op.http.method === 'DELETE';
    const parameters = [
      ...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...(isQuery
        ? Object.entries(inputSchema.properties ?? {})
            .filter(([name]) => !params.includes(name))
            .map(([name, schema]) => ({ name, in: 'query', schema }))
        : []),
    ];
    (paths[op.http.path] ??= {})[op.http.method.toLowerCase()] = {
      operationId: op.name,
      summary: op.summary,
      'x-berth-kind': op.kind,
      'x-berth-destructive': op.destructive,
      ...(op.confirmationField ? { 'x-berth-confirmation-field': op.confirmationField } : {}),
      'x-berth-error-codes': [...new Set([...op.errors, ...(op.public ? [] : COMMON_ERRORS)])],
      'x-berth-cli': `berth ${op.cli.words.join(' ')}`,
      security: op.public ? [] : [{ bearer: [] }],
      parameters,
      ...(isQuery ? {} : { requestBody: { required: true, content: Object.fromEntries((op.http.body?.mediaTypes ?? ['application/json']).map((type) => [type, type === 'application/json' ? { schema: inputSchema } : {}])) } }),
      responses: {
        '200': { description: 'Success', content: { 'application/json': { schema: z.toJSONSchema(op.output, { unrepresentable: 'any' }) } } },
        default: { description: 'Error object from the catalogue', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Berth API', version },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        ErrorEnvelope: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'category', 'phase', 'retryable', 'message', 'details', 'responsibility', 'actionability', 'links', 'remedies'],
            },
          },
        },
      },
    },
    paths,
  };
}
