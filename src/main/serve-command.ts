import { setFlagsFromString } from 'node:v8';
import { beginEmbeddedStart } from '../adapters/store/embedded-start.js';
import { emit, errorResult } from '../surfaces/cli/output.js';
import { removeStartProgress, writeStartProgress, type StartStage } from '../surfaces/client/start-progress.js';
import type { ControlPlane } from './control-plane.js';
import { rotateServeLog, serveLogSettings } from './serve-log.js';
import { serveSettings, type ServeSettingFlags } from './settings.js';
import { serveTransport } from './serve-transport.js';

export interface ServeFlags extends ServeSettingFlags {
  json?: boolean;
  /** Also stop this home's edge proxy pair when the control plane stops. */
  stopProxy?: boolean;
}

/** The `serve` command's action: the control plane in the foreground, its exit status set. */
export async function serveCommand(flags: ServeFlags): Promise<void> {
  const code = await runServe(flags);
  if (code !== 0) process.exitCode = code;
}

/** `berth serve` in the foreground: runs until SIGINT/SIGTERM; returns the exit status. */
export async function runServe(flags: ServeFlags): Promise<number> {
  // A control plane is a long-lived, mostly idle process that must fit a 1 GB server: V8 then
  // keeps a smaller young generation and heap (measured: 25 MB less RSS, no slower API answers).
  setFlagsFromString('--optimize-for-size');
  const io = { out: (t: string) => process.stdout.write(t + '\n'), err: (t: string) => process.stderr.write(t + '\n'), exit: () => undefined };
  const settings = serveSettings(process.env, flags);
  const progress = (stage: StartStage) => writeStartProgress(settings.home, process.pid, stage);
  progress('starting');
  burnCpu(Number(process.env.BERTH_TEST_SLOW_START_MS ?? 0));
  let plane: ControlPlane;
  try {
    // The embedded store's first start (lock, template unpack, WASM compile) goes on while the
    // control plane's code loads; a refused transport is refused first and leaves nothing behind.
    serveTransport(settings);
    if (!settings.databaseUrl) beginEmbeddedStart(settings.home);
    const { startControlPlane } = await import('./control-plane.js');
    plane = await startControlPlane(settings, { progress, listening: () => removeStartProgress(settings.home, process.pid) });
  } catch (err) {
    return emit(io, flags.json === true, errorResult(err));
  } finally {
    removeStartProgress(settings.home, process.pid);
  }
  process.stderr.write(`berth control plane listening on ${plane.url} (store: ${plane.store.backend})\n`);
  if (plane.transport === 'insecure-http') process.stderr.write('warning: plain HTTP beyond loopback (--insecure-http): bearer tokens cross the network in clear\n');
  const stopRotating = rotateServeLog(serveLogSettings(process.env), (msg, err) => process.stderr.write(`${msg}: ${String(err)}\n`));
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  stopRotating();
  await plane.close();
  if (flags.stopProxy) {
    await plane.targets.local.proxy.stop();
    process.stderr.write('berth control plane stopped, and its edge proxy\n');
  } else {
    process.stderr.write('berth control plane stopped; the edge proxy keeps serving (berth proxy stop stops it)\n');
  }
  return 0;
}

/**
 * Test knob (BERTH_TEST_SLOW_START_MS): a slow machine, simulated by keeping the CPU busy before
 * the store opens, so a test can prove the CLI waits for a start that is slow but progressing.
 */
function burnCpu(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) Math.sqrt(Math.random());
}
