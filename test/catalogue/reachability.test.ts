import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/operations/catalogue.js';
import { toolName } from '../../src/operations/operation.js';
import { requestFor } from '../../src/surfaces/client/request.js';
import { buildProgram } from '../../src/surfaces/cli/program.js';
import type { Command } from 'commander';
import { runCli } from '../support/cli.js';
import { useMcpPlane } from '../support/mcp.js';

// Walks the catalogue: every operation has a CLI command, an HTTP route, an MCP tool with the
// right hints, and an OpenAPI entry. Reaching a route is proven by an answer that is not
// operation_not_found (an empty input is usually a validation error, which is fine).
describe('every operation is reachable from every surface', () => {
  const t = useMcpPlane();

  it('names, routes and CLI words are unique', () => {
    const names = OPERATIONS.map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    const routes = OPERATIONS.map((o) => `${o.http.method} ${o.http.path}`);
    expect(new Set(routes).size).toBe(routes.length);
    const words = OPERATIONS.map((o) => o.cli.words.join(' '));
    expect(new Set(words).size).toBe(words.length);
    for (const op of OPERATIONS) if (op.destructive && op.kind === 'command') expect(op.confirmationField ?? 'dryRun').toBeTruthy();
  });

  it.each(OPERATIONS.map((o) => [o.name, o] as const))('%s answers over HTTP', async (_name, op) => {
    const placeholder = Object.fromEntries([...op.http.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1]!, 'x_missing']));
    const req = requestFor(op, placeholder);
    const res = await t.plane.client.raw(req.method, req.path, req.body);
    const body = JSON.parse(res.body);
    expect(body.error?.code).not.toBe('operation_not_found');
  });

  it('every operation is an MCP tool with read-only / destructive hints', async () => {
    const { tools } = await t.mcp.listTools();
    for (const op of OPERATIONS) {
      const tool = tools.find((t) => t.name === toolName(op));
      expect(tool, op.name).toBeDefined();
      expect(tool!.annotations?.readOnlyHint).toBe(op.kind === 'query');
      expect(tool!.annotations?.destructiveHint).toBe(op.destructive);
      expect(tool!.inputSchema.type).toBe('object');
    }
  });

  it('every operation has a CLI command (the real program, walked in process; one spawned for --help)', async () => {
    const program = buildProgram({ operations: OPERATIONS, connect: async () => t.plane.client, io: { out: () => undefined, err: () => undefined, exit: () => undefined }, version: 'test' });
    for (const op of OPERATIONS) {
      let cmd: Command | undefined = program;
      for (const word of op.cli.words) cmd = cmd?.commands.find((c) => c.name() === word);
      expect(cmd, op.name).toBeDefined();
      expect(cmd!.options.map((o) => o.long)).toContain('--json');
    }
    const res = await runCli(['resource', 'create', '--help'], t.plane.cliEnv);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('--json');
  });

  it('every operation is in the OpenAPI document', async () => {
    const res = await t.plane.client.raw('GET', '/api/openapi.json');
    const doc = JSON.parse(res.body) as { paths: Record<string, Record<string, { operationId: string }>> };
    const ids = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ids.sort()).toEqual(OPERATIONS.map((o) => o.name).sort());
  });
});
