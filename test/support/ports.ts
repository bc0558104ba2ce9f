import { createServer } from 'node:net';

// Ports for the listeners tests start (edge proxies, control planes). The kernel hands out
// ephemeral ports (32768-60999 here) to every outgoing connection and to Docker's published
// ports, so a port that `listen(0)` found free can be taken before the test binds it. Tests draw
// from below that range instead, each worker from its own slice, so the only contention left is
// with fixed listeners on the host, which the bind check skips.
const LOW = 20_000;
const SLICE = 1_500;
const SLICES = 8;

const worker = (Number(process.env.VITEST_POOL_ID ?? 1) - 1) % SLICES;
let cursor = Math.floor(Math.random() * SLICE);

/** A TCP port free on every address right now, outside the kernel's ephemeral range. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < SLICE; tries++) {
    const port = LOW + worker * SLICE + (cursor++ % SLICE);
    if (await bindable(port)) return port;
  }
  throw new Error(`no free test port in worker slice ${worker}`);
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    // `::` is dual-stack: it conflicts with a listener on any IPv4 or IPv6 address.
    s.listen({ port, host: '::', exclusive: true }, () => s.close(() => resolve(true)));
  });
}
