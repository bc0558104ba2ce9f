import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/operations/catalogue.js';
import type { Operation } from '../../src/operations/operation.js';
import { buildProgram } from '../../src/surfaces/cli/program.js';
import type { ApiClient } from '../../src/surfaces/client/api-client.js';

// The reference spells the lock commands `berth remote-state lock inspect|recover-stale` with
// `--server-host H`; `--server NAME` names a registered server directly.

async function operationFor(argv: string[]) {
  let seen: { name: string; input: Record<string, unknown> } | undefined;
  const client = { call: async (op: Operation, input: Record<string, unknown>) => ((seen = { name: op.name, input }), { ok: true, data: {} }) } as unknown as ApiClient;
  const program = buildProgram({ operations: OPERATIONS, connect: async () => client, io: { out: () => undefined, err: () => undefined, exit: () => undefined }, version: 'test' });
  await program.parseAsync(argv, { from: 'user' });
  return seen;
}

describe('remote-state lock CLI words', () => {
  it('inspect and recover-stale take --server or --server-host', async () => {
    expect(await operationFor(['remote-state', 'lock', 'inspect', '--server', 'node-one'])).toEqual({ name: 'remote-state.lock-inspect', input: { server: 'node-one' } });
    expect(await operationFor(['remote-state', 'lock', 'inspect', '--server-host', '127.0.0.2'])).toEqual({ name: 'remote-state.lock-inspect', input: { serverHost: '127.0.0.2' } });
    expect(await operationFor(['remote-state', 'lock', 'recover-stale', '--server-host', '127.0.0.2'])).toEqual({ name: 'remote-state.lock-recover-stale', input: { serverHost: '127.0.0.2' } });
  });
});
