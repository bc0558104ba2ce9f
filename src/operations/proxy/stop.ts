import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { ensureLocalServer } from '../servers/servers.js';
import { targetOf } from '../lookup.js';

// The edge proxy outlives the control plane on purpose (a stopped or restarted `berth serve`
// keeps every site answering); this is how it is stopped. Routes stay in the proxy's routes
// file, so the next deploy or control plane start serves them again.

export const stopProxy = defineOperation({
  name: 'proxy.stop',
  kind: 'command',
  summary:
    "Stop this machine's edge proxy pair (the edge and switch Caddy processes of this Berth home): every access URL stops answering until the next deploy or `berth serve` starts it again. Routes are kept.",
  input: z.strictObject({}),
  output: z.object({
    serverId: z.string(),
    httpPort: z.number(),
    /** Pids of the Caddy processes that were stopped (null: that one was not running). */
    stopped: z.object({ edge: z.number().nullable(), switch: z.number().nullable() }),
  }),
  errors: ['docker_error'],
  destructive: false,
  http: { method: 'POST', path: '/api/proxy/stop' },
  cli: { words: ['proxy', 'stop'] },
  handler: async (_input, ctx) => {
    const server = await ctx.store.transaction((tx) => ensureLocalServer(tx, ctx.actor, ctx.now()));
    const proxy = targetOf(ctx, server).proxy;
    const stopped = await proxy.stop();
    const result = { serverId: server.id, httpPort: proxy.httpPort(), stopped: { edge: stopped.edge ?? null, switch: stopped.switch ?? null } };
    await ctx.store.audit.append({ type: 'proxy.stopped', aggregateType: 'server', aggregateId: server.id, actor: ctx.actor, payload: result });
    return result;
  },
});
