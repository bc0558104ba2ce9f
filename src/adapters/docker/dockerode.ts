import { createRequire } from 'node:module';
import type DockerodeClass from 'dockerode';

// dockerode loads its BuildKit session support (gRPC and protobuf: about 20 MB resident, measured)
// as it loads, although only a `version: "2"` build uses it and Berth never asks for one. Its
// module is held back here until something calls it, so an idle control plane never pays for it.
const require = createRequire(import.meta.url);
const sessionPath = require.resolve('dockerode/lib/session.js');
if (!require.cache[sessionPath]) {
  const deferred = (...args: unknown[]): unknown => {
    delete require.cache[sessionPath];
    return (require(sessionPath) as (...a: unknown[]) => unknown)(...args);
  };
  require.cache[sessionPath] = { id: sessionPath, filename: sessionPath, loaded: true, exports: deferred, children: [], paths: [] } as unknown as NodeJS.Module;
}

/** dockerode's client class, loaded after its session module was deferred (types: `import type Docker from 'dockerode'`). */
export const Dockerode = require('dockerode') as typeof DockerodeClass;
