import { emit, errorResult } from '../surfaces/cli/program.js';
import { startControlPlane } from './control-plane.js';
import { serveSettings } from './settings.js';

export interface ServeFlags {
  listen?: string;
  port?: string;
  json?: boolean;
  /** Also stop this home's edge proxy pair when the control plane stops. */
  stopProxy?: boolean;
}

/** `berth serve` in the foreground: runs until SIGINT/SIGTERM; returns the exit status. */
export async function runServe(flags: ServeFlags): Promise<number> {
  const io = { out: (t: string) => process.stdout.write(t + '\n'), err: (t: string) => process.stderr.write(t + '\n'), exit: () => undefined };
  let plane;
  try {
    plane = await startControlPlane(serveSettings(process.env, flags));
  } catch (err) {
    return emit(io, flags.json === true, errorResult(err));
  }
  process.stderr.write(`berth control plane listening on ${plane.url} (store: ${plane.store.backend})\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await plane.close();
  if (flags.stopProxy) {
    await plane.targets.local.proxy.stop();
    process.stderr.write('berth control plane stopped, and its edge proxy\n');
  } else {
    process.stderr.write('berth control plane stopped; the edge proxy keeps serving (berth proxy stop stops it)\n');
  }
  return 0;
}
