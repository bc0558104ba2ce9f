import { z } from 'zod';
import { ChainVerifier } from '../../core/audit/verify.js';
import { fail } from '../../core/errors/berth-error.js';
import { defineOperation } from '../operation.js';

const PAGE = 2000;

export const verifyAuditChain = defineOperation({
  name: 'audit-events.verify',
  kind: 'query',
  summary: 'Verify the audit hash chain end to end; audit_chain_broken names the first altered row or the row after a removed one.',
  input: z.strictObject({}),
  output: z.object({ ok: z.literal(true), checked: z.number(), prunedRuns: z.number(), lastSeq: z.number(), lastHash: z.string().nullable() }),
  errors: ['audit_chain_broken'],
  destructive: false,
  http: { method: 'GET', path: '/api/audit-chain/verify' },
  cli: { words: ['audit-event', 'verify'] },
  handler: async (_input, ctx) => {
    const verifier = new ChainVerifier(await ctx.store.auditHistory.gaps());
    let after = 0;
    let lastHash: string | null = null;
    for (;;) {
      const rows = await ctx.store.auditHistory.page({}, after, PAGE);
      for (const row of rows) {
        const broken = verifier.next(row);
        if (broken) {
          fail('audit_chain_broken', 'The audit chain is broken: a row was altered or removed outside a prune.', {
            firstBrokenSeq: broken.seq,
            firstBrokenId: broken.id,
            reason: broken.reason,
          });
        }
        after = row.seq;
        lastHash = row.hash;
      }
      if (rows.length < PAGE) break;
    }
    return { ok: true as const, checked: verifier.checked, prunedRuns: verifier.crossedGaps, lastSeq: after, lastHash };
  },
});
