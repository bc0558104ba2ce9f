import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATALOGUE, ERROR_CODES } from '../core/errors/catalogue.js';
import { knowledgeFor } from '../core/errors/berth-error.js';
import type { CodeSpec, Phase, Remedy } from '../core/errors/types.js';
import { explain } from '../operations/errors/explain.js';
import { OPERATIONS } from '../operations/catalogue.js';
import { COMMON_ERRORS, destructiveGuardOf, type Operation } from '../operations/operation.js';
import { berthConfigJsonSchema } from '../core/config/berth-config.js';
import { berthYmlDoc } from './berth-yml-doc.js';
import { cliDoc } from './cli-doc.js';
import { commandManifest, commandManifestSource, MANIFEST_FILE } from './cli-manifest.js';

// docs/errors/<code>.md, docs/operations.md, docs/berth-yml.md, docs/cli.md and the CLI's command manifest are
// generated from the catalogues, the CLI program and the berth.yml schema; `--check`
// fails (exit 1) when the committed files differ, so docs cannot drift from the code.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function errorDoc(code: (typeof ERROR_CODES)[number]): string {
  const e = explain(code);
  const lines = [
    `# \`${code}\``,
    '',
    e.summary,
    '',
    '| field | value |',
    '|---|---|',
    `| category | ${e.category} |`,
    `| default phase | ${e.phase} |`,
    `| retryable | ${e.retryable} |`,
    `| responsibility | ${e.responsibility} |`,
    `| actionability | ${e.actionability} |`,
    '',
  ];
  if (e.detailKeys.length) lines.push('## Details', '', ...e.detailKeys.map((k) => `- \`details.${k}\``), '');
  const remedy = (r: Remedy) => `- ${r.title}${r.command ? ` — \`${r.command}\`` : ''} (${r.safeByDefault ? 'safe by default' : 'not safe by default'})`;
  lines.push('## Remedies', '');
  for (const r of e.remedies) lines.push(remedy(r));
  // One section per phase with its own knowledge; its heading is the anchor links.agentGuide points to.
  for (const phase of e.phases.slice(1)) {
    const k = knowledgeFor(code, phase as Phase);
    lines.push('', `## ${phase}`, '', `Raised in phase \`${phase}\`: responsibility ${k.responsibility}, actionability ${k.actionability}.`, '');
    for (const r of k.remedies) lines.push(remedy(r));
  }
  // A code whose cause (details.reason) decides who acts: one section per reason.
  for (const [reason, k] of Object.entries((CATALOGUE[code] as CodeSpec).byReason ?? {})) {
    const r = { ...knowledgeFor(code), ...k };
    lines.push('', `## reason \`${reason}\``, '', `With \`details.reason\` ${reason}: category ${r.category}, retryable ${r.retryable}, responsibility ${r.responsibility}, actionability ${r.actionability}.`, '');
    for (const m of r.remedies) lines.push(remedy(m));
  }
  lines.push('', `See it from the CLI: \`berth explain ${code}\`; over HTTP: \`GET /api/errors/${code}\`.`, '');
  return lines.join('\n');
}

export function operationsDoc(): string {
  const lines = ['# Operations', '', 'Generated from the operation catalogue (`src/operations/catalogue.ts`).', '', '| operation | kind | CLI | HTTP | destructive | errors |', '|---|---|---|---|---|---|'];
  for (const op of OPERATIONS) {
    const codes = [...new Set([...op.errors, ...(op.public ? [] : COMMON_ERRORS)])].map((c) => `\`${c}\``).join(' ');
    lines.push(`| \`${op.name}\` | ${op.kind} | \`berth ${op.cli.words.join(' ')}\` | \`${op.http.method} ${op.http.path}\` | ${op.destructive ? guardText(op) : 'no'} | ${codes} |`);
  }
  return lines.join('\n') + '\n';
}

export function expectedDocs(): Map<string, string> {
  const files = new Map<string, string>();
  for (const code of ERROR_CODES) files.set(`docs/errors/${code}.md`, errorDoc(code));
  files.set('docs/operations.md', operationsDoc());
  // Editors validate berth.yml against this (yaml-language-server: $schema=...).
  files.set('docs/berth-yml.md', berthYmlDoc());
  // The CLI builds its commands from this manifest without loading the catalogue.
  const manifest = commandManifest();
  files.set(MANIFEST_FILE, commandManifestSource(manifest));
  files.set('docs/cli.md', cliDoc(manifest));
  files.set('schemas/berth.schema.json', JSON.stringify({ $id: 'https://berth.dev/schemas/berth.schema.json', title: 'berth.yml', ...berthConfigJsonSchema() }, null, 2) + '\n');
  return files;
}

/** Writes the generated files under root, or with check only lists those that differ. */
export function syncDocs(root: string, check: boolean): string[] {
  const files = expectedDocs();
  const stale: string[] = [];
  const errorsDir = join(root, 'docs/errors');
  mkdirSync(errorsDir, { recursive: true });
  mkdirSync(join(root, 'schemas'), { recursive: true });
  for (const existing of readdirSync(errorsDir)) {
    const rel = `docs/errors/${existing}`;
    if (!files.has(rel)) {
      if (check) stale.push(`${rel} (no such code)`);
      else rmSync(join(root, rel));
    }
  }
  for (const [rel, content] of files) {
    let current: string | undefined;
    try {
      current = readFileSync(join(root, rel), 'utf8');
    } catch {
      current = undefined;
    }
    if (current === content) continue;
    if (check) stale.push(rel);
    else {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), content);
    }
  }
  return stale;
}

function main(): void {
  const check = process.argv.includes('--check');
  const stale = syncDocs(ROOT, check);
  if (check && stale.length) {
    console.error(`Generated docs are stale; run \`npm run docs\`:\n  ${stale.join('\n  ')}`);
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();

function guardText(op: Operation): string {
  const guard = destructiveGuardOf(op);
  return guard.kind === 'confirmation' ? `yes (${guard.field})` : guard.kind === 'dryRun' ? 'yes (dryRun)' : 'yes (acts at once)';
}
