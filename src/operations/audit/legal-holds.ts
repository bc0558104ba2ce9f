import { z } from 'zod';
import { recordId } from '../id-input.js';
import { fail } from '../../core/errors/berth-error.js';
import { LEGAL_HOLD_STATUSES, type LegalHold } from '../../core/governance/legal-hold.js';
import { newId } from '../../core/ids/ids.js';
import { defineOperation } from '../operation.js';
import { aggregateId } from './views.js';

const holdOut = z.object({
  id: z.string(),
  aggregateId: z.string(),
  reason: z.string(),
  status: z.enum(LEGAL_HOLD_STATUSES),
  createdAt: z.string(),
  createdBy: z.string(),
  releasedAt: z.string().nullable(),
  releasedBy: z.string().nullable(),
  releaseReason: z.string().nullable(),
});
const reason = z.string().min(1).max(500);

export const configureLegalHold = defineOperation({
  name: 'legal-holds.configure',
  kind: 'command',
  summary: "Place a legal hold on an aggregate: its audit rows survive destructive prunes until the hold is released.",
  input: z.strictObject({ aggregate: aggregateId, reason }),
  output: holdOut,
  errors: [],
  destructive: false,
  http: { method: 'POST', path: '/api/legal-holds' },
  cli: { words: ['audit-event', 'legal-hold', 'configure'] },
  handler: async ({ aggregate, reason: why }, ctx) =>
    ctx.store.transaction(async (tx) => {
      const hold: LegalHold = {
        id: newId('hold', ctx.now().getTime()),
        aggregateId: aggregate,
        reason: why,
        status: 'active',
        createdAt: ctx.now().toISOString(),
        createdBy: `${ctx.actor.kind}:${ctx.actor.id}`,
        releasedAt: null,
        releasedBy: null,
        releaseReason: null,
      };
      await tx.legalHolds.create(hold);
      await tx.audit.append({ type: 'legal-hold.configured', aggregateType: 'legal-hold', aggregateId: hold.id, actor: ctx.actor, payload: { id: hold.id, aggregateId: aggregate, reason: why } });
      return hold;
    }),
});

export const listLegalHolds = defineOperation({
  name: 'legal-holds.list',
  kind: 'query',
  summary: 'List legal holds, optionally by status (active or released) or aggregate.',
  input: z.strictObject({ status: z.enum(LEGAL_HOLD_STATUSES).optional(), aggregate: aggregateId.optional() }),
  output: z.object({ items: z.array(holdOut) }),
  errors: [],
  destructive: false,
  http: { method: 'GET', path: '/api/legal-holds' },
  cli: { words: ['audit-event', 'legal-hold', 'list'] },
  handler: async ({ status, aggregate }, ctx) => ({ items: await ctx.store.legalHolds.list({ status, aggregateId: aggregate }) }),
});

export const releaseLegalHold = defineOperation({
  name: 'legal-holds.release',
  kind: 'command',
  summary: 'Release a legal hold; rows it kept become prunable once no other active hold matches them.',
  input: z.strictObject({ holdId: recordId, reason }),
  output: holdOut,
  errors: ['legal_hold_not_found'],
  destructive: false,
  http: { method: 'POST', path: '/api/legal-holds/{holdId}/release' },
  cli: { words: ['audit-event', 'legal-hold', 'release'], positionals: ['holdId'] },
  handler: async ({ holdId, reason: why }, ctx) =>
    ctx.store.transaction(async (tx) => {
      const hold = (await tx.legalHolds.get(holdId)) ?? fail('legal_hold_not_found', 'No legal hold has this id.', { id: holdId });
      if (hold.status === 'released') return hold;
      const at = ctx.now().toISOString();
      const by = `${ctx.actor.kind}:${ctx.actor.id}`;
      await tx.legalHolds.release(holdId, { at, by, reason: why });
      await tx.audit.append({ type: 'legal-hold.released', aggregateType: 'legal-hold', aggregateId: holdId, actor: ctx.actor, payload: { id: holdId, aggregateId: hold.aggregateId, reason: why } });
      return { ...hold, status: 'released' as const, releasedAt: at, releasedBy: by, releaseReason: why };
    }),
});
