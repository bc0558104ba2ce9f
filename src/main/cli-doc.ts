import type { Category } from '../core/errors/types.js';
import { EXIT_CODES } from '../surfaces/cli/exit-codes.js';
import type { CommandNode } from '../surfaces/cli/manifest.js';
import { ENVIRONMENT } from './environment.js';

// docs/cli.md: every command of the command manifest with its arguments, options and examples,
// then the exit codes and the environment variables. Generated, and checked fresh with the docs.

const CATEGORY_MEANING: Record<Category, string> = {
  internal: 'Berth failed unexpectedly (a bug); the error carries a correlation id',
  validation: 'the input, the source or its plan is not acceptable (also a usage error: unknown command or option)',
  'not-found': 'a named record does not exist',
  conflict: 'the request conflicts with the current state (an active attempt, a held lock, a mismatched confirmation)',
  permission: 'the token is missing, revoked or not allowed',
  domain: 'a rule of Berth refuses it (a rollback without a candidate, an unsupported feature)',
  infra: 'the machine or a service Berth needs failed (Docker, the proxy, the store, the control plane)',
  provider: 'a build, a pull or the app itself failed',
  timeout: 'a step ran past its deadline',
  integrity: 'stored data does not verify (the audit chain, a sealed secret)',
};

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();

function usage(words: string[], node: CommandNode): string {
  const args = node.args.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`));
  return ['berth', ...words, ...(node.options.length ? ['[options]'] : []), ...args].join(' ');
}

function commandSection(words: string[], node: CommandNode, lines: string[]): void {
  const level = Math.min(2 + words.length, 4);
  const heading = `${'#'.repeat(level)} \`berth ${words.join(' ')}\``;
  if (node.run.kind === 'group') {
    lines.push(heading, '', node.description, '');
    if (node.aliases.length) lines.push(`Also spelled: ${node.aliases.map((a) => `\`${a}\``).join(', ')}.`, '');
    lines.push(...node.commands.filter((c) => !c.hidden).map((c) => `- \`${c.name}\`: ${cell(c.description)}`), '');
  } else {
    lines.push(heading, '', node.description, '', '```', usage(words, node), '```', '');
    if (node.args.length) lines.push('| argument | description |', '|---|---|', ...node.args.map((a) => `| \`${a.name}\` | ${cell(a.description)}${a.choices ? ` (one of: ${a.choices.join(', ')})` : ''} |`), '');
    if (node.options.length) lines.push('| option | description |', '|---|---|', ...node.options.map((o) => `| \`${o.flags}\` | ${cell(o.description)} |`), '');
    if (node.notes.trim()) lines.push(node.notes.trim(), '');
    if (node.examples.length) lines.push('Examples:', '', '```sh', ...node.examples, '```', '');
  }
  for (const child of node.commands) if (!child.hidden) commandSection([...words, child.name], child, lines);
}

export function cliDoc(manifest: CommandNode): string {
  const lines = [
    '# The `berth` CLI',
    '',
    'Generated from the command manifest (`src/surfaces/cli/command-manifest.json`, itself generated from the operation catalogue and `src/main/cli-program.ts`) by `npm run docs`. Every command takes `--help`.',
    '',
    manifest.description,
    '',
    '## Commands',
    '',
    ...manifest.commands.filter((c) => !c.hidden).map((c) => `- [\`berth ${c.name}\`](#berth-${c.name}): ${cell(c.description)}`),
    '',
  ];
  for (const child of manifest.commands) if (!child.hidden) commandSection([child.name], child, lines);
  lines.push(
    '## Exit codes',
    '',
    'A failing command exits with the status of its error\'s category, so scripts can branch without reading text (`--json` prints the error object).',
    '',
    '| status | category | meaning |',
    '|---|---|---|',
    '| 0 | | success (a followed attempt succeeded) |',
    ...Object.entries(EXIT_CODES)
      .sort((a, b) => a[1] - b[1])
      .map(([category, status]) => `| ${status} | \`${category}\` | ${CATEGORY_MEANING[category as Category]} |`),
    '| 130 | | Ctrl-C while following an attempt: the CLI stopped watching, the attempt continues |',
    '',
    '## Environment variables',
    '',
    '| variable | read by | default | meaning |',
    '|---|---|---|---|',
    ...ENVIRONMENT.map((v) => `| \`${v.name}\` | ${v.readBy} | ${cell(v.default.includes('{') ? `\`${v.default}\`` : v.default)} | ${cell(v.description)} |`),
    '',
  );
  return lines.join('\n');
}
