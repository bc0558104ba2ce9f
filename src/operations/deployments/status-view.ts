import { z } from 'zod';
import type { Deployment } from '../../core/deployments/deployment.js';
import { DEPLOYMENT_STATUSES, LIFECYCLE_PHASES } from '../../core/deployments/status.js';

// The deployment status response: id, resourceId, status, currentPhase,
// sourceSummary { kind, gitRef, baseDirectory }, recoveryHint, error? — plus safe extras.

export const errorObjectOut = z.object({
  code: z.string(),
  category: z.string(),
  phase: z.string(),
  retryable: z.boolean(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
  responsibility: z.string(),
  actionability: z.string(),
  links: z.object({ docs: z.string(), agentGuide: z.string(), runbook: z.string().optional(), source: z.string().optional() }),
  remedies: z.array(z.object({ title: z.string(), command: z.string().optional(), safeByDefault: z.boolean() })),
});

export const deploymentOut = z.object({
  id: z.string(),
  resourceId: z.string(),
  status: z.enum(DEPLOYMENT_STATUSES),
  currentPhase: z.enum(LIFECYCLE_PHASES),
  sourceSummary: z.object({
    kind: z.string(),
    gitRef: z.string().nullable(),
    baseDirectory: z.string().nullable(),
    commit: z.string().nullable(),
    image: z.string().nullable(),
    location: z.string(),
  }),
  recoveryHint: z.string().nullable(),
  error: errorObjectOut.optional(),
  trigger: z.string(),
  preview: z.object({ type: z.string(), id: z.string() }).nullable(),
  accessUrl: z.string().nullable(),
  /** The server the attempt runs on (a resource stays on one). */
  server: z.object({ id: z.string(), name: z.string().nullable() }),
  planner: z.string().nullable(),
  artifact: z.object({ kind: z.string(), services: z.array(z.object({ name: z.string(), image: z.string(), imageId: z.string() })) }).nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  archivedAt: z.string().nullable(),
});
export type DeploymentView = z.infer<typeof deploymentOut>;

export function deploymentView(d: Deployment): DeploymentView {
  const s = d.sourceSummary;
  return {
    id: d.id,
    resourceId: d.resourceId,
    status: d.status,
    currentPhase: d.currentPhase,
    sourceSummary: {
      kind: s?.kind ?? d.snapshot.source.kind,
      gitRef: s?.gitRef ?? d.snapshot.source.gitRef ?? null,
      baseDirectory: s?.baseDirectory ?? d.snapshot.source.baseDirectory ?? null,
      commit: s?.commit ?? null,
      image: s?.image ?? null,
      location: s?.location ?? d.snapshot.source.location,
    },
    recoveryHint: d.recoveryHint,
    ...(d.error ? { error: d.error } : {}),
    trigger: d.trigger,
    preview: d.preview,
    accessUrl: d.accessUrl,
    server: { id: d.serverId, name: d.snapshot.target?.serverName ?? null },
    planner: d.plan?.planner ?? null,
    artifact: d.artifact,
    createdAt: d.createdAt,
    startedAt: d.startedAt,
    finishedAt: d.finishedAt,
    archivedAt: d.archivedAt,
  };
}
