import { z } from 'zod';
import { recordId } from '../id-input.js';
import { routeId } from '../../core/access/generated-url.js';
import type { Deployment } from '../../core/deployments/deployment.js';
import { isTerminal } from '../../core/deployments/status.js';
import { hasLiveRuntime } from '../../core/deployments/serving.js';
import { fail } from '../../core/errors/berth-error.js';
import { LABELS } from '../../ports/container-engine.js';
import type { OperationContext } from '../../ports/context.js';
import { withTargetLock } from '../../engine/servers/target-lock.js';
import { defineOperation } from '../operation.js';
import { previewKey } from '../deployments/deploy-input.js';
import { previewCleanupOut } from '../deployments/recovery-views.js';
import { teardown } from '../../engine/deployments/teardown.js';

type Preview = { type: string; id: string };

/**
 * Takes one resource's preview offline: its route first (the URL stops answering), then every
 * container labelled with the preview key, then its networks. Attempts stay in history, marked
 * retired, so a later deploy of the same preview id starts fresh beside nothing.
 */
async function cleanupResource(ctx: OperationContext, resourceId: string, preview: Preview, attempts: Deployment[]) {
  const route = routeId(resourceId, preview);
  const containers: string[] = [];
  for (const serverId of new Set(attempts.map((a) => a.serverId))) {
    const server = await ctx.store.servers.get(serverId);
    if (!server) continue;
    const target = ctx.deploy.targets.forServer(server);
    const { engine, proxy } = target;
    // A mutation on the server: under its lock, like a deploy.
    await withTargetLock({ store: ctx.store, target, server, correlationId: `preview-cleanup:${route}`, actor: ctx.actor, log: () => undefined }, async () => {
      await proxy.removeRoute(route);
      const listed = await engine.listContainers({ [LABELS.resource]: resourceId, [LABELS.preview]: `${preview.type}:${preview.id}` });
      const networks = attempts.filter((x) => x.serverId === serverId).flatMap((x) => x.runtime?.networks ?? []);
      await teardown(engine, { containers: listed.map((c) => c.id), networks, stopTimeoutSeconds: 5 });
      containers.push(...listed.map((c) => c.id));
    });
  }
  const at = ctx.now().toISOString();
  const retired = attempts.filter(hasLiveRuntime);
  for (const a of retired) await ctx.store.deployments.update(a.id, { runtime: { ...a.runtime!, retiredAt: at } });
  const result = { resourceId, routeId: route, retiredDeployments: retired.map((a) => a.id), containers };
  await ctx.store.audit.append({ type: 'preview.cleaned-up', aggregateType: 'resource', aggregateId: resourceId, actor: ctx.actor, payload: { preview, ...result } });
  return result;
}

export const cleanupPreview = defineOperation({
  name: 'previews.cleanup',
  kind: 'command',
  summary:
    'Clean up a preview by type + id: its runtime stops and its access URL stops answering; production and history are untouched, and the same preview id can be deployed again.',
  input: z.strictObject({ ...previewKey.shape, resourceId: recordId.optional().describe('only this resource (default: every resource with this preview)') }),
  output: previewCleanupOut,
  errors: ['preview_not_found', 'resource_not_found', 'deployment_in_progress', 'infra_error', 'ssh_unreachable', 'ssh_auth_failed', 'ssh_host_key_mismatch'],
  destructive: true,
  http: { method: 'POST', path: '/api/previews/cleanup' },
  cli: { words: ['preview', 'cleanup'] },
  handler: async ({ type, id, resourceId }, ctx) => {
    const preview = { type, id };
    if (resourceId && !(await ctx.store.resources.get(resourceId))) fail('resource_not_found', 'No resource has this id.', { id: resourceId });
    const attempts = await ctx.store.deployments.list({ resourceId, preview, includeArchived: true, limit: 500 });
    if (attempts.length === 0) fail('preview_not_found', 'No deployment has this preview type and id.', { id: `${type}:${id}`, resourceId: resourceId ?? null });
    const active = attempts.find((a) => !isTerminal(a.status));
    if (active) fail('deployment_in_progress', 'A deployment of this preview is active: cancel it or wait.', { activeDeploymentId: active.id });
    const byResource = new Map<string, Deployment[]>();
    for (const a of attempts) byResource.set(a.resourceId, [...(byResource.get(a.resourceId) ?? []), a]);
    const resources = [];
    for (const [rid, list] of byResource) resources.push(await cleanupResource(ctx, rid, preview, list));
    return { preview, resources };
  },
});
