import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from './ports.js';
import { dirname, join } from 'node:path';
import Docker from 'dockerode';
import { ensureBaseImages } from '../../src/adapters/docker/base-images.js';
import { DockerEngine } from '../../src/adapters/docker/docker-engine.js';
import { LABELS, type ContainerState } from '../../src/ports/container-engine.js';
import { TEST_ROOT } from './paths.js';

// Docker tests talk to the real engine. Every object a test creates carries a per-run label
// (or a tracked tag), so cleanup removes exactly what this run made, even when the PGlite and
// PostgreSQL passes run the same file at once.

export const TEST_LABEL = 'dev.berth.test-run';
export const REGISTRY = '127.0.0.1:5000';

export const uid = (): string => randomBytes(5).toString('hex');
export const docker = (): Docker => new Docker({ socketPath: '/var/run/docker.sock' });

async function engineAnswers(): Promise<boolean> {
  try {
    await docker().ping();
    return true;
  } catch {
    return false;
  }
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Starts dockerd when it is not answering (a fresh machine); it is left running, like a service. */
export async function ensureDockerd(): Promise<void> {
  if (await engineAnswers()) return;
  const log = openSync('/var/log/berth-dockerd.log', 'a');
  spawn('dockerd', [], { detached: true, stdio: ['ignore', log, log] }).unref();
  closeSync(log);
  await waitFor('dockerd', engineAnswers, 60_000, 250);
}

/** A test run: a fresh label value, and the resources to remove afterwards. */
export class DockerRun {
  readonly id = uid();
  readonly engine: DockerEngine;
  private readonly images = new Set<string>();
  private readonly networks = new Set<string>();
  private readonly volumes = new Set<string>();
  private readonly dirs = new Set<string>();

  constructor(opts: { pullBaseDelayMs?: number } = {}) {
    this.engine = new DockerEngine({ pullBaseDelayMs: opts.pullBaseDelayMs ?? 20 });
  }

  /** Ownership labels plus this run's label; `extra` may add deployment/service labels. */
  labels(extra: Record<string, string> = {}): Record<string, string> {
    return { [LABELS.managed]: 'true', [LABELS.resource]: `res_${this.id}`, [TEST_LABEL]: this.id, ...extra };
  }

  name(what: string): string {
    return `berth-test-${what}-${this.id}`;
  }

  /** An image reference that cleanup will remove. */
  image(what: string): string {
    const ref = `berth-test/${what}-${this.id}:1`;
    this.images.add(ref);
    return ref;
  }

  trackImage(ref: string): string {
    this.images.add(ref);
    return ref;
  }

  /** A named volume that cleanup will remove. */
  volume(what: string): string {
    const name = this.name(`vol-${what}`);
    this.volumes.add(name);
    return name;
  }

  async network(): Promise<string> {
    const name = this.name('net');
    await this.engine.ensureNetwork(name, this.labels());
    this.networks.add(name);
    return name;
  }

  /** A build context directory holding the given files. */
  context(files: Record<string, string>): string {
    mkdirSync(TEST_ROOT, { recursive: true });
    const dir = mkdtempSync(join(TEST_ROOT, 'docker-ctx-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    this.dirs.add(dir);
    return dir;
  }

  /** Runs a command to completion on the network and returns its exit code and output. */
  async exec(image: string, command: string[], network: string): Promise<{ exitCode: number | null; output: string }> {
    const c = await this.engine.run({ name: this.name(`exec-${uid()}`), image, command, labels: this.labels(), network, restartPolicy: 'no' });
    const state = await waitFor<ContainerState>('container exit', async () => {
      const s = await this.engine.inspect(c.id);
      return s && s.status === 'exited' ? s : undefined;
    });
    return { exitCode: state.exitCode, output: await this.engine.logsTail(c.id, 1000) };
  }

  async cleanup(): Promise<void> {
    const d = this.engine.docker;
    const containers = await d.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${this.id}`] } });
    await Promise.all(containers.map((c) => this.engine.remove(c.Id)));
    for (const ref of this.images) await this.engine.removeImage(ref);
    for (const name of this.volumes) await d.getVolume(name).remove().catch(() => undefined);
    for (const name of this.networks) await d.getNetwork(name).remove().catch(() => undefined);
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }
}

/** A TCP port nothing listens on: bound by us, then released. */
export const closedPort = freePort;

async function registryAnswers(): Promise<boolean> {
  try {
    return (await fetch(`http://${REGISTRY}/v2/`)).status === 200;
  } catch {
    return false;
  }
}

/**
 * Debian's docker-registry on 127.0.0.1:5000, without auth and storing under .berth-test/ (the
 * packaged config asks for htpasswd). Left running for later runs, like dockerd.
 */
export async function ensureRegistry(): Promise<void> {
  if (await registryAnswers()) return;
  const dir = join(TEST_ROOT, 'registry');
  mkdirSync(join(dir, 'data'), { recursive: true });
  const config = join(dir, 'config.yml');
  writeFileSync(config, ['version: 0.1', 'log:', '  level: warn', 'storage:', '  filesystem:', `    rootdirectory: ${join(dir, 'data')}`, '  delete:', '    enabled: true', 'http:', `  addr: ${REGISTRY}`, ''].join('\n'));
  const log = openSync(join(dir, 'registry.log'), 'a');
  // A concurrent run may win the port; the loser exits and both then see one registry.
  spawn('docker-registry', ['serve', config], { detached: true, stdio: ['ignore', log, log] }).unref();
  closeSync(log);
  await waitFor('registry', registryAnswers, 20_000, 100);
}

/**
 * What a test building or running on the static base image needs first: a reachable dockerd,
 * that base image, and a fresh network of this run. Returns the network's name.
 */
export async function prepareStaticRun(run: DockerRun): Promise<string> {
  await ensureDockerd();
  await ensureBaseImages(run.engine, { only: ['static'] });
  return run.network();
}
