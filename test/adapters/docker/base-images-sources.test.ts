import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hostDebianSources } from '../../../src/adapters/docker/debian-rootfs.js';

// mmdebstrap gets the host's apt sources for bookworm only: a third-party repository with its own
// nodejs (or another suite) must never reach a base image.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function aptDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-apt-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'sources.list.d'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const stanzas = (text: string) =>
  text
    .trim()
    .split(/\n\n/)
    .map((s) => Object.fromEntries(s.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()])));

describe('the host apt sources mmdebstrap uses', () => {
  it('keeps bookworm, -updates and -security from both formats, and drops other repositories and suites', () => {
    const dir = aptDir({
      'sources.list': ['# a comment', 'deb [signed-by=/nonexistent/key.gpg] http://mirror.example/debian bookworm main contrib', 'deb-src http://mirror.example/debian bookworm main', 'deb https://apt.example/node nodistro main', 'deb http://mirror.example/debian trixie main', ''].join('\n'),
      'sources.list.d/debian.sources': ['Types: deb', 'URIs: http://deb.example/debian-security', 'Suites: bookworm-security bookworm-backports', 'Components: main', '', 'Types: deb', 'URIs: http://deb.example/off', 'Suites: bookworm', 'Components: main', 'Enabled: no', ''].join('\n'),
      'sources.list.d/nodesource.sources': ['Types: deb', 'URIs: https://deb.example/node_20.x', 'Suites: nodistro', 'Components: main', ''].join('\n'),
      'sources.list.d/cloud.list': 'deb https://packages.example/apt cloud-sdk-bookworm main\n',
      'sources.list.d/old.list.disabled': 'deb http://old.example/debian bookworm main\n',
    });
    expect(stanzas(hostDebianSources(dir))).toEqual([
      // A Signed-By file the host does not have is left out (apt then uses its default keyrings).
      { Types: 'deb', URIs: 'http://mirror.example/debian', Suites: 'bookworm', Components: 'main contrib' },
      { Types: 'deb', URIs: 'http://deb.example/debian-security', Suites: 'bookworm-security', Components: 'main' },
    ]);
  });

  it("falls back to Debian's own mirrors when the host has no bookworm source", () => {
    const out = stanzas(hostDebianSources(aptDir({ 'sources.list': 'deb http://mirror.example/debian trixie main\n' })));
    expect(out.map((s) => s.Suites)).toEqual(['bookworm bookworm-updates', 'bookworm-security']);
  });
});
