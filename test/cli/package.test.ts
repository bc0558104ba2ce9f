import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { ROOT } from '../support/paths.js';

// The package is publishable: not private, a files list, built on prepack, and `npm pack`
// (scripts/pack-check.mjs, over `npm pack --dry-run`) holds the bundle, the control plane and
// its migrations. The version the CLI prints is package.json's.

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { private?: boolean; files?: string[]; version: string; scripts: Record<string, string>; bin: Record<string, string> };

describe('package', () => {
  it('is publishable and builds before it is packed', () => {
    expect(pkg.private).toBeUndefined();
    expect(pkg.files).toEqual(expect.arrayContaining(['bin/', 'dist/']));
    expect(pkg.scripts.prepack).toBe('npm run build');
    expect(pkg.scripts.build).toContain('scripts/bundle-cli.mjs');
    expect(pkg.bin.berth).toBe('bin/berth.js');
  });

  it('npm pack holds the CLI bundle, the control plane, its migrations and the console, and no sources', () => {
    const out = execFileSync(process.execPath, ['scripts/pack-check.mjs'], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toContain(`berth@${pkg.version}`);
  }, 120_000);

  it('berth --version prints the package version', async () => {
    const res = await runCli(['--version'], process.env);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe(pkg.version);
  });
});
