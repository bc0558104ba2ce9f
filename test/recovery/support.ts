import { appDir } from '../support/apps.js';
import type { TestControlPlane } from '../support/control-plane.js';
import { api, waitTerminal, type DeploymentStatus } from '../support/deploy.js';

// Shared by the recovery acceptance tests: calls that return the status and the error code, so
// each test asserts codes and fields, never message text.

export interface Answer<T> {
  status: number;
  body: T;
  code: string | undefined;
  details: Record<string, unknown>;
}

export async function call<T = Record<string, unknown>>(plane: TestControlPlane, method: string, path: string, body?: unknown): Promise<Answer<T>> {
  const r = await api<T & { error?: { code: string; details: Record<string, unknown> } }>(plane, method, path, body);
  return { status: r.status, body: r.body, code: r.body.error?.code, details: r.body.error?.details ?? {} };
}

export interface Readiness {
  recoverable: boolean;
  retryable: boolean;
  redeployable: boolean;
  rollbackReady: boolean;
  actions: Record<'retry' | 'redeploy' | 'rollback' | 'cancel', { allowed: boolean; reasons: string[] }>;
  cancelFirst: { required: boolean; activeDeploymentId: string | null };
  candidates: { deploymentId: string; serving: boolean; ready: boolean; missing: string[]; images: { imageId: string; present: boolean | null }[] }[];
  nextActions: { kind: string; command: string; safeByDefault: boolean }[];
  generatedAt: string;
}

export async function readiness(plane: TestControlPlane, id: string): Promise<Readiness> {
  const r = await call<Readiness>(plane, 'GET', `/api/deployments/${id}/recovery-readiness`);
  if (r.status !== 200) throw new Error(`readiness failed: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** POSTs a recovery command that creates an attempt, and waits for that attempt to end. */
export async function recoverAndWait(plane: TestControlPlane, path: string, body: unknown = {}): Promise<DeploymentStatus & { trigger: string }> {
  const r = await call<DeploymentStatus>(plane, 'POST', path, body);
  if (r.status !== 200) throw new Error(`${path} failed: ${JSON.stringify(r.body)}`);
  return (await waitTerminal(plane, r.body.id)) as DeploymentStatus & { trigger: string };
}

/** A static site answering `body` on / (served by Berth's static image: fast to build). */
export const site = (body: string) => appDir({ 'index.html': body });

export const fastHealth = { path: '/', timeoutSeconds: 10, intervalMs: 100 };

/** Journal steps of an attempt, in order. */
export async function steps(plane: TestControlPlane, id: string): Promise<string[]> {
  const events = (await call<{ envelopes: { kind: string; event?: { kind: string; data: { step?: string } } }[] }>(plane, 'GET', `/api/deployments/${id}/events`)).body.envelopes;
  return events.filter((e) => e.kind === 'event' && e.event?.kind === 'step').map((e) => e.event!.data.step ?? '');
}

/** A Dockerfile app whose build sleeps 60 s in a RUN step marked with `marker`. */
export const slowApp = (marker: string) =>
  appDir({ Dockerfile: `FROM berth/static:1\nRUN sleep 60 && echo ${marker}\nCOPY index.html /srv/index.html\nEXPOSE 80\n`, 'index.html': marker });

/** Starts an attempt of `name` that builds slowly (repointing the resource at the slow app), and returns once its build step runs. */
export async function startSlowBuild(plane: TestControlPlane, name: string, marker: string, extra: Record<string, unknown> = {}): Promise<string> {
  const created = await call<{ id: string }>(plane, 'POST', '/api/deployments', { name, source: { kind: 'folder', location: slowApp(marker) }, relink: true, ...extra });
  if (created.status !== 200) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
  const deadline = Date.now() + 60_000;
  while (!(await steps(plane, created.body.id)).includes('build')) {
    if (Date.now() > deadline) throw new Error('the slow build never started');
    await new Promise((r) => setTimeout(r, 100));
  }
  return created.body.id;
}

export const cancel = (plane: TestControlPlane, id: string, confirm = id) => call<DeploymentStatus>(plane, 'POST', `/api/deployments/${id}/cancel`, { confirm });

/** Waits until a replaced version has drained and its containers are gone. */
export async function waitRetired(plane: TestControlPlane, id: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await plane.targets.local.engine.listContainers({ 'dev.berth.deployment': id })).length > 0) {
    if (Date.now() > deadline) throw new Error(`${id} was not retired`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
