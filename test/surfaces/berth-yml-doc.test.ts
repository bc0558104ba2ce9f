import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { berthConfigJsonSchema, parseBerthConfig } from '../../src/core/config/berth-config.js';
import { berthYmlDoc, FULL_EXAMPLE, SECTION_EXAMPLES } from '../../src/main/berth-yml-doc.js';
import { syncDocs } from '../../src/main/generate-docs.js';
import { MANIFEST_FILE } from '../../src/main/cli-manifest.js';
import { ROOT, TEST_ROOT } from '../support/paths.js';

// docs/berth-yml.md is generated from berth.yml's schema; `generate-docs --check` (in `npm test`)
// fails when the committed page differs from what the schema says today.

type Node = { description?: string; default?: unknown; properties?: Record<string, Node> };

describe('docs/berth-yml.md', () => {
  it('the committed page is the generated one', () => {
    expect(readFileSync(join(ROOT, 'docs/berth-yml.md'), 'utf8')).toBe(berthYmlDoc());
  });

  it('has a row for every field with its description and default, and an example for every section', () => {
    const doc = berthYmlDoc();
    const top = (berthConfigJsonSchema() as Node).properties ?? {};
    for (const [section, node] of Object.entries(top)) {
      expect(doc).toContain(`## \`${section}\``);
      expect(doc).toContain(SECTION_EXAMPLES[section]!.trimEnd());
      for (const [field, f] of Object.entries(node.properties ?? {})) {
        const row = doc.split('\n').find((l) => l.startsWith(`| \`${section}.${field}\` |`));
        expect(row, `${section}.${field}`).toBeDefined();
        expect(row).toContain(f.description!);
        if (f.default !== undefined) expect(row).toContain(`\`${JSON.stringify(f.default)}\``);
      }
    }
    expect(doc).toContain('| `build.hostTrust` | boolean | `true` |');
  });

  it('its examples are valid berth.yml, and the full one uses every section', () => {
    const full = parseBerthConfig(FULL_EXAMPLE);
    expect(Object.keys(full).sort()).toEqual(Object.keys((berthConfigJsonSchema() as Node).properties ?? {}).sort());
    for (const [section, text] of Object.entries(SECTION_EXAMPLES)) expect(Object.keys(parseBerthConfig(text)), section).toEqual([section]);
  });

  it('the docs check reports the page when it is stale or missing, and a sync fixes it', () => {
    const root = mkdtempSync(join(TEST_ROOT, 'docs-'));
    try {
      cpSync(join(ROOT, 'docs'), join(root, 'docs'), { recursive: true });
      cpSync(join(ROOT, 'schemas'), join(root, 'schemas'), { recursive: true });
      // The command manifest is generated with the docs too.
      cpSync(join(ROOT, MANIFEST_FILE), join(root, MANIFEST_FILE), { recursive: true });
      expect(syncDocs(root, true)).toEqual([]);
      writeFileSync(join(root, 'docs/berth-yml.md'), berthYmlDoc().replace('| `build.hostTrust` | boolean | `true` |', '| `build.hostTrust` | boolean | `false` |'));
      expect(syncDocs(root, true)).toEqual(['docs/berth-yml.md']);
      rmSync(join(root, 'docs/berth-yml.md'));
      expect(syncDocs(root, true)).toEqual(['docs/berth-yml.md']);
      expect(syncDocs(root, false)).toEqual([]);
      expect(syncDocs(root, true)).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
