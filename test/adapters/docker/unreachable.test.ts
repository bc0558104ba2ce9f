import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DockerEngine } from '../../../src/adapters/docker/docker-engine.js';
import { BerthError } from '../../../src/core/errors/berth-error.js';
import { closedPort } from '../../support/docker.js';

async function codeOf(p: () => Promise<unknown>): Promise<{ code: string; operation: unknown; reason: unknown }> {
  const err = await p().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BerthError);
  const e = err as BerthError;
  return { code: e.code, operation: e.details.operation, reason: e.details.reason };
}

describe('an unreachable engine is docker_error everywhere', () => {
  it('DOCKER_HOST on a closed TCP port', async () => {
    const engine = new DockerEngine({ dockerHost: `tcp://127.0.0.1:${await closedPort()}`, local: true, pullBaseDelayMs: 1 });
    const attempts: number[] = [];
    const calls: [string, () => Promise<unknown>][] = [
      ['ping', () => engine.ping()],
      ['ensureNetwork', () => engine.ensureNetwork('n', {})],
      ['build', () => engine.build({ contextDir: tmpdir(), dockerfile: { text: 'FROM scratch\n' }, tag: 'x:1', labels: {} })],
      ['pull', () => engine.pull({ image: 'x:1', onAttempt: (a) => attempts.push(a) })],
      ['imageId', () => engine.imageId('x:1')],
      ['tagImage', () => engine.tagImage('x:1', 'y:1')],
      ['run', () => engine.run({ name: 'x', image: 'x:1', labels: {}, network: 'n' })],
      ['inspect', () => engine.inspect('x')],
      ['logsTail', () => engine.logsTail('x', 5)],
      ['followLogs', async () => engine.followLogs('x', new AbortController().signal)],
      ['stop', () => engine.stop('x', 1)],
      ['remove', () => engine.remove('x')],
      ['listContainers', () => engine.listContainers({ a: 'b' })],
      ['listeningPorts', () => engine.listeningPorts('x')],
      ['diskUsage', () => engine.diskUsage()],
      ['removeImage', () => engine.removeImage('x:1')],
    ];
    for (const [operation, call] of calls) {
      expect(await codeOf(call), operation).toMatchObject({ code: 'docker_error', operation, reason: 'ECONNREFUSED' });
    }
    expect(attempts).toEqual([]); // a stopped engine is not retried as a registry problem
  });

  it('a unix socket that does not exist', async () => {
    const engine = new DockerEngine({ dockerHost: 'unix:///nonexistent/docker.sock' });
    expect(await codeOf(() => engine.listContainers({}))).toMatchObject({ code: 'docker_error', operation: 'listContainers', reason: 'ENOENT' });
  });
});
