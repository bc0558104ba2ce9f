import { readdirSync, readFileSync } from 'node:fs';
import { TEST_ROOT } from './paths.js';

// Tests never leave a proxy behind: Berth's Caddy processes are detached (they outlive the
// control plane on purpose), so a test that forgets to stop one leaves it serving for good, on
// a port another run may be given. Run as a vitest globalSetup: at the end of the run, any
// Caddy started during it whose config lives under this checkout's test root is a leak. Leaks
// are stopped, by pid, and fail the run, naming their homes.

export interface LeakedProxy {
  pid: number;
  config: string;
}

/** Live Caddy processes whose `--config` is under `root`. */
export function proxiesUnder(root: string): LeakedProxy[] {
  const found: LeakedProxy[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // exited meanwhile
    }
    const config = argv[argv.indexOf('--config') + 1];
    if (!/caddy$/.test(argv[0] ?? '') || argv.indexOf('--config') < 0 || !config?.startsWith(`${root}/`)) continue;
    found.push({ pid: Number(entry), config });
  }
  return found;
}

// Caddy processes that ran before this run started are not its leaks (another run's, or an
// interrupted one's): they are left alone.
let before = new Set<number>();

export function setup(): void {
  before = new Set(proxiesUnder(TEST_ROOT).map((p) => p.pid));
}

export function teardown(): void {
  const leaks = proxiesUnder(TEST_ROOT).filter((p) => !before.has(p.pid));
  for (const leak of leaks) kill(leak.pid);
  if (leaks.length > 0) {
    process.exitCode = 1; // vitest reports a teardown error but would still exit 0
    throw new Error(`tests left ${leaks.length} Caddy process(es) running (now stopped): ${leaks.map((l) => `pid ${l.pid} ${l.config}`).join(', ')}`);
  }
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
