import { copyFile, mkdir, readdir, readFile, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { fsReason } from './work-dir.js';

// Copies a folder the way git and docker would see it: paths matched by .gitignore files (at
// any depth, deeper files refining shallower ones) or by the build context's .dockerignore are
// left out, and so is .git itself. Symlinks are copied as links (the build context keeps them
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

/**
 * Copies root/base into dest and returns the number of files and links copied. .gitignore
 * files between root and base apply too, as they would in a checkout.
 */
export async function copyTree(root: string, base: string, dest: string): Promise<number> {
  const gitRules: Rules[] = [];
  const parts = base === '' ? [] : base.split('/');
  for (let i = 0; i < parts.length; i++) {
    const rules = await loadRules(root, parts.slice(0, i).join('/'), '.gitignore', false);
    if (rules) gitRules.push(rules);
  }
  const docker = await loadRules(root, base, '.dockerignore', true);
  let copied = 0;

  const walk = async (relDir: string, inherited: Rules[]): Promise<void> => {
    const local = await loadRules(root, relDir, '.gitignore', false);
    const rules = local ? [...inherited, local] : inherited;
    const entries = await guard(relDir, () => readdir(join(root, relDir), { withFileTypes: true }));
    const targetDir = join(dest, relDir.slice(base.length));
    await mkdir(targetDir, { recursive: true });
    const subdirs: string[] = [];
    await Promise.all(entries.map(async (e) => {
      if (e.name === '.git') return;
      const rel = relDir === '' ? e.name : `${relDir}/${e.name}`;
      const isDir = e.isDirectory();
      if (matches(rules, rel, isDir) || (docker && matches([docker], rel, isDir))) return;
      const target = join(targetDir, e.name);
      if (isDir) {
        subdirs.push(rel);
      } else if (e.isFile()) {
        await guard(rel, () => copyFile(join(root, rel), target));
        copied++;
      } else if (e.isSymbolicLink()) {
        await symlink(await guard(rel, () => readlink(join(root, rel))), target);
        copied++;
      }
    }));
    for (const sub of subdirs.sort()) await walk(sub, rules);
  };
  await walk(base, gitRules);
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

async function loadRules(root: string, relDir: string, file: string, anchored: boolean): Promise<Rules | undefined> {
  let text: string;
  try {
    text = await readFile(join(root, relDir, file), 'utf8');
  } catch (err) {
    if (fsReason(err) === 'missing' || fsReason(err) === 'not_a_directory') return undefined;
    throw new CopyError(fsReason(err), relDir === '' ? file : `${relDir}/${file}`);
  }
  return { dir: relDir, ig: ignore().add(anchored ? text.split(/\r?\n/).map(anchor).join('\n') : text) };
}

/**
 * .dockerignore patterns are relative to the context root ("node_modules" means only the top
 * one), while gitignore patterns without a slash match at any depth: anchor them with "/".
 */
function anchor(line: string): string {
  const t = line.trim();
  if (t === '' || t.startsWith('#')) return t;
  const negated = t.startsWith('!');
  const body = (negated ? t.slice(1) : t).replace(/^\.\//, '');
  const anchoredBody = body.startsWith('/') || body.startsWith('**') ? body : `/${body}`;
  return negated ? `!${anchoredBody}` : anchoredBody;
}

async function guard<T>(rel: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new CopyError(fsReason(err), rel === '' ? '.' : rel);
  }
}
