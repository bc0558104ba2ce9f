import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../support/paths.js';

// dockerode's BuildKit session (gRPC, protobuf) stays unloaded until a build asks for a session:
// a control plane talking to its engine never loads it. Checked in a fresh Node process on the
// built engine client, the way `berth serve` loads it.
const script = `
const { createRequire } = require('node:module');
const loaded = () => Object.keys(require.cache).some((k) => k.includes('/@grpc/'));
import(${JSON.stringify(`${ROOT}dist/adapters/docker/engine.js`)}).then(async ({ dockerClient }) => {
  const docker = dockerClient();
  await docker.ping();
  const before = loaded();
  const session = createRequire(require.resolve('dockerode'))('./session');
  // Calling it loads the real module (the call itself fails fast without an engine session).
  try { session(docker, undefined, () => undefined); } catch {}
  console.log(JSON.stringify({ before, after: loaded() }));
});
`;

describe('dockerode without its BuildKit session', () => {
  it('talks to the engine without loading gRPC, and loads it when a session is asked for', () => {
    const out = execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ before: false, after: true });
  });
});
