import { copyFile, mkdir, readdir, readFile, readlink, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { isBuildControlFile, parseDockerignore } from '../docker/dockerignore.js';
import { fsReason } from './work-dir.js';

// Copies a folder the way git and docker would see it: paths matched by .gitignore files (at
// any depth, deeper files refining shallower ones) or by the build context's .dockerignore
// (Docker's rules, docker/dockerignore.ts) are left out, and so is .git itself. Symlinks are copied as links (the build context keeps them
// as links too); sockets, pipes and devices are not source and are skipped.

interface Rules {
  /** Directory the rules are relative to, relative to the copy root ('' = root). */
  dir: string;
  ig: Ignore;
}

export class CopyError extends Error {
  constructor(readonly reason: string, readonly path: string) {
    super(reason);
  }
}

/** One path that survives the ignore rules, relative to the walk's base ('' never appears). */
export interface TreeEntry {
  rel: string;
  type: 'dir' | 'file' | 'link';
}

/**
 * Walks root/base the way git and docker would see it and calls visit for every directory,
 * file and symlink that is kept, parents before children. .gitignore files between root and
 * base apply too, as they would in a checkout. Both the copy below and the upload packer use it,
 * so a folder deployed locally and one uploaded to a remote control plane hold the same files.
 */
export async function walkTree(root: string, base: string, visit: (entry: TreeEntry) => Promise<void>): Promise<void> {
  const gitRules: Rules[] = [];
  const parts = base === '' ? [] : base.split('/');
  for (let i = 0; i < parts.length; i++) {
    const rules = await loadRules(root, parts.slice(0, i).join('/'), '.gitignore');
    if (rules) gitRules.push(rules);
  }
  const dockerText = await readRulesFile(root, base, '.dockerignore');
  const docker = dockerText === undefined ? undefined : parseDockerignore(dockerText);

  const walk = async (relDir: string, inherited: Rules[]): Promise<void> => {
    const local = await loadRules(root, relDir, '.gitignore');
    const rules = local ? [...inherited, local] : inherited;
    const entries = await guard(relDir, () => readdir(join(root, relDir), { withFileTypes: true }));
    const subdirs: string[] = [];
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (e.name === '.git') continue;
      const rel = relDir === '' ? e.name : `${relDir}/${e.name}`;
      const isDir = e.isDirectory();
      if (matches(rules, rel, isDir)) continue;
      const out = base === '' ? rel : rel.slice(base.length + 1);
      // Docker's rules: an excluded folder is still walked when a `!` pattern reaches into it,
      // and the files the build reads (Dockerfile, .dockerignore) are always kept.
      const dockerExcluded = docker !== undefined && docker.ignores(out) && !(!isDir && isBuildControlFile(out));
      if (dockerExcluded && !(isDir && docker.mustDescend(out))) continue;
      if (isDir) {
        if (!dockerExcluded) await visit({ rel: out, type: 'dir' });
        subdirs.push(rel);
      } else if (e.isFile()) {
        await visit({ rel: out, type: 'file' });
      } else if (e.isSymbolicLink()) {
        await visit({ rel: out, type: 'link' });
      }
    }
    for (const sub of subdirs) await walk(sub, rules);
  };
  await walk(base, gitRules);
}

/** Copies root/base into dest and returns the number of files and links copied. */
export async function copyTree(root: string, base: string, dest: string): Promise<number> {
  let copied = 0;
  const from = base === '' ? root : join(root, base);
  await mkdir(dest, { recursive: true });
  await walkTree(root, base, async ({ rel, type }) => {
    const target = join(dest, rel);
    if (type === 'dir') {
      await mkdir(target, { recursive: true });
    } else if (type === 'file') {
      // The parent may be a folder .dockerignore excludes, walked only for a `!` exception.
      await mkdir(dirname(target), { recursive: true });
      await guard(rel, () => copyFile(join(from, rel), target));
      copied++;
    } else {
      await mkdir(dirname(target), { recursive: true });
      await symlink(await guard(rel, () => readlink(join(from, rel))), target);
      copied++;
    }
  });
  return copied;
}

/** Git semantics: later (deeper) rule files may re-include what earlier ones excluded. */
function matches(rules: Rules[], rel: string, isDir: boolean): boolean {
  let ignored = false;
  for (const r of rules) {
    const sub = r.dir === '' ? rel : rel.slice(r.dir.length + 1);
    const result = r.ig.test(isDir ? `${sub}/` : sub);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

async function loadRules(root: string, relDir: string, file: string): Promise<Rules | undefined> {
  const text = await readRulesFile(root, relDir, file);
  return text === undefined ? undefined : { dir: relDir, ig: ignore().add(text) };
}

async function readRulesFile(root: string, relDir: string, file: string): Promise<string | undefined> {
  try {
    return await readFile(join(root, relDir, file), 'utf8');
  } catch (err) {
    if (fsReason(err) === 'missing' || fsReason(err) === 'not_a_directory') return undefined;
    throw new CopyError(fsReason(err), relDir === '' ? file : `${relDir}/${file}`);
  }
}

async function guard<T>(rel: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new CopyError(fsReason(err), rel === '' ? '.' : rel);
  }
}
