import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/core/errors/catalogue.js';
import { runCli } from '../support/cli.js';
import { TEST_ROOT } from '../support/paths.js';

// The error catalogue ships in the CLI: `berth explain` and `berth errors list` answer with no
// control plane running, none started, and an unreachable BERTH_URL ignored.

function emptyHome(): string {
  mkdirSync(TEST_ROOT, { recursive: true });
  return mkdtempSync(join(TEST_ROOT, 'offline-'));
}

describe('offline errors', () => {
  const home = emptyHome();
  const local = { ...process.env, BERTH_HOME: home, BERTH_URL: '', BERTH_TOKEN: '', BERTH_PROXY_BOOTSTRAP: 'false' };
  const unreachable = { ...local, BERTH_URL: 'http://127.0.0.1:9', BERTH_TOKEN: 'x' };

  it.each([
    ['no control plane', local],
    ['an unreachable BERTH_URL', unreachable],
  ])('explain answers with %s, and starts none', async (_what, env) => {
    const res = await runCli(['explain', 'container_exited', '--json'], env);
    expect(res.code).toBe(0);
    const e = res.json<{ code: string; category: string; phase: string; remedies: unknown[]; links: { docs: string } }>();
    expect(e.code).toBe('container_exited');
    expect(e.category).toBe('validation');
    expect(e.remedies.length).toBeGreaterThan(0);
    expect(existsSync(join(home, 'control-plane.json'))).toBe(false);
    expect(readdirSync(home)).toEqual([]);
  });

  it('errors list (and error list) gives every code offline', async () => {
    for (const words of [['errors', 'list'], ['error', 'list']]) {
      const res = await runCli([...words, '--json'], unreachable);
      expect(res.code).toBe(0);
      expect(res.json<{ codes: { code: string }[] }>().codes.map((c) => c.code)).toEqual([...ERROR_CODES]);
    }
    expect(readdirSync(home)).toEqual([]);
  });

  it('an unknown code is error_code_not_found with its exit status, and bad input names the field', async () => {
    const unknown = await runCli(['explain', 'no_such_code', '--json'], unreachable);
    expect(unknown.code).toBe(3);
    expect(unknown.json<{ error: { code: string } }>().error.code).toBe('error_code_not_found');
    const bad = await runCli(['errors', 'list', '--input', '{"extra":1}', '--json'], unreachable);
    expect(bad.code).toBe(2);
    const error = bad.json<{ error: { code: string; details: { validationIssuePaths: string[]; validationIssueCodes: string[] } } }>().error;
    expect(error.code).toBe('validation_failed');
    expect(error.details.validationIssuePaths).toEqual(['extra']);
    expect(error.details.validationIssueCodes).toEqual(['unsupported_field']);
  });

  it('other commands still need the control plane', async () => {
    const res = await runCli(['resource', 'list', '--json'], unreachable);
    expect(res.code).toBe(7);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('control_plane_unreachable');
  });
});
