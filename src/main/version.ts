import { readFileSync } from 'node:fs';

/**
 * Berth's version, read from its package.json at run time so a release bumps it in one place.
 * The nearest package.json above this module: dist/main/ and the CLI bundle sit at different depths.
 */
function packageVersion(): string {
  for (let up = '../'; up.length <= 12; up += '../') {
    try {
      const pkg = JSON.parse(readFileSync(new URL(`${up}package.json`, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'berth' && pkg.version) return pkg.version;
    } catch {
      // no package.json at this level: look one higher
    }
  }
  return '0.0.0-unknown';
}

export const VERSION = packageVersion();
