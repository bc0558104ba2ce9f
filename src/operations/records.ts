import { z } from 'zod';
import { accessProfile, buildProfile, healthProfile, networkProfile, runtimeProfile, sourceProfile } from '../core/model/profiles.js';

// Output shapes of the aggregates, shared by every operation that returns them.

export const projectOut = z.object({ id: z.string(), name: z.string(), createdAt: z.string() });
export const environmentOut = z.object({ id: z.string(), projectId: z.string(), name: z.string(), createdAt: z.string() });
export const resourceOut = z.object({
  id: z.string(),
  projectId: z.string(),
  environmentId: z.string(),
  name: z.string(),
  source: sourceProfile.nullable(),
  runtime: runtimeProfile,
  build: buildProfile,
  network: networkProfile,
  health: healthProfile,
  access: accessProfile,
  secretNames: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const serverOut = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['local', 'ssh']),
  host: z.string().nullable(),
  port: z.number().nullable(),
  user: z.string().nullable(),
  auth: z.enum(['key', 'agent']).nullable(),
  hostKey: z.string().nullable(),
  stateRoot: z.string(),
  httpPort: z.number(),
  baseDomain: z.string().nullable(),
  dockerSocket: z.string(),
  /** The server's own ACME settings; null: the control plane's (servers.show gives the effective ones). */
  acmeCa: z.string().nullable(),
  acmeEmail: z.string().nullable(),
  createdAt: z.string(),
});
export const tokenOut = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});

