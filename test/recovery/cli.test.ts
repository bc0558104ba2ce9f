import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uid } from '../support/docker.js';
import { runCli } from '../support/cli.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { deploy } from '../support/deploy.js';
import { site } from './support.js';

// The recovery commands under the words users type (derived from the catalogue), through the
// built CLI: flags, --confirm, --dry-run false and JSON errors.
describe('recovery from the CLI', () => {
  let plane: TestControlPlane;
  const run = uid();
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  const cli = async <T = Record<string, unknown>>(...args: string[]) => {
    const r = await runCli([...args, '--json'], plane.cliEnv);
    return { code: r.code, out: r.json<T & { error?: { code: string; details: Record<string, unknown> } }>() };
  };

  it('readiness, refusals, relink, prune and preview cleanup answer with codes and fields', async () => {
    const d = await deploy(plane, { name: 'cli-recovery', source: { kind: 'folder', location: `/nonexistent/${run}` } });
    const ready = await cli<{ retryable: boolean; actions: { retry: { reasons: string[] } }; generatedAt: string }>('deployments', 'recovery-readiness', d.id);
    expect(ready.code).toBe(0);
    expect(ready.out.actions.retry.reasons).toEqual(['failure-needs-fix']);

    const wrong = await cli('deployments', 'cancel', d.id, '--confirm', 'dep_other');
    expect({ exit: wrong.code !== 0, code: wrong.out.error?.code }).toEqual({ exit: true, code: 'confirmation_mismatch' });
    const ended = await cli('deployments', 'cancel', d.id, '--confirm', d.id);
    expect(ended.out.error?.code).toBe('deployment_not_cancelable');
    const rollback = await cli('deployments', 'rollback', d.id, '--candidate', 'dep_unknown');
    expect(rollback.out.error?.code).toBe('rollback_candidate_not_found');
    const retry = await cli('deployments', 'retry', d.id, '--readiness-generated-at', ready.out.generatedAt);
    expect({ code: retry.out.error?.code, reasons: retry.out.error?.details.reasons }).toEqual({ code: 'recovery_blocked', reasons: ['failure-needs-fix'] });

    const source = { kind: 'folder', location: site(`cli-${run}`) };
    const relinked = await cli<{ source: unknown }>('resource', 'relink', d.resourceId, '--source', JSON.stringify(source));
    expect(relinked.out.source).toEqual(source);

    expect((await cli('deployments', 'archive', d.id, '--confirm', d.id)).code).toBe(0);
    const before = new Date(Date.now() + 60_000).toISOString();
    const dry = await cli<{ dryRun: boolean; deployments: number }>('deployments', 'prune', '--before', before);
    expect(dry.out).toMatchObject({ dryRun: true, deployments: 1 });
    const real = await cli<{ dryRun: boolean; deployments: number }>('deployments', 'prune', '--before', before, '--dry-run', 'false');
    expect(real.out).toMatchObject({ dryRun: false, deployments: 1 });

    const preview = await cli('preview', 'cleanup', '--type', 'pull-request', '--id', `none-${run}`);
    expect(preview.out.error?.code).toBe('preview_not_found');
  });
});
