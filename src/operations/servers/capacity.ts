import { z } from 'zod';
import { recordId } from '../id-input.js';
import { planCounts } from '../../core/diagnostics/reclaim-plan.js';
import { DEFAULT_KEEP_CANDIDATES } from '../../core/diagnostics/retention.js';
import { toBerthError } from '../../core/errors/berth-error.js';
import { LABELS, type EngineUsage, type ImageUsage } from '../../ports/container-engine.js';
import { defineOperation } from '../operation.js';
import { queryInt } from '../query-params.js';
import { serverOf, targetOf } from '../lookup.js';
import { runtimeInventory } from './runtime-inventory.js';

// `berth server capacity <id>`: what fills the target's disk, and what Berth could reclaim
// (the same plan `berth server prune-runtime` runs). Read-only.

const counted = z.object({ count: z.number(), bytes: z.number() });
const record = z.record(z.string(), z.unknown());

export const keepInput = queryInt(1, 100).default(DEFAULT_KEEP_CANDIDATES).describe('rollback candidates kept per resource');

const output = z.object({
  serverId: z.string(),
  generatedAt: z.string(),
  disk: z.object({ path: z.string(), freeBytes: z.number(), totalBytes: z.number(), usedBytes: z.number() }).nullable(),
  inodes: z.object({ free: z.number().nullable(), total: z.number().nullable() }).nullable(),
  diskError: record.nullable(),
  images: z.object({ layersBytes: z.number(), all: counted, berth: counted, other: counted }),
  containers: z.object({ berth: z.object({ running: z.number(), stopped: z.number() }), other: z.number() }),
  buildCache: z.object({ count: z.number(), bytes: z.number(), reclaimableCount: z.number(), reclaimableBytes: z.number(), danglingImages: counted }),
  reclaimable: z.object({
    containers: counted,
    networks: z.object({ count: z.number() }),
    images: counted,
    /** Unlabelled: reported for the operator, never removed by Berth's runtime prune. */
    buildCache: counted.extend({ prunedByBerth: z.literal(false) }),
    totalBytes: z.number(),
  }),
  kept: z.object({ containers: record, networks: record, images: record }),
  retention: z.object({ keepRollbackCandidates: z.number(), serving: z.number(), rollbackCandidates: z.number(), active: z.number(), reclaimableAttempts: z.number() }),
});

const sum = (xs: { bytes: number }[]) => xs.reduce((n, x) => n + x.bytes, 0);
const unique = (i: ImageUsage) => Math.max(0, i.sizeBytes - (i.sharedBytes ?? 0));

function imageSummary(usage: EngineUsage, isBerth: (i: ImageUsage) => boolean) {
  const of = (xs: ImageUsage[]) => ({ count: xs.length, bytes: xs.reduce((n, i) => n + i.sizeBytes, 0) });
  return { layersBytes: usage.layersBytes, all: of(usage.images), berth: of(usage.images.filter(isBerth)), other: of(usage.images.filter((i) => !isBerth(i))) };
}

/** Build cache records not in use, and untagged images no other image builds on (classic builder leftovers). */
function buildCacheSummary(usage: EngineUsage) {
  const parents = new Set(usage.images.map((i) => i.parentId).filter(Boolean));
  const dangling = usage.images.filter((i) => i.repoTags.length === 0 && !parents.has(i.id) && !(i.containers && i.containers > 0));
  const idle = usage.buildCache.filter((b) => !b.inUse);
  const danglingImages = { count: dangling.length, bytes: dangling.reduce((n, i) => n + unique(i), 0) };
  return {
    summary: { count: usage.buildCache.length, bytes: sum(usage.buildCache.map((b) => ({ bytes: b.sizeBytes }))), reclaimableCount: idle.length, reclaimableBytes: sum(idle.map((b) => ({ bytes: b.sizeBytes }))), danglingImages },
    reclaimable: { count: idle.length + dangling.filter((i) => i.labels[LABELS.managed] !== 'true').length, bytes: sum(idle.map((b) => ({ bytes: b.sizeBytes }))) + dangling.filter((i) => i.labels[LABELS.managed] !== 'true').reduce((n, i) => n + unique(i), 0) },
  };
}

export const serverCapacity = defineOperation({
  name: 'servers.capacity',
  kind: 'query',
  summary: 'Disk, inodes, images (Berth vs others), build cache, and what Berth could reclaim on a server without touching a rollback candidate. Read-only.',
  input: z.strictObject({ id: recordId, keep: keepInput }),
  output,
  errors: ['server_not_found', 'server_unsupported', 'docker_error'],
  destructive: false,
  http: { method: 'GET', path: '/api/servers/{id}/capacity' },
  cli: { words: ['server', 'capacity'], positionals: ['id'] },
  handler: async ({ id, keep }, ctx) => {
    const server = await serverOf(ctx, id);
    const { engine } = targetOf(ctx, server);
    const inv = await runtimeInventory(ctx, server, engine, keep);
    const disk = await engine.diskUsage().then(
      (d) => ({ disk: { path: d.path, freeBytes: d.freeBytes, totalBytes: d.totalBytes, usedBytes: d.totalBytes - d.freeBytes }, inodes: { free: d.freeInodes, total: d.totalInodes ?? null }, diskError: null }),
      // A remote engine's filesystem cannot be read from here: the rest of the report still holds.
      (err: unknown) => ({ disk: null, inodes: null, diskError: { ...toBerthError(err, id).toObject() } }),
    );
    const known = new Set(inv.attempts.flatMap((d) => d.artifact?.services.map((s) => s.image) ?? []));
    const isBerth = (i: ImageUsage) => i.labels[LABELS.managed] === 'true' || i.repoTags.some((t) => known.has(t) || t.startsWith('berth/'));
    const berthContainers = inv.usage.containers.filter((c) => c.labels[LABELS.managed] === 'true');
    const running = berthContainers.filter((c) => c.state === 'running' || c.state === 'restarting' || c.state === 'paused').length;
    const cache = buildCacheSummary(inv.usage);
    const counts = planCounts(inv.plan);
    const roles = [...inv.retention.roles.values()];
    const nRole = (r: string) => roles.filter((x) => x === r).length;
    return {
      serverId: id,
      generatedAt: ctx.now().toISOString(),
      ...disk,
      images: imageSummary(inv.usage, isBerth),
      containers: { berth: { running, stopped: berthContainers.length - running }, other: inv.usage.containers.length - berthContainers.length },
      buildCache: cache.summary,
      reclaimable: {
        containers: { count: counts.containers, bytes: sum(inv.plan.containers) },
        networks: { count: counts.networks },
        images: { count: counts.images, bytes: sum(inv.plan.images) },
        buildCache: { ...cache.reclaimable, prunedByBerth: false as const },
        totalBytes: counts.bytes,
      },
      kept: inv.plan.kept,
      retention: { keepRollbackCandidates: keep, serving: nRole('serving'), rollbackCandidates: nRole('rollback-candidate'), active: nRole('active'), reclaimableAttempts: nRole('reclaimable') },
    };
  },
});
