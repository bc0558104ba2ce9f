import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeServiceSchema } from '../../src/core/compose/schema.js';
import { buildDeployInput } from '../../src/surfaces/cli/deploy-args.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api, deploy, viaProxy } from '../support/deploy.js';
import { docker, uid, waitFor } from '../support/docker.js';
import { ROOT } from '../support/paths.js';

// The compose corpus (test/fixtures/compose/) deployed end to end as `berth up` sends it: the
// CLI's own folding (interpolation, env_file, secret files) builds the request, the real engine
// runs it. Each stack asserts which service got the route and what its database received.

const FIXTURES = join(ROOT, 'test/fixtures/compose');
const run = uid();

interface Shown {
  id: string;
  resourceId: string;
  status: string;
  accessUrl: string;
  plan: { routedService: string; internalPort: number; services: { name: string }[] };
}

async function container(deploymentId: string, service: string): Promise<Docker.ContainerInspectInfo> {
  const [c] = await docker().listContainers({ all: true, filters: { label: [`dev.berth.deployment=${deploymentId}`, `dev.berth.service=${service}`] } });
  if (!c) throw new Error(`no container for ${service} of ${deploymentId}`);
  return docker().getContainer(c.Id).inspect();
}

/** Runs a command in a running container; stdout and stderr together, and the exit code. */
async function execIn(id: string, cmd: string[]): Promise<{ code: number | null; output: string }> {
  const exec = await docker().getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    const sink = { write: (b: Buffer) => chunks.push(b) } as unknown as NodeJS.WritableStream;
    docker().modem.demuxStream(stream, sink, sink);
    stream.on('end', () => resolve());
    stream.on('error', reject);
  });
  return { code: (await exec.inspect()).ExitCode, output: Buffer.concat(chunks).toString() };
}

const mountAt = (c: Docker.ContainerInspectInfo, destination: string) => c.Mounts.find((m) => m.Destination === destination);

describe('the compose corpus, deployed', () => {
  let plane: TestControlPlane;
  const volumes = new Set<string>();
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => {
    const resources = (await plane?.store.resources.list().catch(() => [])) ?? [];
    await plane?.close();
    // Volumes outlive containers by design: remove the ones these stacks made.
    for (const r of resources) for (const v of (await docker().listVolumes({ filters: { label: [`dev.berth.resource=${r.id}`] } })).Volumes ?? []) volumes.add(v.Name);
    for (const v of volumes) await docker().getVolume(v).remove({ force: true }).catch(() => undefined);
  });

  /** What `berth up <fixture>/compose.yaml --name <name>` sends, with `shell` as the deploying shell. */
  const up = async (fixture: string, name: string, shell: Record<string, string> = {}) => {
    const dir = join(FIXTURES, fixture);
    const d = await deploy(plane, buildDeployInput(join(dir, 'compose.yaml'), { name }, dir, shell));
    expect(d.error).toBeUndefined();
    expect(d.status).toBe('succeeded');
    const stored = (await plane.store.deployments.get(d.id))!;
    return { ...d, accessUrl: d.accessUrl!, plan: stored.plan! } as Shown;
  };

  /** The page behind the access URL once `ready` holds (dependencies may still be starting). */
  const page = (d: Shown, ready: (body: string) => boolean) =>
    waitFor(`page of ${d.id}`, async () => {
      const res = await viaProxy(plane, d.accessUrl);
      return res.status === 200 && ready(res.body) ? res.body : undefined;
    }, 30_000, 250);

  it('web + database + cache: the web service is routed, the database got .env values and its own volume', async () => {
    const d = await up('web-db-cache', `shop-${run}`);
    // db is listed first and exposes 5432; cache publishes 6379: neither is an HTTP service.
    expect(d.plan).toMatchObject({ routedService: 'web', internalPort: 3000 });

    const db = await container(d.id, 'db');
    expect(db.Config.Env).toEqual(expect.arrayContaining(['POSTGRES_USER=shopkeeper', 'POSTGRES_DB=shop', 'POSTGRES_PASSWORD=corpus-not-a-real-password']));
    expect(db.Config.Env.some((e) => e.includes('${'))).toBe(false);
    const data = mountAt(db, '/var/lib/postgresql/data');
    expect(data).toMatchObject({ Type: 'volume', Name: `berth-${d.resourceId}_db_data`, RW: true });

    const body = await page(d, (b) => b.includes('db=user='));
    expect(body).toContain("title=Berth shopkeeper's shop");
    expect(body).toContain('price=$5 flat');
    expect(body).toContain('db=user=shopkeeper;db=shop;boots=1');
    expect(body).toContain('cache=cache-ok');
  }, 180_000);

  it('secrets: file secrets are mounted read-only where asked; their values are nowhere else', async () => {
    const password = 'corpus-db-password-5b1f0c';
    const token = 'corpus-api-token-93ad27';
    const d = await up('secrets', `notes-${run}`);
    expect(d.plan).toMatchObject({ routedService: 'web', internalPort: 8080 });

    const db = await container(d.id, 'db');
    expect(await execIn(db.Id, ['cat', '/run/secrets/db_password'])).toEqual({ code: 0, output: `${password}\n` });
    expect((await execIn(db.Id, ['stat', '-c', '%a %u', '/run/secrets/db_password'])).output.trim()).toBe('444 0');
    // Read-only even for root: the path is a read-only mount.
    expect((await execIn(db.Id, ['sh', '-c', 'echo changed > /run/secrets/db_password'])).code).not.toBe(0);
    expect(await execIn(db.Id, ['cat', '/run/secrets/db_password'])).toEqual({ code: 0, output: `${password}\n` });
    expect(db.Config.Env).toContain('POSTGRES_PASSWORD_FILE=/run/secrets/db_password');
    expect(mountAt(db, '/var/lib/postgresql/data')).toMatchObject({ Type: 'volume', Name: `berth-${d.resourceId}_pgdata` });
    const web = await container(d.id, 'web');
    expect((await execIn(web.Id, ['stat', '-c', '%a', '/run/secrets/notes_token'])).output.trim()).toBe('400');

    const body = await page(d, (b) => b.includes('db password='));
    expect(body).toContain(`token length=${token.length}`);
    expect(body).toContain(`db password=yes length=${password.length + 1}`);

    // Stored as resource secrets, by name.
    const secrets = await api<{ items: { name: string }[] }>(plane, 'GET', `/api/resources/${d.resourceId}/secrets`);
    expect(secrets.body.items.map((s) => s.name)).toEqual(['api_token', 'db_password']);
    // Never in the plan, the snapshot, events, audit, the containers' config or environment.
    const places = [
      JSON.stringify((await api(plane, 'GET', `/api/deployments/${d.id}`)).body),
      (await plane.client.raw('GET', `/api/deployments/${d.id}/events`)).body,
      (await plane.client.raw('GET', `/api/resources/${d.resourceId}`)).body,
      JSON.stringify(await plane.store.deployments.get(d.id)),
      JSON.stringify(await plane.store.audit.list(d.resourceId)),
      JSON.stringify([db.Config, web.Config]),
    ];
    for (const text of places) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(token);
    }
  }, 180_000);

  it('a file secret the resource does not have fails the start with compose_secret_missing, naming it', async () => {
    const dir = join(FIXTURES, 'secrets');
    const { composeSecrets: _sent, ...input } = buildDeployInput(join(dir, 'compose.yaml'), { name: `nosecret-${run}` }, dir, {});
    const d = await deploy(plane, input);
    expect(d.status).toBe('failed');
    expect(d.error).toMatchObject({ code: 'compose_secret_missing', phase: 'execute' });
    expect(['db_password', 'api_token']).toContain(d.error!.details.secretName);
  }, 120_000);

  it('volumes: named volumes are per resource, name: and external: true are used as written', async () => {
    const shell = { UPLOADS_VOLUME: `corpus-uploads-${run}`, ARCHIVE_VOLUME: `corpus-archive-${run}` };
    volumes.add(shell.UPLOADS_VOLUME).add(shell.ARCHIVE_VOLUME);
    await docker().createVolume({ Name: shell.ARCHIVE_VOLUME, Labels: { 'dev.berth.test-run': run } });

    const a = await up('volumes', `wiki-a-${run}`, shell);
    // The database is named db and listed second; the wiki publishes its port.
    expect(a.plan).toMatchObject({ routedService: 'wiki', internalPort: 80 });
    const dbA = await container(a.id, 'db');
    expect(dbA.Config.Env).toContain('MARIADB_DATABASE=wiki');
    await execIn(dbA.Id, ['touch', '/var/lib/mysql/table-of-a']);
    await execIn((await container(a.id, 'wiki')).Id, ['touch', '/srv/uploads/upload-of-a']);

    // The same file for another app: same compose names, none of A's data.
    const b = await up('volumes', `wiki-b-${run}`, shell);
    const dbB = await container(b.id, 'db');
    expect(mountAt(dbA, '/var/lib/mysql')).toMatchObject({ Type: 'volume', Name: `berth-${a.resourceId}_db_data` });
    expect(mountAt(dbB, '/var/lib/mysql')).toMatchObject({ Type: 'volume', Name: `berth-${b.resourceId}_db_data` });
    expect((await execIn(dbB.Id, ['ls', '/var/lib/mysql'])).output).toBe('');
    expect((await execIn(dbA.Id, ['ls', '/var/lib/mysql'])).output).toBe('table-of-a\n');
    const wikiB = await container(b.id, 'wiki');
    expect(mountAt(wikiB, '/srv/uploads')).toMatchObject({ Type: 'volume', Name: shell.UPLOADS_VOLUME });
    expect(mountAt(wikiB, '/srv/archive')).toMatchObject({ Type: 'volume', Name: shell.ARCHIVE_VOLUME, RW: false });
    // tmpfs is memory, not an anonymous volume.
    expect(mountAt(wikiB, '/srv/cache')).toMatchObject({ Type: 'tmpfs' });
    expect(await page(b, (x) => x.includes('uploads='))).toContain('uploads=upload-of-a,');
  }, 240_000);

  it('an external volume that does not exist fails the start with compose_volume_missing: Berth never creates it', async () => {
    const shell = { UPLOADS_VOLUME: `corpus-uploads-${run}`, ARCHIVE_VOLUME: `corpus-absent-${run}` };
    const d = await deploy(plane, buildDeployInput(join(FIXTURES, 'volumes', 'compose.yaml'), { name: `wiki-c-${run}` }, join(FIXTURES, 'volumes'), shell));
    expect(d.status).toBe('failed');
    expect(d.error).toMatchObject({ code: 'compose_volume_missing', phase: 'execute', details: { volume: shell.ARCHIVE_VOLUME, service: 'wiki' } });
    expect((await docker().listVolumes({ filters: { name: [shell.ARCHIVE_VOLUME] } })).Volumes ?? []).toEqual([]);
  }, 120_000);

  const targetsSupported = composeServiceSchema.safeParse({ build: { context: '.', target: 'web' } }).success;
  it.runIf(targetsSupported)('build targets: each service is built at its stage', async () => {
    const d = await up('build-targets', `stages-${run}`);
    expect(d.plan).toMatchObject({ routedService: 'web', internalPort: 8000 });
    expect(await page(d, (b) => b.startsWith('stage='))).toBe('stage=web\n');
    const worker = await container(d.id, 'worker');
    expect((await execIn(worker.Id, ['cat', '/www/index.html'])).output).toBe('stage=worker\n');
  }, 180_000);

  it('healthcheck-gated depends_on: the API is routed, never the database it waits for', async () => {
    const dir = join(FIXTURES, 'healthcheck-gated');
    const preview = await api<{ status: string; plan: { routedService: string; internalPort: number; services: { name: string; dependsOnCondition?: Record<string, string>; healthcheck?: unknown }[] } }>(
      plane,
      'POST',
      '/api/deployments/plan',
      buildDeployInput(join(dir, 'compose.yaml'), { name: `gated-${run}` }, dir, {}),
    );
    expect(preview.body.status).toBe('ready');
    expect(preview.body.plan).toMatchObject({ routedService: 'api', internalPort: 5000 });
    expect(preview.body.plan.services.find((s) => s.name === 'api')?.dependsOnCondition).toEqual({ db: 'service_healthy' });
    expect(preview.body.plan.services.find((s) => s.name === 'db')?.healthcheck).toMatchObject({ intervalMs: 1000, retries: 20 });
  });
});
