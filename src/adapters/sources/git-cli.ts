import { execFile, spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { extract } from 'tar-fs';

// The git CLI, run without a shell and never prompting. stderr is not returned: it can echo a
// URL with credentials, so callers turn failures into stable reasons instead.

export interface GitResult {
  ok: boolean;
  stdout: string;
}

const TIMEOUT_MS = 120_000;

function gitEnv(repo: string): NodeJS.ProcessEnv {
  // GIT_CEILING_DIRECTORIES stops discovery at the repo itself: a plain folder inside some other
  // checkout must read as "not a repository", not as that outer repository.
  const { GIT_DIR: _d, GIT_WORK_TREE: _w, GIT_INDEX_FILE: _i, ...env } = process.env;
  return { ...env, GIT_TERMINAL_PROMPT: '0', GIT_CEILING_DIRECTORIES: dirname(repo), LC_ALL: 'C' };
}

export function git(repo: string, args: string[]): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile('git', ['-C', repo, ...args], { env: gitEnv(repo), timeout: TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => {
      resolve({ ok: !err, stdout: String(stdout) });
    });
  });
}

/** `git clone --bare` of a URL into dest (remote and file:// sources). */
export function gitClone(url: string, dest: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('git', ['clone', '--bare', '--quiet', '--', url, dest], { env: gitEnv(dest), timeout: TIMEOUT_MS * 5 }, (err) => resolve(!err));
  });
}

/** Streams `git archive <treeish>` into dest; resolves false when git or the extraction fails. */
export function gitArchiveTo(repo: string, treeish: string, dest: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('git', ['-C', repo, 'archive', '--format=tar', treeish], { env: gitEnv(repo), stdio: ['ignore', 'pipe', 'ignore'] });
    const sink = extract(dest);
    let exitOk: boolean | undefined;
    let extracted: boolean | undefined;
    const settle = () => {
      if (exitOk !== undefined && extracted !== undefined) resolve(exitOk && extracted);
    };
    child.on('error', () => { exitOk = false; extracted ??= false; settle(); });
    child.on('close', (code) => { exitOk = code === 0; settle(); });
    sink.on('finish', () => { extracted = true; settle(); });
    sink.on('error', () => { extracted = false; child.kill(); settle(); });
    child.stdout.pipe(sink);
  });
}
