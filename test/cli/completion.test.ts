import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandManifest } from '../../src/main/cli-manifest.js';
import { runCli } from '../support/cli.js';
import { TEST_ROOT } from '../support/paths.js';

// `berth completion bash|zsh|fish` prints scripts generated from the command manifest. Every
// script passes its shell's syntax check; bash completion is driven in a real interactive bash
// (readline on a tmux pty, and the completion function through COMP_WORDS).

mkdirSync(TEST_ROOT, { recursive: true });
const dir = mkdtempSync(join(TEST_ROOT, 'completion-'));
const env = { ...process.env, BERTH_HOME: dir, BERTH_URL: 'http://127.0.0.1:9' };
const manifest = commandManifest();
const visibleNames = (words: string[]) => {
  let node = manifest;
  for (const w of words) node = node.commands.find((c) => c.name === w)!;
  return node.commands.filter((c) => !c.hidden).map((c) => c.name);
};

async function script(shell: string): Promise<string> {
  const res = await runCli(['completion', shell], env);
  expect(res.code).toBe(0);
  const file = join(dir, `berth.${shell}`);
  writeFileSync(file, res.stdout);
  return file;
}

/** COMPREPLY of the completion function for the words typed so far (the last one being completed). */
function bashComplete(file: string, words: string[]): string[] {
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const out = execFileSync('bash', ['--norc', '--noprofile', '-i', '-c', `source ${file}; complete -p berth >&2; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _berth; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter(Boolean);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('shell completion', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['bash', ['bash', '-n']],
    ['zsh', ['zsh', '-n']],
    ['fish', ['fish', '--no-execute']],
  ])('the %s script is generated and passes the shell syntax check', async (shell, check) => {
    const file = await script(shell);
    const res = spawnSync(check[0]!, [...check.slice(1), file], { encoding: 'utf8' });
    expect(res.error).toBeUndefined();
    expect(res.status, res.stderr).toBe(0);
  });

  it('an unknown shell is a usage error', async () => {
    const res = await runCli(['completion', 'tcsh'], env);
    expect(res.code).toBe(2);
  });

  it('the bash completion function completes commands, subcommands, old spellings, choices and options', async () => {
    const file = await script('bash');
    expect(bashComplete(file, ['berth', 'dep'])).toEqual(['deployment']);
    expect(bashComplete(file, ['berth', '']).sort()).toEqual(visibleNames([]).sort());
    expect(bashComplete(file, ['berth', 'deployment', '']).sort()).toEqual(visibleNames(['deployment']).sort());
    // The plural spelling walks to the same group; a hidden old command is not offered.
    expect(bashComplete(file, ['berth', 'deployments', 'ro'])).toEqual(['rollback']);
    expect(bashComplete(file, ['berth', 'deployment', 'red'])).toEqual([]);
    expect(bashComplete(file, ['berth', 'resource', 'secret', ''])).toEqual(expect.arrayContaining(['set', 'unset', 'list']));
    expect(bashComplete(file, ['berth', 'completion', '']).sort()).toEqual(['bash', 'fish', 'zsh']);
    expect(bashComplete(file, ['berth', 'up', '--na'])).toEqual(['--name']);
    expect(bashComplete(file, ['berth', 'deployment', 'show', 'dep_1', '--j'])).toEqual(['--json']);
  });

  it('fish completes the same words (complete -C), with descriptions', async () => {
    const file = await script('fish');
    const complete = (line: string) => execFileSync('fish', ['--no-config', '-c', `source ${file}; complete -C '${line}'`], { encoding: 'utf8' }).split('\n').filter(Boolean).map((l) => l.split('\t')[0]);
    expect(complete('berth dep')).toEqual(['deployment']);
    expect(complete('berth deployments ro')).toEqual(['rollback']);
    expect(complete('berth up --na')).toEqual(['--name']);
  });

  it('berth dep<TAB> completes to `berth deployment ` in a real interactive bash', async () => {
    const file = await script('bash');
    const socket = `berth-completion-${process.pid}`;
    const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'c', '-x', '200', '-y', '20', `env -i HOME=${dir} HISTFILE= PATH=${process.env.PATH} TERM=xterm PS1='$ ' bash --norc --noprofile -i`);
    try {
      const line = async (want: RegExp) => {
        for (let i = 0; i < 100; i++) {
          const screen = tmux('capture-pane', '-p', '-t', 'c');
          const last = screen.split('\n').filter((l) => l.trim()).pop() ?? '';
          if (want.test(last)) return last;
          await sleep(100);
        }
        return tmux('capture-pane', '-p', '-t', 'c');
      };
      tmux('send-keys', '-t', 'c', `source ${file}`, 'Enter');
      await line(/^\$$/);
      // tmux trims the line's trailing space; the next word shows that completion added one.
      tmux('send-keys', '-t', 'c', 'berth dep', 'Tab');
      expect(await line(/^\$ berth deployment$/)).toBe('$ berth deployment');
      tmux('send-keys', '-t', 'c', 'rollb', 'Tab');
      expect(await line(/^\$ berth deployment rollback$/)).toBe('$ berth deployment rollback');
    } finally {
      tmux('kill-server');
    }
  });
});
