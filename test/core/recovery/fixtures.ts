import type { Deployment } from '../../../src/core/deployments/deployment.js';
import { errorObject } from '../../../src/core/errors/berth-error.js';
import type { ErrorCode } from '../../../src/core/errors/catalogue.js';
import type { Resource } from '../../../src/core/model/records.js';
import type { Plan } from '../../../src/core/plan/plan.js';

// Plain records for the pure recovery rules: no store, no engine.

export const T0 = '2026-01-01T00:00:00.000Z';
export const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

export const plan: Plan = {
  planner: 'static',
  supportTier: 'supported',
  artifactKind: 'image',
  evidence: [],
  commands: {},
  services: [{ name: 'web', build: { kind: 'image', image: 'berth/static:1' }, internalPort: 80 }],
  routedService: 'web',
  internalPort: 80,
  health: { path: '/', timeoutSeconds: 30, intervalMs: 500 },
  networks: [],
  warnings: [],
};

export function resource(over: Partial<Resource> = {}): Resource {
  return {
    id: 'res_1',
    projectId: 'prj_1',
    environmentId: 'env_1',
    name: 'app',
    source: { kind: 'folder', location: '/srv/app' },
    runtime: { method: 'auto' },
    build: { hostTrust: true },
    network: {},
    health: { path: '/', timeoutSeconds: 30, intervalMs: 500 },
    access: {},
    secretNames: [],
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

let n = 0;
export function attempt(over: Partial<Deployment> = {}): Deployment {
  const id = over.id ?? `dep_${++n}`;
  return {
    id,
    resourceId: 'res_1',
    projectId: 'prj_1',
    environmentId: 'env_1',
    serverId: 'srv_local',
    trigger: 'deploy',
    status: 'succeeded',
    currentPhase: 'verify',
    preview: null,
    snapshot: {
      source: { kind: 'folder', location: '/srv/app' },
      runtime: { method: 'auto' },
      network: {},
      health: { path: '/', timeoutSeconds: 30, intervalMs: 500 },
      access: {},
      secretNames: [],
      target: { serverId: 'srv_local', serverName: 'local' },
    },
    sourceSummary: null,
    plan,
    artifact: { kind: 'image', services: [{ name: 'web', image: `berth/app-web:${id}`, imageId: `sha256:${id}` }] },
    runtime: { network: 'n', containers: [], retiredAt: at(1) },
    accessUrl: null,
    error: null,
    recoveryHint: null,
    heartbeatAt: null,
    owner: null,
    eventsPrunedThrough: 0,
    createdAt: at(0),
    startedAt: at(0),
    finishedAt: at(1),
    archivedAt: null,
    sourceDeploymentId: null,
    ...over,
  };
}

export const failed = (code: ErrorCode, over: Partial<Deployment> = {}) =>
  attempt({ status: 'failed', artifact: null, runtime: null, error: errorObject(code, 'x', {}), ...over });

export const serving = (over: Partial<Deployment> = {}) => attempt({ runtime: { network: 'n', containers: [{ id: 'c1', name: 'c1', service: 'web', ip: '10.0.0.2' }], routedUpstream: '10.0.0.2:80' }, ...over });

/** Image presence for the given attempts' artifacts. */
export const present = (...ds: Deployment[]) => Object.fromEntries(ds.flatMap((d) => (d.artifact?.services ?? []).map((s) => [s.imageId, true])));
