import fc from 'fast-check';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/operations/catalogue.js';
import { COMMON_ERRORS, toolName, type Operation } from '../../src/operations/operation.js';
import { requestFor } from '../../src/surfaces/client/request.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { sendRaw } from '../support/http-raw.js';
import { connectMcp } from '../support/mcp.js';
import { echoCandidates, hostileInput, inputSchemaOf, validInput, type Hostile } from './arbitraries.js';

// Every operation of the catalogue, over HTTP and over MCP (the SDK's real client against
// `berth mcp`), with inputs generated from its schema and hostile ones built on them: unknown
// fields, __proto__, NUL, lone surrogates, huge and deep values, wrong types, path traversal in
// ids, inputs that are not objects. No answer may be >= 500 or `internal`, no error message may
// repeat an input value, every error code must be one the operation declares, and the fixtures
// and the audit chain must be intact afterwards.
//
// The seed is fixed (BERTH_FUZZ_SEED, default below) and the number of runs per operation and
// surface is small in CI; BERTH_FUZZ_RUNS=200 gives a larger run. Ids are generated, never a
// fixture's, so confirmations cannot match and destructive commands find nothing to destroy;
// dry-run guarded commands keep dryRun true.

const SEED = Number(process.env.BERTH_FUZZ_SEED ?? 20_260_802);
const RUNS = Number(process.env.BERTH_FUZZ_RUNS ?? 6);

/** Operations whose valid inputs read sources from disk or start deploys: they get hostile inputs only. */
const HOSTILE_ONLY = new Set(['deployments.create', 'deployments.plan']);

/** Codes the HTTP layer answers before an operation runs (body, media type, method). */
const BOUNDARY_CODES = new Set(['parse_failed', 'request_head_too_large', 'payload_too_large', 'unsupported_media_type', 'request_body_incomplete', 'method_not_allowed']);

interface Answer {
  status: number;
  error?: { code: string; message: string };
  size: number;
}

interface Finding {
  op: string;
  surface: 'http' | 'mcp';
  kind: string;
  problem: string;
}

function inputsFor(op: Operation): fc.Arbitrary<Hostile> {
  const valid = validInput(op);
  const base = HOSTILE_ONLY.has(op.name) ? fc.constant({}) : valid;
  const hostile = hostileInput(op, base);
  return HOSTILE_ONLY.has(op.name) ? hostile : fc.oneof(valid.map((input) => ({ kind: 'schema-generated', input })), hostile);
}

describe('fuzzing every operation over HTTP and MCP', () => {
  let plane: TestControlPlane;
  let mcp: Client;
  const findings: Finding[] = [];
  let fixtures: () => Promise<unknown>;
  let before: unknown;
  let countsBefore: Record<string, number>;

  const call = (name: string, input: Record<string, unknown>) => plane.client.call(OPERATIONS.find((o) => o.name === name)!, input);

  beforeAll(async () => {
    plane = await startTestControlPlane();
    mcp = await connectMcp(plane.cliEnv);
    const project = await call('projects.create', { name: 'fuzz-fixture' });
    const resource = await call('resources.create', { name: 'fuzz-fixture-app', source: { kind: 'image', location: 'busybox:latest' } });
    const hold = await call('legal-holds.configure', { aggregate: 'fuzz-fixture', reason: 'keep' });
    if (!project.ok || !resource.ok || !hold.ok) throw new Error('fixtures could not be created');
    const projectId = (project.data as { id: string }).id;
    const resourceId = (resource.data as { id: string }).id;
    const holdId = (hold.data as { id: string }).id;
    await call('secrets.set', { resourceId, name: 'FUZZ_SECRET', value: 'fixture-secret-value' });
    // The fixtures by id: the fuzz may create other records, never change or remove these.
    fixtures = async () => ({
      project: await plane.store.projects.get(projectId),
      resource: await plane.store.resources.get(resourceId),
      localToken: (await plane.store.tokens.list()).find((t) => t.name === 'local-cli'),
      secrets: await call('secrets.list', { resourceId }),
      hold: await plane.store.legalHolds.get(holdId),
    });
    before = await fixtures();
    countsBefore = await plane.store.countRows();
  });
  afterAll(async () => {
    await mcp?.close();
    await plane?.close();
  });

  function check(op: Operation, surface: 'http' | 'mcp', hostile: Hostile, answer: Answer): void {
    const add = (problem: string) => findings.push({ op: op.name, surface, kind: hostile.kind, problem });
    if (answer.status >= 500) add(`status ${answer.status}`);
    if (answer.size > 256 * 1024) add(`answer of ${answer.size} bytes`);
    const error = answer.error;
    if (!error) return;
    if (error.code === 'internal') add('internal');
    // Over raw HTTP an id that is empty or a dot segment makes a path no route has: operation_not_found is right there.
    const declared = new Set<string>([...op.errors, ...COMMON_ERRORS, ...BOUNDARY_CODES, ...(surface === 'http' ? ['operation_not_found'] : [])]);
    if (!declared.has(error.code)) add(`undeclared code ${error.code}`);
    const schemaText = JSON.stringify(inputSchemaOf(op));
    for (const value of echoCandidates(hostile.input)) if (!schemaText.includes(value) && error.message.includes(value)) add(`message echoes input (${error.code})`);
  }

  async function overHttp(op: Operation, hostile: Hostile): Promise<Answer | undefined> {
    const isObject = hostile.input !== null && typeof hostile.input === 'object' && !Array.isArray(hostile.input);
    let req: { method: string; path: string; body?: string };
    try {
      req = isObject ? requestFor(op, hostile.input as Record<string, unknown>) : { method: op.http.method, path: op.http.path.replace(/\{(\w+)\}/g, 'x'), body: JSON.stringify(hostile.input) };
    } catch {
      // A lone surrogate in a path segment cannot be written as a URL at all (encodeURIComponent refuses).
      return undefined;
    }
    const res = await sendRaw(plane.url, { method: req.method, path: req.path, token: plane.token, headers: req.body !== undefined ? { 'content-type': 'application/json' } : {}, body: req.body });
    return { status: res.status, error: res.error, size: res.body.length };
  }

  async function overMcp(op: Operation, hostile: Hostile): Promise<Answer | undefined> {
    // MCP arguments are an object by the protocol; the SDK client refuses anything else itself.
    if (hostile.input === null || typeof hostile.input !== 'object' || Array.isArray(hostile.input)) return undefined;
    try {
      const result = await mcp.callTool({ name: toolName(op), arguments: hostile.input as Record<string, unknown> });
      const error = result.isError ? (result.structuredContent as { error: Answer['error'] }).error : undefined;
      return { status: 200, error, size: JSON.stringify(result).length };
    } catch (err) {
      // A protocol-level failure (the tool's result did not fit its output schema, a crash) is a finding.
      return { status: 500, error: { code: 'internal', message: (err as Error).message }, size: 0 };
    }
  }

  it.each(OPERATIONS.map((op) => [op.name, op] as const))('%s', async (_name, op) => {
    await fc.assert(
      fc.asyncProperty(inputsFor(op), async (hostile) => {
        const http = await overHttp(op, hostile);
        if (http) check(op, 'http', hostile, http);
        const viaMcp = await overMcp(op, hostile);
        if (viaMcp) check(op, 'mcp', hostile, viaMcp);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(findings.filter((f) => f.op === op.name)).toEqual([]);
  });

  it('leaves the fixtures, the stored rows and the audit chain intact', async () => {
    expect(await fixtures()).toEqual(before);
    const counts = await plane.store.countRows();
    for (const [table, n] of Object.entries(countsBefore)) expect(counts[table] ?? 0, table).toBeGreaterThanOrEqual(n);
    const verified = await call('audit-events.verify', {});
    expect(verified.ok).toBe(true);
    expect((verified as { data: { ok: boolean } }).data.ok).toBe(true);
  });
});
