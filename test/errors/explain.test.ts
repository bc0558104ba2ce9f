import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE, ERROR_CODES } from '../../src/core/errors/catalogue.js';
import { ACTIONABILITIES, CATEGORIES, PHASES, RESPONSIBILITIES } from '../../src/core/errors/types.js';
import { expectedDocs } from '../../src/main/generate-docs.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { runCli } from '../support/cli.js';

describe('berth explain and GET /api/errors/{code}', () => {
  let plane: TestControlPlane;
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  it('every catalogue entry is complete and uses the closed vocabularies', () => {
    for (const code of ERROR_CODES) {
      const spec = CATALOGUE[code];
      expect(code).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(CATEGORIES).toContain(spec.category);
      expect(PHASES).toContain(spec.phase);
      expect(RESPONSIBILITIES).toContain(spec.responsibility);
      expect(ACTIONABILITIES).toContain(spec.actionability);
      expect(spec.remedies.length).toBeGreaterThan(0);
      for (const r of spec.remedies) expect(typeof r.safeByDefault).toBe('boolean');
    }
  });

  it('explains every code over HTTP with the catalogue fields', async () => {
    for (const code of ERROR_CODES) {
      const res = await plane.client.raw('GET', `/api/errors/${code}`);
      expect(res.status).toBe(200);
      const body = JSON.parse(res.body);
      expect(body.code).toBe(code);
      expect(body.category).toBe(CATALOGUE[code].category);
      expect(body.phase).toBe(CATALOGUE[code].phase);
      expect(body.retryable).toBe(CATALOGUE[code].retryable);
      expect(body.links.docs).toContain(code);
    }
  });

  it('explains every code from the CLI, human and --json', async () => {
    const listed = await runCli(['errors', 'list', '--json'], plane.cliEnv);
    expect(listed.json<{ codes: { code: string }[] }>().codes.map((c) => c.code)).toEqual(ERROR_CODES);
    for (const code of ERROR_CODES.slice(0, 3)) {
      const json = await runCli(['explain', code, '--json'], plane.cliEnv);
      expect(json.code).toBe(0);
      expect(json.json<{ actionability: string }>().actionability).toBe(CATALOGUE[code].actionability);
      const human = await runCli(['explain', code], plane.cliEnv);
      expect(human.code).toBe(0);
      expect(human.stdout).toContain(code);
    }
  });

  it('an unknown code is error_code_not_found', async () => {
    const res = await runCli(['explain', 'no_such_code', '--json'], plane.cliEnv);
    expect(res.code).toBe(3);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('error_code_not_found');
  });

  it('docs generation is deterministic and covers every code', () => {
    const a = expectedDocs();
    const b = expectedDocs();
    expect([...a.entries()]).toEqual([...b.entries()]);
    for (const code of ERROR_CODES) expect(a.has(`docs/errors/${code}.md`)).toBe(true);
  });
});
