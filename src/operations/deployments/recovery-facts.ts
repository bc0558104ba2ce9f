import type { Artifact, Deployment } from '../../core/deployments/deployment.js';
import { ACTIVE_STATUSES } from '../../core/deployments/status.js';
import { fail } from '../../core/errors/berth-error.js';
import type { Server } from '../../core/model/records.js';
import type { CandidateFacts } from '../../core/recovery/candidates.js';
import type { ReadinessFacts } from '../../core/recovery/readiness.js';
import type { OperationContext } from '../../ports/context.js';

// Gathers what the pure readiness rules decide on: store rows and, per artifact image, whether
// the target's engine still has it. Reads only.

const CANDIDATE_LIMIT = 20;

export class FactReader {
  private readonly servers = new Map<string, Promise<Server | undefined>>();

  constructor(private readonly ctx: OperationContext) {}

  server(id: string): Promise<Server | undefined> {
    if (!this.servers.has(id)) this.servers.set(id, this.ctx.store.servers.get(id));
    return this.servers.get(id)!;
  }

  /** Presence of each image id in the engine of the server; null where the engine could not say. */
  async images(serverId: string, artifact: Artifact | null | undefined): Promise<Record<string, boolean | null>> {
    const out: Record<string, boolean | null> = {};
    const server = await this.server(serverId);
    for (const s of artifact?.services ?? []) {
      try {
        out[s.imageId] = server ? Boolean(await this.ctx.deploy.targets.forServer(server).engine.imageId(s.imageId)) : null;
      } catch {
        out[s.imageId] = null;
      }
    }
    return out;
  }

  async candidate(d: Deployment): Promise<CandidateFacts> {
    return { deployment: d, serverExists: Boolean(await this.server(d.serverId)), images: await this.images(d.serverId, d.artifact) };
  }

  async active(resourceId: string, preview: Deployment['preview']): Promise<Deployment | undefined> {
    const [active] = await this.ctx.store.deployments.list({ resourceId, preview, status: ACTIVE_STATUSES, includeArchived: true, limit: 1 });
    return active;
  }

  /**
   * `candidateImages: false` leaves the candidates' engine facts unread (no images, server not looked up): for a caller
   * that checks one named candidate itself (a rollback naming its candidate).
   */
  async readiness(d: Deployment, opts: { candidateImages?: boolean } = {}): Promise<ReadinessFacts> {
    const { store } = this.ctx;
    const resource = (await store.resources.get(d.resourceId)) ?? fail('resource_not_found', 'No resource has this id.', { id: d.resourceId });
    const succeeded = await store.deployments.list({ resourceId: d.resourceId, preview: d.preview, status: ['succeeded'], includeArchived: true, limit: CANDIDATE_LIMIT });
    const snapshotServerId = d.snapshot.target?.serverId;
    return {
      deployment: d,
      resource,
      active: await this.active(d.resourceId, d.preview),
      snapshotServerExists: Boolean(snapshotServerId && (await this.server(snapshotServerId))),
      snapshotImages: d.snapshot.rollback ? await this.images(d.serverId, d.snapshot.rollback.artifact) : {},
      candidates: opts.candidateImages === false ? succeeded.map((c) => ({ deployment: c, serverExists: true, images: {} })) : await Promise.all(succeeded.map((c) => this.candidate(c))),
    };
  }
}

export async function getDeployment(ctx: OperationContext, id: string): Promise<Deployment> {
  return (await ctx.store.deployments.get(id)) ?? fail('deployment_not_found', 'No deployment has this id.', { id });
}
