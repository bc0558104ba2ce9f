import semver from 'semver';
import { BerthError } from '../../core/errors/berth-error.js';
import { nodeRuntimes } from '../../core/plan/base-images.js';
import type { Evidence } from '../../core/plan/plan.js';
import { readText } from './context.js';
import type { PackageJson, Warnings } from './node-package.js';

// Which Node.js major an app builds and runs on. Berth can provide only a few majors (the
// host's, Debian's); the app's request picks among them and never silently becomes another.
//
// Sources, strongest first: package.json engines.node (what the package declares it supports),
// .nvmrc, .node-version (what its developers run). The chosen major satisfies the strongest
// source and, when possible, every other one too; a weaker source that cannot be honoured as
// well is a node_version_conflict warning. Nothing requested: the host's major.

/** A version request: a semver range, or "any LTS line" (lts/*). */
export interface VersionRequest {
  /** Where it was read, as shown in evidence and details.source: e.g. `package.json engines.node`. */
  source: string;
  /** The text as written. */
  requested: string;
  range: string;
  ltsOnly?: boolean;
}

/** Codenames of the LTS lines nvm accepts as `lts/<name>`. */
const LTS_NAMES: Record<string, number> = {
  argon: 4, boron: 6, carbon: 8, dubnium: 10, erbium: 12, fermium: 14, gallium: 16, hydrogen: 18, iron: 20, jod: 22, krypton: 24,
};

/**
 * A .nvmrc / .node-version line as a range: `18`, `v20.1.0`, `20.x`, `>=18`, `lts/*`,
 * `lts/iron`, `node` (the newest). Undefined for what Berth cannot read (`system`, `lts/-1`).
 */
export function parseVersionFile(text: string): Omit<VersionRequest, 'source'> | undefined {
  const line = text.split(/\r?\n/).map((l) => l.replace(/#.*$/, '').trim()).find((l) => l !== '');
  if (line === undefined) return undefined;
  const word = line.toLowerCase();
  if (['node', 'stable', 'latest', 'current'].includes(word)) return { requested: line, range: '*' };
  if (word === 'lts/*' || word === 'lts') return { requested: line, range: '*', ltsOnly: true };
  const lts = /^lts\/([a-z]+)$/.exec(word);
  if (lts) {
    const major = LTS_NAMES[lts[1] ?? ''];
    return major === undefined ? undefined : { requested: line, range: `${major}.x` };
  }
  const range = semver.validRange(line.replace(/^v(?=\d)/, ''));
  return range === null ? undefined : { requested: line, range };
}

/** engines.node as a range; undefined when it is not a valid semver range. */
export function parseEngines(value: string): Omit<VersionRequest, 'source'> | undefined {
  const range = semver.validRange(value.trim() === '' ? '*' : value);
  return range === null ? undefined : { requested: value, range };
}

/** Whether some version of major satisfies the request. */
export function majorSatisfies(major: number, req: VersionRequest): boolean {
  if (req.ltsOnly && major % 2 !== 0) return false;
  return semver.intersects(req.range, `${major}.x`, { includePrerelease: false });
}

export interface NodeVersionChoice {
  major: number;
  evidence: Evidence[];
}

/** The version requests of the app, strongest first; unreadable ones become warnings. */
export async function versionRequests(dir: string, pkg: PackageJson, warnings: Warnings): Promise<VersionRequest[]> {
  const requests: VersionRequest[] = [];
  const engines = pkg.engines?.node;
  if (engines !== undefined) {
    const source = 'package.json engines.node';
    const parsed = typeof engines === 'string' ? parseEngines(engines) : undefined;
    if (parsed) requests.push({ source, ...parsed });
    else warnings.add('node_version_unparsed', source, 'package.json engines.node is not a semver range: it is ignored.');
  }
  for (const file of ['.nvmrc', '.node-version']) {
    const text = await readText(dir, file);
    if (text === undefined) continue;
    const parsed = parseVersionFile(text);
    if (parsed) requests.push({ source: file, ...parsed });
    else warnings.add('node_version_unparsed', file, `${file} names no Node.js version Berth can read (a major, a version, a range, lts/<name> or node): it is ignored.`);
  }
  return requests;
}

/**
 * The major to build on. `hostVersion` is the control plane's `process.version`, which decides
 * the majors Berth can provide. Throws node_version_unavailable when none satisfies the
 * strongest request.
 */
export async function chooseNodeMajor(dir: string, pkg: PackageJson, hostVersion: string, warnings: Warnings): Promise<NodeVersionChoice> {
  const runtimes = nodeRuntimes(hostVersion);
  const available = runtimes.map((r) => r.major); // newest first
  const host = runtimes.find((r) => r.source === 'host')?.major ?? available[0] ?? 0;
  const requests = await versionRequests(dir, pkg, warnings);
  const [primary, ...others] = requests;
  if (!primary) return { major: host, evidence: [{ kind: 'default', detail: `node ${host} (the control plane's major)` }] };

  const evidence: Evidence[] = requests.map((r) => ({ kind: r.source.startsWith('.') ? 'file' : 'config', detail: r.source }));
  const candidates = available.filter((m) => majorSatisfies(m, primary));
  const major = candidates.find((m) => others.every((r) => majorSatisfies(m, r))) ?? candidates[0];
  if (major === undefined) {
    throw new BerthError('node_version_unavailable', `${primary.source} asks for Node.js ${primary.requested}; Berth can provide Node.js ${available.join(' and ')} on this host.`, {
      requested: primary.requested,
      source: primary.source,
      availableMajors: available,
      evidence,
      fixPath: primary.source.startsWith('.') ? primary.source : 'package.json',
      overridePath: 'runtime.dockerfile',
      profileField: 'runtime.dockerfile',
    });
  }
  for (const r of others) {
    if (!majorSatisfies(major, r)) {
      warnings.add('node_version_conflict', r.source, `${r.source} asks for Node.js ${r.requested}, which ${primary.source} (${primary.requested}) and the majors Berth provides rule out: Node.js ${major} is used.`);
    }
  }
  // The host's binary is one exact version: say so when the range wants a different one of its major.
  if (major === host && !requests.filter((r) => majorSatisfies(major, r)).every((r) => semver.satisfies(hostVersion, r.range))) {
    warnings.add('node_version_inexact', primary.source, `Node.js ${hostVersion} is the only ${major}.x Berth has; it is outside the requested range.`);
  }
  return { major, evidence };
}
