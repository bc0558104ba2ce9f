import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync, type Dirent } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterAll } from 'vitest';
import { BerthError } from '../../../src/core/errors/berth-error.js';
import { TEST_ROOT } from '../../support/paths.js';

// Fixtures for source and planner tests: real files in temp folders under .berth-test/, real
// git repositories made with the git CLI, and helpers that return the BerthError a call raised.

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix: string): string {
  mkdirSync(TEST_ROOT, { recursive: true });
  const dir = mkdtempSync(join(TEST_ROOT, `${prefix}-`));
  made.push(dir);
  return dir;
}

/** Writes files (path -> content); a value { link } makes a symlink. */
export function writeTree(root: string, files: Record<string, string | { link: string }>): string {
  for (const [path, content] of Object.entries(files)) {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    if (typeof content === 'string') writeFileSync(abs, content);
    else symlinkSync(content.link, abs);
  }
  return root;
}

const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.test', GIT_CONFIG_NOSYSTEM: '1' };

export function gitIn(repo: string, ...args: string[]): string {
  return execFileSync('git', ['-C', repo, ...args], { env: gitEnv, encoding: 'utf8' }).trim();
}

/** A repository on branch main; returns its path. */
export function gitRepo(prefix: string): string {
  const repo = tempDir(prefix);
  gitIn(repo, 'init', '--quiet', '--initial-branch=main');
  return repo;
}

/** Writes files, commits them all, returns the new commit id. */
export function commit(repo: string, files: Record<string, string>, message = 'change'): string {
  writeTree(repo, files);
  gitIn(repo, 'add', '-A');
  gitIn(repo, 'commit', '--quiet', '-m', message);
  return gitIn(repo, 'rev-parse', 'HEAD');
}

export { rejection } from '../../support/rejection.js';

export function thrown(fn: () => unknown): BerthError {
  try {
    fn();
  } catch (err) {
    if (err instanceof BerthError) return err;
    throw err;
  }
  throw new Error('expected a BerthError, got success');
}

/** Every file and link under dir, relative, sorted (directories themselves are not listed). */
export function listFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((e) => !e.isDirectory())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}
