import { z } from 'zod';
import { recordId } from '../id-input.js';
import { fail } from '../../core/errors/berth-error.js';
import { newId } from '../../core/ids/ids.js';
import type { Actor, Token } from '../../core/model/records.js';
import type { StoreRepos } from '../../ports/store.js';
import { defineOperation } from '../operation.js';
import { tokenOut } from '../records.js';
import { hashTokenSecret, newTokenSecret } from './secret.js';
import { requireConfirmation } from '../confirmation.js';

export async function issueToken(tx: StoreRepos, actor: Actor, now: Date, name: string): Promise<{ token: Token; secret: string }> {
  const secret = newTokenSecret();
  const token: Token = { id: newId('token'), name, createdAt: now.toISOString(), revokedAt: null, lastUsedAt: null };
  await tx.tokens.create(token, hashTokenSecret(secret));
  await tx.audit.append({ type: 'token.issued', aggregateType: 'token', aggregateId: token.id, actor, payload: { id: token.id, name } });
  return { token, secret };
}

export const issueTokenOp = defineOperation({
  name: 'tokens.issue',
  kind: 'command',
  summary: 'Issue an operator token; its secret is shown once and stored hashed.',
  input: z.strictObject({ name: z.string().min(1).max(100) }),
  output: z.object({ token: tokenOut, secret: z.string() }),
  errors: [],
  destructive: false,
  http: { method: 'POST', path: '/api/tokens' },
  cli: { words: ['token', 'issue'] },
  handler: async ({ name }, ctx) => ctx.store.transaction((tx) => issueToken(tx, ctx.actor, ctx.now(), name)),
});

export const listTokens = defineOperation({
  name: 'tokens.list',
  kind: 'query',
  summary: 'List operator tokens (never their secrets).',
  input: z.strictObject({}),
  output: z.object({ items: z.array(tokenOut) }),
  errors: [],
  destructive: false,
  http: { method: 'GET', path: '/api/tokens' },
  cli: { words: ['token', 'list'] },
  handler: async (_input, ctx) => ({ items: await ctx.store.tokens.list() }),
});

export const revokeToken = defineOperation({
  name: 'tokens.revoke',
  kind: 'command',
  summary: 'Revoke an operator token; its next call gets token_revoked.',
  input: z.strictObject({ id: recordId, confirm: recordId }),
  output: tokenOut,
  errors: ['token_not_found', 'confirmation_mismatch'],
  destructive: true,
  confirmationField: 'confirm',
  http: { method: 'POST', path: '/api/tokens/{id}/revoke' },
  cli: { words: ['token', 'revoke'], positionals: ['id'] },
  handler: async ({ id, confirm }, ctx) =>
    ctx.store.transaction(async (tx) => {
      requireConfirmation(confirm, id, 'token');
      const token = (await tx.tokens.get(id)) ?? fail('token_not_found', 'No token has this id.', { id });
      if (token.revokedAt) return token;
      const at = ctx.now().toISOString();
      await tx.tokens.revoke(id, at);
      await tx.audit.append({ type: 'token.revoked', aggregateType: 'token', aggregateId: id, actor: ctx.actor, payload: { id } });
      return { ...token, revokedAt: at };
    }),
});
