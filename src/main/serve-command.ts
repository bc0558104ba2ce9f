import { emit, errorResult } from '../surfaces/cli/program.js';
import { startControlPlane } from './control-plane.js';
import { serveSettings } from './settings.js';

/** `berth serve` in the foreground: runs until SIGINT/SIGTERM; returns the exit status. */
export async function runServe(flags: { listen?: string; port?: string; json?: boolean }): Promise<number> {
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
  return 0;
}
