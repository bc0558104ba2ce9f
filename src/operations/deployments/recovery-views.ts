import { z } from 'zod';
import { DEPLOYMENT_STATUSES } from '../../core/deployments/status.js';
import { RETAIN_REASONS } from '../../core/recovery/prune.js';
import { BLOCK_REASONS, CANDIDATE_GAPS } from '../../core/recovery/reasons.js';

// Output shapes of the recovery operations.

const verdictOut = z.object({ allowed: z.boolean(), reasons: z.array(z.enum(BLOCK_REASONS)) });

export const candidateOut = z.object({
  deploymentId: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  archived: z.boolean(),
  serving: z.boolean(),
  ready: z.boolean(),
  missing: z.array(z.enum(CANDIDATE_GAPS)),
  images: z.array(z.object({ service: z.string(), image: z.string(), imageId: z.string(), present: z.boolean().nullable() })),
  warnings: z.array(z.literal('volumes-not-restored')),
});

export const readinessOut = z.object({
  deploymentId: z.string(),
  resourceId: z.string(),
  status: z.enum(DEPLOYMENT_STATUSES),
  preview: z.object({ type: z.string(), id: z.string() }).nullable(),
  recoverable: z.boolean(),
  retryable: z.boolean(),
  redeployable: z.boolean(),
  rollbackReady: z.boolean(),
  actions: z.object({ retry: verdictOut, redeploy: verdictOut, rollback: verdictOut, cancel: verdictOut }),
  cancelFirst: z.object({ required: z.boolean(), activeDeploymentId: z.string().nullable() }),
  redeployFields: z.array(z.string()),
  candidates: z.array(candidateOut),
  nextActions: z.array(z.object({ kind: z.enum(['detail', 'events', 'logs', 'diagnose']), command: z.string(), safeByDefault: z.literal(true) })),
  generatedAt: z.string(),
});

export const pruneOut = z.object({
  dryRun: z.boolean(),
  before: z.string(),
  /** Attempts deleted (or, in a dry run, that would be). */
  deployments: z.number().int(),
  /** Journal rows deleted with them. */
  journalEvents: z.number().int(),
  deploymentIds: z.array(z.string()),
  retained: z.array(z.object({ id: z.string(), reasons: z.array(z.enum(RETAIN_REASONS)) })),
  /** The work item of a destructive run (null on a dry run). */
  workId: z.string().nullable(),
});

export const previewCleanupOut = z.object({
  preview: z.object({ type: z.string(), id: z.string() }),
  resources: z.array(
    z.object({
      resourceId: z.string(),
      routeId: z.string(),
      /** Preview attempts whose runtime this cleanup retired (history keeps them). */
      retiredDeployments: z.array(z.string()),
      containers: z.array(z.string()),
    }),
  ),
});

/** Optional on every recovery command: the readiness the caller decided on. */
export const readinessGeneratedAt = z.iso.datetime({ offset: true }).optional().describe('generatedAt of the recovery readiness this decision is based on (refused when state changed since)');
