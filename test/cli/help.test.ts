import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandManifest, commandManifestSource, MANIFEST_FILE } from '../../src/main/cli-manifest.js';
import { fullProgram } from '../../src/main/cli-program.js';
import { ENVIRONMENT } from '../../src/main/environment.js';
import { expectedDocs, syncDocs } from '../../src/main/generate-docs.js';
import { EXIT_CODES } from '../../src/surfaces/cli/exit-codes.js';
import type { CommandNode } from '../../src/surfaces/cli/manifest.js';
import { ROOT } from '../support/paths.js';

// Help is a contract: every group, argument and option says what it is, every command shows an
// example that runs as written, and the manifest the binary builds its commands from, and
// docs/cli.md, are what the program says now.

const manifest = commandManifest();

function walk(node: CommandNode, words: string[] = []): { words: string[]; node: CommandNode }[] {
  return node.commands.flatMap((c) => [{ words: [...words, c.name], node: c }, ...walk(c, [...words, c.name])]);
}
const all = walk(manifest);
const visible = all.filter((c) => !c.node.hidden);

const tokens = (command: string) => [...command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);

/** Why an example would not parse against the real program, or undefined. */
function exampleProblem(program: Command, example: string): string | undefined {
  const words = tokens(example.split(/\s[>|]\s/)[0]!);
  if (words[0] !== 'berth') return 'does not start with berth';
  let cmd = program;
  let i = 1;
  for (; i < words.length; i++) {
    const sub = cmd.commands.find((c) => c.name() === words[i] || c.aliases().includes(words[i]!));
    if (!sub) break;
    cmd = sub;
  }
  if (cmd.commands.length > 0) return `${cmd.name()} is a group`;
  let positionals = 0;
  for (; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('--')) {
      positionals++;
      continue;
    }
    const option = cmd.options.find((o) => o.long === word);
    if (!option) return `no option ${word} on ${cmd.name()}`;
    if (option.required) i++;
  }
  if (positionals > cmd.registeredArguments.length) return `${positionals} arguments for ${cmd.registeredArguments.length}`;
  if (cmd.registeredArguments.some((a, n) => a.required && n >= positionals)) return 'a required argument is missing';
  return undefined;
}

describe('CLI help', () => {
  it('every group says what it holds, and no two say the same', () => {
    const groups = visible.filter((c) => c.node.run.kind === 'group');
    expect(groups.length).toBeGreaterThan(10);
    for (const g of groups) {
      expect(g.node.description, g.words.join(' ')).not.toBe('');
      expect(g.node.description, g.words.join(' ')).not.toMatch(/\bcommands$/);
    }
    expect(new Set(groups.map((g) => g.node.description)).size).toBe(groups.length);
  });

  it('every argument and option of every command is described', () => {
    for (const { words, node } of all) {
      for (const a of node.args) expect(a.description, `${words.join(' ')} <${a.name}>`).not.toBe('');
      for (const a of node.args) expect(a.description, `${words.join(' ')} <${a.name}>`).not.toBe(a.name);
      for (const o of node.options) expect(o.description, `${words.join(' ')} ${o.flags}`).not.toBe('');
    }
  });

  it('every command has an example, and every example parses against the real program', () => {
    const io = { out: () => undefined, err: () => undefined, exit: () => undefined };
    const program = fullProgram({ io, connect: async () => undefined as never, version: 'test' });
    const leaves = visible.filter((c) => c.node.run.kind !== 'group');
    expect(leaves.length).toBeGreaterThan(60);
    for (const { words, node } of leaves) {
      expect(node.examples.length, words.join(' ')).toBeGreaterThan(0);
      for (const example of node.examples) expect(exampleProblem(program, example), example).toBeUndefined();
      expect(node.examples.every((e) => tokens(e).slice(1, 1 + words.length).join(' ') === words.join(' ')), words.join(' ')).toBe(true);
    }
  });

  it('the singular nouns keep their plural spellings as aliases', () => {
    expect(manifest.commands.find((c) => c.name === 'deployment')?.aliases).toContain('deployments');
    expect(manifest.commands.find((c) => c.name === 'error')?.aliases).toContain('errors');
  });
});

describe('generated CLI files', () => {
  it('the committed command manifest is the program now', () => {
    expect(readFileSync(join(ROOT, MANIFEST_FILE), 'utf8')).toBe(commandManifestSource(manifest));
  });

  it('docs/cli.md covers every command, every exit code and every environment variable', () => {
    const doc = expectedDocs().get('docs/cli.md')!;
    for (const { words } of visible) expect(doc, words.join(' ')).toContain(`\`berth ${words.join(' ')}\``);
    for (const { node } of visible) for (const e of node.examples) expect(doc).toContain(e);
    for (const status of Object.values(EXIT_CODES)) expect(doc).toMatch(new RegExp(`^\\| ${status} \\|`, 'm'));
    for (const v of ENVIRONMENT) expect(doc).toContain(`\`${v.name}\``);
  });

  it('every BERTH_ variable the code reads is documented', () => {
    const read = new Set<string>();
    const scan = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) scan(path);
        else if (name.endsWith('.ts')) for (const m of readFileSync(path, 'utf8').matchAll(/env(?:\.|\[')(BERTH_[A-Z0-9_]+)/g)) read.add(m[1]!);
      }
    };
    scan(join(ROOT, 'src'));
    expect(read.size).toBeGreaterThan(20);
    const documented = new Set(ENVIRONMENT.map((v) => v.name));
    for (const name of read) expect(documented.has(name), name).toBe(true);
    expect(documented.has('BERTH_NODE_IMAGE_DIGEST_<major>')).toBe(true);
  });

  it('`generate-docs --check` flags a stale docs/cli.md and a stale command manifest', () => {
    const root = mkdtempSync(join(tmpdir(), 'berth-docs-'));
    try {
      syncDocs(root, false);
      expect(syncDocs(root, true)).toEqual([]);
      writeFileSync(join(root, 'docs/cli.md'), readFileSync(join(root, 'docs/cli.md'), 'utf8').replace('## Exit codes', '## Exit'));
      writeFileSync(join(root, MANIFEST_FILE), '// old\n');
      expect(syncDocs(root, true).sort()).toEqual(['docs/cli.md', MANIFEST_FILE].sort());
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
