import { z } from 'zod';
import { defineOperation } from '../operation.js';

export const health = defineOperation({
  name: 'system.health',
  kind: 'query',
  summary: 'Liveness of the control plane (no token needed).',
  input: z.strictObject({}),
  output: z.object({ ok: z.boolean(), version: z.string(), pid: z.number() }),
  errors: [],
  destructive: false,
  public: true,
  http: { method: 'GET', path: '/api/health' },
  cli: { words: ['system', 'health'] },
  handler: async (_input, ctx) => ({ ok: true, version: ctx.settings.version, pid: process.pid }),
});
