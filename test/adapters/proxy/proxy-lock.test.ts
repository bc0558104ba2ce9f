import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withProxyLock } from '../../../src/adapters/proxy/proxy-lock.js';
import { acquireLock } from '../../../src/adapters/store/lockfile.js';
import { processAlive } from '../../../src/platform/process-alive.js';

// One pid-file lock for the state store and the edge proxy: a live holder's lock is never
// taken, however long it is held; a dead holder's lock is taken over.
describe('pid-file locks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-lock-'));
  const holder = spawn('sleep', ['60'], { stdio: 'ignore' });
  afterAll(async () => {
    if (holder.exitCode === null) holder.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('the proxy lock of a live holder is waited for, then refused with proxy_unavailable, never taken', async () => {
    const file = join(dir, 'proxy.lock');
    writeFileSync(file, String(holder.pid));
    let ran = false;
    const started = Date.now();
    await expect(withProxyLock(file, 300, async () => (ran = true))).rejects.toMatchObject({ code: 'proxy_unavailable', details: { reason: 'proxy-lock-held', holderPid: holder.pid } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(ran).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe(String(holder.pid));
  });

  it('the store lock of a live holder is refused with state_store_locked and left in place', () => {
    const file = join(dir, 'store.lock');
    writeFileSync(file, String(holder.pid));
    expect(() => acquireLock(file)).toThrow(expect.objectContaining({ code: 'state_store_locked', details: expect.objectContaining({ holderPid: holder.pid }) }));
    expect(readFileSync(file, 'utf8')).toBe(String(holder.pid));
  });

  it('a dead holder\'s lock is taken over by both, and released after use', async () => {
    holder.kill('SIGKILL');
    for (let i = 0; i < 100 && processAlive(holder.pid!); i++) await new Promise((r) => setTimeout(r, 20));
    const proxyFile = join(dir, 'proxy.lock');
    expect(await withProxyLock(proxyFile, 300, async () => readFileSync(proxyFile, 'utf8'))).toBe(String(process.pid));
    expect(() => readFileSync(proxyFile)).toThrow();
    const lock = acquireLock(join(dir, 'store.lock'));
    expect(readFileSync(join(dir, 'store.lock'), 'utf8')).toBe(String(process.pid));
    lock.release();
  });
});
