import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/paths.js';

// Each rule has one home (docs/architecture.md, "Where each rule lives"). A second copy of one of
// these rules in src/ fails here, naming the file.
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
const SRC = files(join(ROOT, 'src')).map((f) => ({ path: relative(ROOT, f), text: readFileSync(f, 'utf8') }));

/** Files of src/ where the pattern appears (comments count too: keep patterns code-shaped). */
const where = (pattern: RegExp) => SRC.filter((f) => pattern.test(f.text)).map((f) => f.path).sort();

describe('one home per rule', () => {
  it('which attempt is serving: core/deployments/serving.ts decides, engine/deployments/serving.ts queries', () => {
    expect(where(/runtime!?\.retiredAt\)|!\w+\.runtime\.retiredAt|!d\.runtime!\.retiredAt/)).toEqual(['src/core/deployments/serving.ts']);
    expect(where(/(const|function) (isServing|servingAmong|hasLiveRuntime)\b/)).toEqual(['src/core/deployments/serving.ts']);
  });

  it('container teardown: only engine/deployments/teardown.ts takes an attempt\'s containers down', () => {
    // Besides it: execute removes the one container it started after an abort (before any runtime
    // record exists), and the runtime prune removes reclaimable objects one by one.
    expect(where(/engine\.remove\(/)).toEqual(['src/engine/deployments/execute.ts', 'src/engine/deployments/teardown.ts', 'src/operations/servers/prune-runtime.ts']);
    expect(where(/engine\.stop\(/)).toEqual(['src/engine/deployments/teardown.ts']);
    expect(where(/\.removeNetwork\(/).filter((p) => !p.startsWith('src/adapters/'))).toEqual(['src/engine/deployments/teardown.ts', 'src/operations/servers/prune-runtime.ts']);
  });

  it('sleep: core/time/delay.ts is the only pause', () => {
    // Timers that are not pauses: a step's deadline, the log stream's wait for a line or a
    // heartbeat (whichever comes first), shutdown's bound on the runner, and the provider log's
    // batch (a line waits at most that long to be written).
    expect(where(/setTimeout\(/)).toEqual(['src/core/time/delay.ts', 'src/engine/deployments/deadline.ts', 'src/engine/deployments/provider-job-log.ts', 'src/main/control-plane.ts', 'src/operations/resources/log-stream.ts']);
    expect(where(/(const|function) (sleep|delay)\b/)).toEqual(['src/core/time/delay.ts']);
  });

  it('pid-file locks: platform/pid-lock.ts is the only O_EXCL lock', () => {
    expect(where(/openSync\([^)]*'wx'/)).toEqual(['src/platform/pid-lock.ts']);
  });

  it('record-id input schema: operations/id-input.ts', () => {
    expect(where(/\b(id|resourceId|serverId|environmentId|projectId|eventId|holdId|candidate): z\.string\(\)\.min\(1\)/)).toEqual([]);
  });

  it('detect and plan: engine/deployments/detect-plan.ts is the only caller of the reader and the planner', () => {
    expect(where(/\.materialize\(/).filter((p) => !p.startsWith('src/adapters/'))).toEqual(['src/engine/deployments/detect-plan.ts']);
    expect(where(/planner\.plan\(/)).toEqual(['src/engine/deployments/detect-plan.ts']);
  });

  it('control plane TLS: core/net/loopback.ts says what is loopback, platform/ca-bundle.ts reads PEM, nothing turns verification off', () => {
    expect(where(/function isLoopbackHost\b/)).toEqual(['src/core/net/loopback.ts']);
    expect(where(/isLoopbackHost\(/).filter((p) => p !== 'src/core/net/loopback.ts')).toEqual(['src/main/serve-transport.ts']);
    expect(where(/BEGIN CERTIFICATE/)).toEqual(['src/platform/ca-bundle.ts']);
    expect(where(/rejectUnauthorized|NODE_TLS_REJECT_UNAUTHORIZED/)).toEqual([]);
  });
});
