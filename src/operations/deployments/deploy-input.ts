import { z } from 'zod';
import { secretName } from '../../core/governance/secret-name.js';
import { recordId } from '../id-input.js';
import { accessProfile, buildProfile, healthProfile, networkProfile, resourceName, runtimeProfile, sourceProfile } from '../../core/model/profiles.js';

/** A preview is keyed by type + id (e.g. pull-request 42). */
export const previewKey = z.strictObject({ type: z.enum(['pull-request', 'branch', 'temporary']), id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/) });

/** What `berth up`, plan preview and deployments.create accept: a resource and its profiles. */
export const deployInputShape = {
  resourceId: recordId.optional(),
  name: resourceName.optional(),
  environmentId: recordId.optional(),
  project: resourceName.optional(),
  environment: resourceName.optional(),
  source: sourceProfile.optional(),
  runtime: runtimeProfile.optional(),
  build: buildProfile.optional(),
  network: networkProfile.optional(),
  health: healthProfile.optional(),
  access: accessProfile.optional(),
  /** Compose document already folded by the client (env_file resolved). */
  composeDocument: z.string().max(1_000_000).optional(),
  /** Contents of the compose file's `file:` secrets, read by the client: stored sealed as resource secrets, never echoed. */
  composeSecrets: z.record(secretName, z.string().max(65_536)).refine((r) => Object.keys(r).length <= 50, 'At most 50 secrets.').optional(),
  preview: previewKey.optional(),
  /** The server, by name or id; berth.yml never names one (identity stays out of repositories). */
  server: z.string().min(1).max(253).optional().describe('the server to deploy to, by name or id (default: the server the resource runs on, else the local server)'),
  /** Repoint an existing resource at a different source; without it such a deploy is refused (resource_source_changed). */
  relink: z.boolean().optional().describe('repoint an existing resource at a different source (default false: such a deploy is refused)'),
};

export const deployInput = z.strictObject(deployInputShape);
export type DeployInput = z.infer<typeof deployInput>;
