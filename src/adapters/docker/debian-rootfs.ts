import { sleep } from '../../core/time/delay.js';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tryPidLock } from '../../platform/pid-lock.js';
import { BaseImagePrerequisiteMissing } from './base-image-contexts.js';

// Debian root filesystems made by mmdebstrap from the host's own apt sources (no registry), kept
// as tarballs: one mmdebstrap run takes minutes, importing its tarball seconds, so a removed
// image comes back quickly.

export const DEBIAN_SUITE = 'bookworm';
const SUITES = new Set([DEBIAN_SUITE, `${DEBIAN_SUITE}-updates`, `${DEBIAN_SUITE}-security`]);
export const DEFAULT_CACHE_DIR = '/var/cache/berth/base';

/** Where rootfs tarballs are kept: BERTH_CACHE_DIR, else /var/cache/berth/base. */
export const rootfsCacheDir = (env: NodeJS.ProcessEnv = process.env): string => env.BERTH_CACHE_DIR || DEFAULT_CACHE_DIR;

/** Runs mmdebstrap with these arguments to completion; output is its log (stderr and stdout). */
export type MmdebstrapRunner = (args: string[]) => Promise<{ exitCode: number | null; output: string }>;

const LOG_LIMIT = 64 * 1024;

/** The host's mmdebstrap (or `bin`); missing, it is a prerequisite the caller reports. */
export function spawnMmdebstrap(bin = 'mmdebstrap'): MmdebstrapRunner {
  return (args) =>
    new Promise((resolve, reject) => {
      const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString('utf8')).slice(-LOG_LIMIT);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.on('error', (err: NodeJS.ErrnoException) => {
        reject(err.code === 'ENOENT' ? new BaseImagePrerequisiteMissing(`mmdebstrap is not installed (apt-get install mmdebstrap): ${bin} not found`) : err);
      });
      child.on('close', (exitCode) => resolve({ exitCode, output }));
    });
}

/** mmdebstrap ran and failed: its exit code and log tail go into the caller's build failure. */
export class MmdebstrapFailed extends Error {
  constructor(
    readonly exitCode: number | null,
    readonly logTail: string,
  ) {
    super(`mmdebstrap exited ${exitCode}`);
  }
}

type Stanza = Map<string, string>;

function deb822(text: string): Stanza[] {
  const stanzas: Stanza[] = [];
  let current: Stanza | undefined;
  let last: string | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    if (!line.trim()) {
      current = undefined;
      continue;
    }
    if (/^\s/.test(line) && current && last) {
      current.set(last, `${current.get(last)} ${line.trim()}`);
      continue;
    }
    const m = /^([\w-]+):\s*(.*)$/.exec(line);
    if (!m?.[1]) continue;
    if (!current) stanzas.push((current = new Map()));
    last = m[1].toLowerCase();
    current.set(last, (m[2] ?? '').trim());
  }
  return stanzas;
}

/** One-line `deb [signed-by=...] URI SUITE COMPONENTS...` entries as deb822 stanzas. */
function oneLine(text: string): Stanza[] {
  const stanzas: Stanza[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const m = /^(deb)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const s: Stanza = new Map([
      ['types', 'deb'],
      ['uris', m[3] ?? ''],
      ['suites', m[4] ?? ''],
      ['components', m[5] ?? ''],
    ]);
    for (const opt of (m[2] ?? '').split(/\s+/).filter(Boolean)) {
      const [k, v] = opt.split('=');
      if (k === 'signed-by' && v) s.set('signed-by', v);
    }
    stanzas.push(s);
  }
  return stanzas;
}

/**
 * The host's apt sources for Debian bookworm as one deb822 text: only stanzas of this suite and
 * its updates and security suites, so a third-party repository (one shipping its own nodejs, say)
 * never reaches the image. Without any, Debian's default mirrors.
 */
export function hostDebianSources(aptDir = '/etc/apt'): string {
  const stanzas: Stanza[] = [];
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
  stanzas.push(...oneLine(read(join(aptDir, 'sources.list'))));
  const dir = join(aptDir, 'sources.list.d');
  const files = existsSync(dir) ? readdirSync(dir).sort() : [];
  for (const f of files) {
    if (f.endsWith('.list')) stanzas.push(...oneLine(read(join(dir, f))));
    else if (f.endsWith('.sources')) stanzas.push(...deb822(read(join(dir, f))));
  }
  const out: string[] = [];
  for (const s of stanzas) {
    if (s.get('enabled')?.toLowerCase() === 'no') continue;
    if (!(s.get('types') ?? '').split(/\s+/).includes('deb')) continue;
    const suites = (s.get('suites') ?? '').split(/\s+/).filter((x) => SUITES.has(x));
    const uris = s.get('uris');
    if (suites.length === 0 || !uris) continue;
    const signedBy = s.get('signed-by');
    out.push(
      ['Types: deb', `URIs: ${uris}`, `Suites: ${suites.join(' ')}`, `Components: ${s.get('components') || 'main'}`, ...(signedBy && existsSync(signedBy) ? [`Signed-By: ${signedBy}`] : [])].join('\n'),
    );
  }
  if (out.length === 0) {
    out.push(`Types: deb\nURIs: http://deb.debian.org/debian\nSuites: ${DEBIAN_SUITE} ${DEBIAN_SUITE}-updates\nComponents: main`);
    out.push(`Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: ${DEBIAN_SUITE}-security\nComponents: main`);
  }
  return `${out.join('\n\n')}\n`;
}

/** A root filesystem to make: Debian minbase, some packages, then host files laid over it. */
export interface RootfsRecipe {
  /** Names the cache file (`node-host`); older files of the same kind are dropped. */
  kind: string;
  /** Everything the result depends on besides `include`: the recipe revision, host versions... */
  key: string;
  /** Packages beyond minbase. */
  include: string[];
  /** Lays out files (paths from "/") to copy over the finished root; only run on a cache miss. */
  overlay?: (dir: string) => void;
  /** Commands run in the finished root (chroot) that must succeed, e.g. a tool's `--version`. */
  checks?: string[][];
}

export interface RootfsOptions {
  cacheDir?: string;
  runner?: MmdebstrapRunner;
}

/** Path of the cached tarball for a recipe (present or not). */
export function rootfsTarball(recipe: RootfsRecipe, cacheDir = rootfsCacheDir()): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([DEBIAN_SUITE, recipe.key, [...recipe.include].sort(), recipe.checks ?? []]))
    .digest('hex')
    .slice(0, 16);
  return join(cacheDir, `${recipe.kind}-${hash}.tar`);
}

// dpkg without fsync (removed from the root again when done): installing Debian's npm and its
// few hundred dependencies waits on the disk much of the time otherwise.
const EATMYDATA_HOOKS = '/usr/share/mmdebstrap/hooks/eatmydata';

// Keeps documentation and translations out of the image; copyright files stay.
const DPKG_OPTS = ['path-exclude=/usr/share/man/*', 'path-exclude=/usr/share/info/*', 'path-exclude=/usr/share/doc/*', 'path-include=/usr/share/doc/*/copyright', 'path-exclude=/usr/share/locale/*'];

const shellQuote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * The recipe's rootfs tarball: from the cache, else made by one mmdebstrap run and cached. A
 * lock per kind in the cache directory makes concurrent control planes and test runs wait for
 * the one run instead of each starting its own.
 */
export async function debianRootfs(recipe: RootfsRecipe, opts: RootfsOptions = {}): Promise<string> {
  const cacheDir = opts.cacheDir ?? rootfsCacheDir();
  const target = rootfsTarball(recipe, cacheDir);
  const cached = () => existsSync(target) && statSync(target).size > 0;
  for (;;) {
    if (cached()) return target;
    mkdirSync(cacheDir, { recursive: true });
    const lock = tryPidLock(join(cacheDir, `.${recipe.kind}.lock`));
    if (lock.acquired) {
      try {
        // Only the lock holder writes this kind's partial files: any there are a killed run's.
        for (const f of readdirSync(cacheDir)) if (f.startsWith(`.${recipe.kind}-`) && f.endsWith('.partial')) rmSync(join(cacheDir, f), { force: true });
        if (!cached()) await makeRootfs(recipe, cacheDir, target, opts.runner ?? spawnMmdebstrap());
        return target;
      } finally {
        lock.release();
      }
    }
    await sleep(1_000);
  }
}

async function makeRootfs(recipe: RootfsRecipe, cacheDir: string, target: string, runner: MmdebstrapRunner): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), `berth-rootfs-${recipe.kind}-`));
  const partial = join(cacheDir, `.${recipe.kind}-${process.pid}-${randomBytes(4).toString('hex')}.partial`);
  try {
    const sources = join(work, 'sources');
    writeFileSync(sources, hostDebianSources());
    const args = ['--variant=minbase', '--format=tar', '--skip=output/dev', ...DPKG_OPTS.map((o) => `--dpkgopt=${o}`)];
    if (existsSync(EATMYDATA_HOOKS)) args.push(`--hook-dir=${EATMYDATA_HOOKS}`);
    if (recipe.include.length > 0) args.push(`--include=${recipe.include.join(',')}`);
    if (recipe.overlay) {
      const overlay = join(work, 'overlay');
      mkdirSync(overlay);
      chmodSync(overlay, 0o755); // sync-in copies the top directory's mode onto "/" too
      recipe.overlay(overlay);
      args.push(`--customize-hook=sync-in ${overlay} /`);
    }
    for (const check of recipe.checks ?? []) args.push(`--customize-hook=chroot "$1" ${check.map(shellQuote).join(' ')}`);
    args.push(DEBIAN_SUITE, partial, sources);
    const result = await runner(args);
    if (result.exitCode !== 0) throw new MmdebstrapFailed(result.exitCode, result.output.split('\n').slice(-40).join('\n'));
    renameSync(partial, target);
    // Tarballs of older recipes of this kind are never used again.
    for (const f of readdirSync(cacheDir)) {
      if (f.startsWith(`${recipe.kind}-`) && f.endsWith('.tar') && join(cacheDir, f) !== target) rmSync(join(cacheDir, f), { force: true });
    }
  } finally {
    rmSync(partial, { force: true });
    rmSync(work, { recursive: true, force: true });
  }
}
