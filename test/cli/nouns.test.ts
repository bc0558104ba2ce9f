import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/operations/catalogue.js';
import type { Operation } from '../../src/operations/operation.js';
import { buildProgram } from '../../src/surfaces/cli/program.js';
import type { ApiClient } from '../../src/surfaces/client/api-client.js';

// CLI words are derived from the catalogue: singular nouns, with the earlier spellings kept as
// aliases. The client is replaced by a recorder: this is the pure mapping from words to operation.

async function operationFor(argv: string[]): Promise<{ http: Operation['http']; input: Record<string, unknown> } | undefined> {
  let seen: { http: Operation['http']; input: Record<string, unknown> } | undefined;
  const client = { call: async (op: Operation, input: Record<string, unknown>) => ((seen = { http: op.http, input }), { ok: true, data: {} }) } as unknown as ApiClient;
  const out: string[] = [];
  const program = buildProgram({ operations: OPERATIONS, connect: async () => client, io: { out: (t) => out.push(t), err: (t) => out.push(t), exit: () => undefined }, version: 'test' });
  await program.parseAsync(argv, { from: 'user' });
  return seen;
}

describe('CLI nouns', () => {
  it('every command group is a singular noun', () => {
    const plurals = OPERATIONS.map((op) => op.cli.words[0]!).filter((w) => /^(deployments|resources|servers|projects|environments|tokens|errors|previews)$/.test(w));
    expect(plurals).toEqual([]);
  });

  it('the singular and the plural spelling reach the same operation', async () => {
    const singular = await operationFor(['deployment', 'show', 'dep_1']);
    const plural = await operationFor(['deployments', 'show', 'dep_1']);
    expect(singular?.http).toEqual({ method: 'GET', path: '/api/deployments/{id}' });
    expect(plural).toEqual(singular);
  });

  it('an operation that moved noun keeps its old words, hidden from help', async () => {
    const moved = await operationFor(['resource', 'redeploy', 'res_1']);
    const old = await operationFor(['deployments', 'redeploy', 'res_1']);
    expect(moved?.http.path).toBe('/api/resources/{id}/redeploy');
    expect(old).toEqual(moved);
    const out: string[] = [];
    const program = buildProgram({ operations: OPERATIONS, connect: async () => ({}) as ApiClient, io: { out: (t) => out.push(t), err: (t) => out.push(t), exit: () => undefined }, version: 'test' });
    const group = program.commands.find((c) => c.name() === 'deployment')!;
    expect(group.aliases()).toContain('deployments');
    expect(group.helpInformation()).not.toMatch(/^\s+redeploy\b/m);
    expect(group.helpInformation()).toMatch(/^\s+rollback\b/m);
  });
});
