import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBaseImages } from '../../src/adapters/docker/base-images.js';
import type { Deployment } from '../../src/core/deployments/deployment.js';
import { BerthError } from '../../src/core/errors/berth-error.js';
import { nodeImage } from '../../src/core/plan/base-images.js';
import type { NodeBuildPlan, Plan } from '../../src/core/plan/plan.js';
import { produceArtifact, type ExecuteInput } from '../../src/engine/deployments/execute.js';
import type { AttemptJournal } from '../../src/engine/deployments/journal.js';
import { ProviderJobLog } from '../../src/engine/deployments/provider-job-log.js';
import { DEFAULT_ENGINE_SETTINGS } from '../../src/engine/deployments/settings.js';
import { hostTrustOf, serveSettings } from '../../src/main/settings.js';
import type { ProviderJobLogEntry } from '../../src/ports/governance-store.js';
import type { Store } from '../../src/ports/store.js';
import { DockerRun, ensureDockerd, uid, waitFor } from '../support/docker.js';
import { ROOT, TEST_ROOT } from '../support/paths.js';

// A node build on the real engine and the real npm registry: the install runs in a container
// from only the install files, reaching the registry through the host's trust (this machine's
// HTTPS passes an intercepting proxy whose CA only the host trusts), and is cached as a deps
// image; secrets reach the install on stdin and land in no image.

const run = new DockerRun();
const FIXTURE = join(ROOT, 'test/fixtures/node/express-lite');
const NODE = nodeImage(20);
let network: string;

beforeAll(async () => {
  await ensureDockerd();
  await ensureBaseImages(run.engine, { only: ['node:20', 'static'] });
  network = await run.network();
}, 600_000);

afterAll(async () => {
  // App and deps images of this run carry its resource label.
  const images = await run.engine.docker.listImages({ filters: { label: [`dev.berth.resource=res_${run.id}`] } });
  for (const i of images) await run.engine.docker.getImage(i.Id).remove({ force: true }).catch(() => undefined);
  await run.cleanup();
});

/** A copy of the fixture app plus extra files, in a fresh directory. */
function app(extra: Record<string, string> = {}, from = FIXTURE): string {
  mkdirSync(TEST_ROOT, { recursive: true });
  const dir = mkdtempSync(join(TEST_ROOT, 'node-app-'));
  if (from) cpSync(from, dir, { recursive: true });
  for (const [path, text] of Object.entries(extra)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function nodePlan(contextDir: string, over: Partial<NodeBuildPlan> = {}): NodeBuildPlan {
  return {
    kind: 'node',
    contextDir,
    node: { major: 20, image: NODE },
    packageManager: { name: 'npm' },
    installFiles: ['package.json', 'package-lock.json', '.npmrc'],
    install: 'npm ci --no-audit --no-fund',
    start: 'node server.js',
    port: 3000,
    settings: { hostTrust: true },
    ...over,
  };
}

interface Attempt {
  x: ExecuteInput;
  events: { kind: string; data: Record<string, unknown> }[];
  jobLines: ProviderJobLogEntry[];
}

function attempt(build: NodeBuildPlan, opts: { secrets?: Record<string, string> } = {}): Attempt {
  const events: Attempt['events'] = [];
  const jobLines: ProviderJobLogEntry[] = [];
  const deployment = { id: `dep_${uid()}`, resourceId: `res_${run.id}`, preview: null } as unknown as Deployment;
  const store = { providerJobLogs: { append: async (entries: ProviderJobLogEntry[]) => void jobLines.push(...entries) } } as unknown as Store;
  const plan: Plan = {
    planner: 'node', supportTier: 'supported', artifactKind: 'image', evidence: [], commands: {}, networks: [], warnings: [],
    services: [{ name: 'web', build, internalPort: build.port }], routedService: 'web', internalPort: build.port,
    health: { path: '/', timeoutSeconds: 5, intervalMs: 100 },
  };
  const x: ExecuteInput = {
    deployment,
    resourceName: `nb-${run.id}`,
    plan,
    target: {
      provider: 'local-docker',
      engine: run.engine,
      proxy: undefined as never,
      prober: undefined as never,
      edgeHost: '127.0.0.1',
      prepareBaseImages: async () => void (await ensureBaseImages(run.engine, { only: ['node:20', 'static'] })),
    },
    journal: { event: async (kind: string, _phase: unknown, data: Record<string, unknown>) => void events.push({ kind, data }) } as unknown as AttemptJournal,
    settings: { ...DEFAULT_ENGINE_SETTINGS, workRoot: TEST_ROOT, baseDomain: 'localhost', minFreeBytes: 0, hostTrust: hostTrustOf(process.env) },
    signal: new AbortController().signal,
    providerJob: (kind, service) => new ProviderJobLog(store, { provider: 'local-docker', jobId: `${deployment.id}:${kind}:${service}`, deploymentId: deployment.id, resourceId: deployment.resourceId }, (l) => l, () => undefined),
    secrets: opts.secrets ?? {},
  };
  return { x, events, jobLines };
}

const installSteps = (a: Attempt) => a.events.filter((e) => e.kind === 'step' && e.data.step === 'install').map((e) => e.data);

async function failure(p: Promise<unknown>): Promise<BerthError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BerthError);
  return err as BerthError;
}

/** Starts the image on the run's network and returns what GET / answers. */
async function serve(image: string, port: number): Promise<{ status: number; body: string }> {
  const c = await run.engine.run({ name: run.name(`serve-${uid()}`), image, labels: run.labels(), network, env: { PORT: String(port) }, restartPolicy: 'no' });
  return waitFor(
    'the app to answer',
    async () => {
      try {
        const res = await fetch(`http://${c.ip}:${port}/`);
        return { status: res.status, body: await res.text() };
      } catch {
        return undefined;
      }
    },
    30_000,
    200,
  );
}

/** Whether `needle` occurs anywhere in the image's filesystem (exported as one tar). */
async function imageContains(image: string, needle: string): Promise<boolean> {
  const c = await run.engine.docker.createContainer({ Image: image, name: run.name(`export-${uid()}`), Labels: run.labels() });
  try {
    const stream = (await c.export()) as unknown as Readable;
    const target = Buffer.from(needle);
    let carry = Buffer.alloc(0);
    let found = false;
    for await (const chunk of stream) {
      const buf = Buffer.concat([carry, chunk as Buffer]);
      if (buf.includes(target)) found = true;
      carry = buf.subarray(Math.max(0, buf.length - target.length));
    }
    return found;
  } finally {
    await c.remove({ force: true });
  }
}

/** The deps images of this run (app images built FROM one inherit its deps-key label, not its tag). */
async function depsImages(): Promise<{ id: string; tags: string[] }[]> {
  const images = await run.engine.docker.listImages({ filters: { label: [`dev.berth.resource=res_${run.id}`, 'dev.berth.deps-key'] } });
  return images.filter((i) => (i.RepoTags ?? []).some((t) => t.startsWith('berth-deps:'))).map((i) => ({ id: i.Id, tags: i.RepoTags ?? [] }));
}

async function historyText(image: string): Promise<string> {
  return JSON.stringify([await run.engine.docker.getImage(image).history(), (await run.engine.docker.getImage(image).inspect()).Config]);
}

describe('node builds: the install step', () => {
  it('installs a real dependency through the host CA, the app requires it, and a second build reuses the deps image', async () => {
    const dir = app({ 'node_modules/junk.txt': 'from the context', '.git/HEAD': 'ref: refs/heads/main\n' });
    const first = attempt(nodePlan(dir));
    const artifact = await produceArtifact(first.x);
    expect(installSteps(first)).toEqual([{ step: 'install', service: 'web', cached: false }]);
    const image = artifact.services[0]!.image;
    const served = await serve(image, 3000);
    expect(served.status).toBe(200);
    expect(JSON.parse(served.body)).toMatchObject({ twoDays: 172_800_000 });
    // node_modules comes from the install, never from the context; .git stays out.
    const listing = await run.exec(image, ['sh', '-c', 'ls /app/node_modules; ls -a /app'], network);
    expect(listing.output).toContain('ms');
    expect(listing.output).not.toContain('junk.txt');
    expect(listing.output).not.toContain('.git');
    // The install's output is its own provider job.
    expect(first.jobLines.some((l) => String(l.jobId).endsWith(':install:web'))).toBe(true);

    const second = attempt(nodePlan(app()));
    second.x.deployment = { ...second.x.deployment, resourceId: first.x.deployment.resourceId };
    await produceArtifact(second.x);
    expect(installSteps(second)).toEqual([{ step: 'install', service: 'web', cached: true }]);
    expect(second.jobLines.some((l) => String(l.jobId).endsWith(':install:web'))).toBe(false);
    // The deps image is the image's command, not the install wrapper's.
    const deps = await depsImages();
    expect(deps.length).toBe(1);
    const depsConfig = (await run.engine.docker.getImage(deps[0]!.id).inspect()).Config;
    expect(depsConfig.Cmd).toEqual(['node']);
    expect(depsConfig.Env.some((e) => /NODE_EXTRA_CA_CERTS|SSL_CERT_FILE/.test(e))).toBe(false);
  });

  it('hands build.secrets to the install only: neither image history nor any image filesystem holds the value', async () => {
    const secret = `s3cret-${uid()}${uid()}`;
    const digest = createHash('sha256').update(secret).digest('hex');
    const dir = app({ '.npmrc': '//127.0.0.1:9/:_authToken=${NPM_TOKEN}\n' });
    const install = `echo "token-sha:$(printf %s "$NPM_TOKEN" | sha256sum | cut -c1-64)" && echo "raw:$NPM_TOKEN" && npm ci --no-audit --no-fund`;
    const a = attempt(nodePlan(dir, { install, settings: { hostTrust: true, secrets: ['NPM_TOKEN'] } }), { secrets: { NPM_TOKEN: secret } });
    const artifact = await produceArtifact(a.x);
    const log = a.jobLines.map((l) => l.message).join('\n');
    expect(log).toContain(`token-sha:${digest}`);
    expect(log).not.toContain(secret);
    const image = artifact.services[0]!.image;
    // The app image carries the key of the deps image it was built FROM.
    const key = (await run.engine.docker.getImage(image).inspect()).Config.Labels['dev.berth.deps-from']!;
    const deps = `berth-deps:${key.slice(0, 16)}`;
    expect((await depsImages()).some((i) => i.tags.includes(deps))).toBe(true);
    for (const ref of [image, deps]) {
      expect(await historyText(ref)).not.toContain(secret);
      expect(await imageContains(ref, secret)).toBe(false);
    }
    expect(await imageContains(deps, 'berth-ca-')).toBe(false);
  });

  it('a secret named in build.secrets that the resource lacks stops the build before any install', async () => {
    const a = attempt(nodePlan(app(), { settings: { hostTrust: true, secrets: ['NPM_TOKEN'] } }));
    const err = await failure(produceArtifact(a.x));
    expect(err.code).toBe('build_secret_missing');
    expect(err.details).toMatchObject({ service: 'web', secretName: 'NPM_TOKEN' });
    expect(installSteps(a)).toEqual([]);
  });

  it('an unreachable registry is dependency_install_failed, reason network, retryable, with the provider log as remedy', async () => {
    const dir = app({ '.npmrc': 'registry=http://127.0.0.1:9/\nfetch-retries=0\n' });
    const err = await failure(produceArtifact(attempt(nodePlan(dir)).x));
    expect(err.code).toBe('dependency_install_failed');
    const e = err.toObject();
    expect(e.details).toMatchObject({ reason: 'network', packageManager: 'npm', service: 'web' });
    expect(e.details.exitCode).not.toBe(0);
    expect(String(e.details.logTail)).toMatch(/ECONNREFUSED/);
    expect({ retryable: e.retryable, category: e.category }).toEqual({ retryable: true, category: 'infra' });
    expect(e.remedies.map((r) => r.command)).toContain('berth deployment provider-log <deploymentId>');
  });

  it('an install that overruns its deadline is step_deadline_exceeded, and its container is gone', async () => {
    const a = attempt(nodePlan(app(), { install: 'sleep 120' }));
    a.x.settings = { ...a.x.settings, deadlines: { ...a.x.settings.deadlines, build: 3 } };
    const err = await failure(produceArtifact(a.x));
    expect(err.code).toBe('step_deadline_exceeded');
    expect(err.details).toMatchObject({ step: 'install' });
    await waitFor('the install container removed', async () => (await run.engine.listContainers({ 'dev.berth.deployment': a.x.deployment.id })).length === 0, 20_000, 200);
  });

  it("without the host's trust the proxy's CA is untrusted: reason tls, not retryable", async () => {
    const dir = app({ '.npmrc': 'fetch-retries=0\n' });
    const err = await failure(produceArtifact(attempt(nodePlan(dir, { settings: { hostTrust: false } })).x));
    expect(err.code).toBe('dependency_install_failed');
    const e = err.toObject();
    expect(e.details.reason).toBe('tls');
    expect({ retryable: e.retryable, responsibility: e.responsibility }).toEqual({ retryable: false, responsibility: 'operator' });
  });
});

describe('node builds: build-then-serve sites', () => {
  const site = (script: string) =>
    app(
      {
        'package.json': JSON.stringify({ name: 'site', version: '1.0.0', private: true, scripts: { build: 'node build.js' } }),
        'build.js': script,
        '.gitignore': 'dist\n',
      },
      '',
    );
  const sitePlan = (dir: string): NodeBuildPlan =>
    nodePlan(dir, { install: undefined, installFiles: ['package.json'], build: 'npm run build', start: undefined, output: { dir: 'dist', spaFallback: false }, port: 80 });

  it('serves the build output from the static image, which holds no /app', async () => {
    const marker = `built-${uid()}`;
    const dir = site(`require('fs').mkdirSync('dist', { recursive: true }); require('fs').writeFileSync('dist/index.html', '<p>${marker}</p>');`);
    const artifact = await produceArtifact(attempt(sitePlan(dir)).x);
    const image = artifact.services[0]!.image;
    const served = await serve(image, 80);
    expect(served).toEqual({ status: 200, body: `<p>${marker}</p>` });
    const probe = await run.exec(image, ['sh', '-c', 'test -e /app && echo has-app || echo no-app'], network);
    expect(probe.output.trim()).toBe('no-app');
  });

  it('a build that writes no output directory fails with reason output-missing', async () => {
    const dir = site(`require('fs').mkdirSync('out', { recursive: true });`);
    const err = await failure(produceArtifact(attempt(sitePlan(dir)).x));
    expect(err.code).toBe('image_build_failed');
    expect(err.details).toMatchObject({ reason: 'output-missing', outputDir: 'dist' });
  });
});

describe('host trust', () => {
  const pem = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;
  const bundle = (text: string) => {
    mkdirSync(TEST_ROOT, { recursive: true });
    const path = join(mkdtempSync(join(TEST_ROOT, 'ca-')), 'ca.pem');
    writeFileSync(path, text);
    return path;
  };

  it('is the system store plus NODE_EXTRA_CA_CERTS, each certificate once, and the proxy variables', () => {
    const system = bundle(`${pem('AAAA')}\n${pem('BBBB')}\n`);
    const extra = bundle(`# the proxy's CA\n${pem('BBBB')}\n${pem('CCCC')}\n`);
    const trust = hostTrustOf({ NODE_EXTRA_CA_CERTS: extra, https_proxy: 'http://proxy:3128', NO_PROXY: 'localhost' }, system);
    expect(trust.caBundle.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
    expect(['AAAA', 'BBBB', 'CCCC'].every((b) => trust.caBundle.includes(b))).toBe(true);
    expect(trust.proxy).toEqual({ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'localhost' });
  });

  it('reaches the runner settings unless BERTH_BUILD_HOST_TRUST=0', () => {
    expect(serveSettings({ BERTH_HOME: TEST_ROOT }).engine.hostTrust).toBeDefined();
    expect(serveSettings({ BERTH_HOME: TEST_ROOT, BERTH_BUILD_HOST_TRUST: '0' }).engine.hostTrust).toBeUndefined();
  });
});
