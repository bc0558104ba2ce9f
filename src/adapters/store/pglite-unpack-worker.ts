import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { workerData } from 'node:worker_threads';
import { createGunzip } from 'node:zlib';
import { TarToDisk } from './pglite-template.js';

// The template's unpack, on its own thread (see pglite-template.ts): creating a thousand files is
// mostly the kernel's work, and it goes on while the main thread loads the control plane's code.

const { template, dest } = workerData as { template: string; dest: string };
const out = new TarToDisk(dest);
await pipeline(createReadStream(template), createGunzip(), async (inflated: AsyncIterable<Buffer>) => {
  for await (const chunk of inflated) out.write(chunk);
});
out.end();
