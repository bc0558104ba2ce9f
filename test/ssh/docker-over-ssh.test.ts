import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BerthError } from '../../src/core/errors/berth-error.js';
import { createDockerEngine, type DockerEngine } from '../../src/adapters/docker/docker-engine.js';
import { Ssh2Connector } from '../../src/adapters/ssh/connector.js';
import { docker, TEST_LABEL, uid, waitFor } from '../support/docker.js';
import { TEST_ROOT } from '../support/paths.js';
import { nodeDocker, serverCtl, sshdServing, sshTarget, tcpConnectionsTo, testbedMissing, testServer } from '../support/testbed.js';

// The same DockerEngine, reached through a server's SSH connection (node 1 of the testbed): the
// node's socket is readable only by its user, so what lands there came through its sshd. Each
// object is looked for on the node's engine (as root, on its socket) and not on the local one.

const N = 1;
const BUSYBOX = '/bin/busybox';

describe.skipIf(testbedMissing)('Docker engine over SSH (real sshd and a separate dockerd)', () => {
  const server = testbedMissing ? undefined! : testServer(N);
  const connector = new Ssh2Connector();
  const run = uid();
  const labels = { [TEST_LABEL]: run };
  const tag = `berth-ssh-test/busybox:${run}`;
  let engine: DockerEngine;
  let contextDir: string;

  beforeAll(async () => {
    const session = await connector.session(sshTarget(server, { serverId: `srv_docker_${run}` }));
    engine = createDockerEngine({ ssh: { session, socketPath: server.dockerSocket } });
    mkdirSync(TEST_ROOT, { recursive: true });
    contextDir = mkdtempSync(join(TEST_ROOT, 'ssh-ctx-'));
    copyFileSync(BUSYBOX, join(contextDir, 'busybox'));
    writeFileSync(join(contextDir, 'hello.txt'), 'hello from the context\n');
  });

  afterAll(async () => {
    serverCtl('start-sshd', N);
    serverCtl('start-dockerd', N);
    const d = nodeDocker(server);
    for (const c of await d.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${run}`] } })) await d.getContainer(c.Id).remove({ force: true });
    for (const img of await d.listImages({ filters: { label: [`${TEST_LABEL}=${run}`] } })) await d.getImage(img.Id).remove({ force: true }).catch(() => undefined);
    await connector.closeAll();
    rmSync(contextDir, { recursive: true, force: true });
  });

  it("answers from the node's engine, not the local one", async () => {
    await engine.ping();
    const info = await engine.info();
    const local = await docker().info();
    expect(info.rootDir).toBe((await nodeDocker(server).info()).DockerRootDir);
    expect(info.rootDir).not.toBe(local.DockerRootDir);
  });

  it('builds FROM scratch with its context streamed through SSH', async () => {
    const logs: string[] = [];
    const built = await engine.build({
      contextDir,
      dockerfile: { text: 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\nCOPY hello.txt /hello.txt\nCMD ["/bin/sh"]\n' },
      tag,
      labels,
      onLog: (l) => logs.push(l),
    });
    expect((await nodeDocker(server).getImage(tag).inspect()).Id).toBe(built.imageId);
    await expect(docker().getImage(tag).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it("creates a container that is on the node's engine and not on the local one", async () => {
    const c = await engine.docker.createContainer({ name: `berth-ssh-test-${run}`, Image: tag, Cmd: ['true'], Labels: labels });
    expect((await nodeDocker(server).getContainer(c.id).inspect()).Name).toBe(`/berth-ssh-test-${run}`);
    await expect(docker().getContainer(c.id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await engine.listContainers(labels)).map((s) => s.id)).toContain(c.id);
  });

  it('runs a task with files and stdin through the hijacked attach stream, and commits it', async () => {
    const lines: string[] = [];
    // Like an install: the task reads the lines it expects (stdin is not closed after them).
    const result = await engine.runTask({
      name: `berth-ssh-task-${run}`,
      image: tag,
      command: ['/bin/sh', '-c', 'IFS= read -r a; IFS= read -r b; printf "%s\\n%s\\n" "$a" "$b" > stdin.txt; echo "got $(wc -c < stdin.txt) bytes"; cat stdin.txt; cat /app/input.txt; echo err >&2'],
      workingDir: '/app',
      files: [{ path: 'input.txt', content: Buffer.from('file content\n'), mode: 0o644 }],
      stdin: 'line one\nline two\n',
      labels,
      onLog: (l) => lines.push(l),
      commit: { tag: `berth-ssh-test/task:${run}`, labels, cmd: ['cat', '/app/stdin.txt'] },
    });
    expect(result.exitCode).toBe(0);
    expect(lines).toEqual(expect.arrayContaining(['got 18 bytes', 'line one', 'line two', 'file content', 'err']));
    const committed = await nodeDocker(server).getImage(`berth-ssh-test/task:${run}`).inspect();
    expect(committed.Id).toBe(result.imageId);
    await expect(docker().getImage(`berth-ssh-test/task:${run}`).inspect()).rejects.toMatchObject({ statusCode: 404 });
    // The task container is removed afterwards, on the node.
    expect((await nodeDocker(server).listContainers({ all: true, filters: { name: [`berth-ssh-task-${run}`] } })).length).toBe(0);
  });

  it('carried all of it on one SSH connection, and the engine carries on over a new one when it drops', async () => {
    const mine = () => tcpConnectionsTo(server.host, server.port).filter((c) => c.pid === process.pid);
    const [conn, ...others] = mine();
    expect(others).toEqual([]);
    process.kill(sshdServing(server.host, server.port, conn!.localPort)!, 'SIGTERM');
    await waitFor('the connection to close', async () => !mine().some((c) => c.localPort === conn!.localPort));
    expect((await engine.info()).rootDir).toBe((await nodeDocker(server).info()).DockerRootDir);
    expect((await engine.listContainers(labels)).length).toBeGreaterThan(0);
    const now = mine();
    expect(now).toHaveLength(1);
    expect(now[0]!.localPort).not.toBe(conn!.localPort);
  });

  it("a stopped engine on the server is docker_error; a stopped sshd is ssh_unreachable; both come back", async () => {
    serverCtl('stop-dockerd', N);
    try {
      const e = await engine.ping().then(() => undefined, (err: unknown) => err);
      expect(e).toBeInstanceOf(BerthError);
      expect((e as BerthError).code).toBe('docker_error');
    } finally {
      serverCtl('start-dockerd', N);
    }
    await engine.ping();

    serverCtl('stop-sshd', N);
    try {
      const e = await engine.ping().then(() => undefined, (err: unknown) => err);
      expect(e).toBeInstanceOf(BerthError);
      expect((e as BerthError).code).toBe('ssh_unreachable');
      expect((e as BerthError).details).toEqual({ host: server.host, port: server.port, reason: 'refused' });
    } finally {
      serverCtl('start-sshd', N);
    }
    expect((await engine.info()).rootDir).toBe((await nodeDocker(server).info()).DockerRootDir);
  });
});
