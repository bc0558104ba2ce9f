import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rotateBySize } from '../../src/platform/log-rotation.js';
import { processAlive, readControlPlaneState } from '../../src/surfaces/client/state-file.js';
import { runCli } from '../support/cli.js';
import { waitFor } from '../support/docker.js';
import { freshStore } from '../support/store.js';

// The log of the background control plane (`<BERTH_HOME>/serve.log`) is rotated by size and keeps
// N generations, while the process that writes it keeps running and writing.
describe('background control plane log rotation', () => {
  const started: number[] = [];
  afterAll(() => {
    for (const pid of started) if (processAlive(pid)) process.kill(pid, 'SIGTERM');
  });

  it('rotates by size, keeps N generations, and a writer in append mode carries on at the new end', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-rotate-'));
    const file = join(dir, 'serve.log');
    const fd = openSync(file, 'a');
    const policy = { maxBytes: 10, keep: 2 };
    expect(rotateBySize(file, policy)).toBe(false); // empty: nothing to do
    for (const generation of ['first-generation\n', 'second-generation\n', 'third-generation\n']) {
      writeSync(fd, generation);
      expect(rotateBySize(file, policy)).toBe(true);
    }
    expect(statSync(file).size).toBe(0);
    expect(readFileSync(`${file}.1`, 'utf8')).toBe('third-generation\n');
    expect(readFileSync(`${file}.2`, 'utf8')).toBe('second-generation\n');
    expect(existsSync(`${file}.3`)).toBe(false);

    // Under the size: untouched. The writer's next line starts the file again (no hole before it).
    writeSync(fd, 'after\n');
    expect(rotateBySize(file, policy)).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('after\n');
    closeSync(fd);
    expect(rotateBySize(join(dir, 'missing.log'), policy)).toBe(false);
  });

  it('the auto-started berth serve rotates its log at start and while it runs', async () => {
    const store = await freshStore();
    mkdirSync(store.home, { recursive: true });
    const log = join(store.home, 'serve.log');
    const seed = `${'seed line\n'.repeat(400)}`;
    writeFileSync(log, seed);
    writeFileSync(`${log}.1`, 'older\n');
    writeFileSync(`${log}.2`, 'oldest\n');
    const env = {
      ...process.env,
      BERTH_PROXY_BOOTSTRAP: 'false',
      BERTH_HOME: store.home,
      BERTH_DATABASE_URL: store.databaseUrl ?? '',
      BERTH_URL: '',
      BERTH_TOKEN: '',
      BERTH_SERVE_LOG_MAX_BYTES: '1024',
      BERTH_SERVE_LOG_KEEP: '2',
      BERTH_SERVE_LOG_CHECK_MS: '100',
    };
    const first = await runCli(['system', 'health', '--json'], env);
    expect(first.code).toBe(0);
    const pid = readControlPlaneState(store.home)!.pid;
    started.push(pid);

    // At start: the seeded log became .1 (with the start line after it), .1 became .2, .2 went.
    await waitFor('the start rotation', async () => readFileSync(`${log}.2`, 'utf8') === 'older\n');
    expect(readFileSync(`${log}.1`, 'utf8').startsWith(seed)).toBe(true);
    expect(existsSync(`${log}.3`)).toBe(false);

    // While it runs: the file outgrows the limit again and is rotated again by the same process.
    const fd = openSync(log, 'a');
    writeSync(fd, 'x'.repeat(2048) + '\n');
    closeSync(fd);
    await waitFor('the running rotation', async () => statSync(log).size < 1024 && readFileSync(`${log}.1`, 'utf8').includes('x'.repeat(2048)), 10_000);
    expect(readFileSync(`${log}.2`, 'utf8').startsWith(seed)).toBe(true);
    expect(processAlive(pid)).toBe(true);
    expect((await runCli(['system', 'health', '--json'], env)).json<{ pid: number }>().pid).toBe(pid);
  });
});
