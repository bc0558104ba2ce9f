import { z } from 'zod';
import { recordId } from '../id-input.js';
import { BerthError, toBerthError } from '../../core/errors/berth-error.js';
import type { ErrorCode } from '../../core/errors/catalogue.js';
import type { Server } from '../../core/model/records.js';
import type { OperationContext } from '../../ports/context.js';
import type { ServerSession } from '../../ports/server-ssh.js';
import type { TargetRuntime } from '../../ports/deploy-runtime.js';
import { defineOperation } from '../operation.js';
import { queryInt } from '../query-params.js';
import { serverOf, targetOf } from '../lookup.js';

// `berth server test <id>`: connectivity checks of one target, each with a status and, when
// failing, a catalogued error (like `berth doctor` for this machine). Read-only: the proxy is
// asked, never started.

const check = z.object({
  name: z.enum(['engine', 'proxy-admin', 'proxy-edge', 'disk', 'tcp', 'host-key', 'auth', 'docker', 'state-root', 'proxy']),
  status: z.enum(['ok', 'failing', 'skipped']),
  detail: z.record(z.string(), z.unknown()),
  error: z.record(z.string(), z.unknown()).optional(),
});
type Check = z.infer<typeof check>;

/** The engine's own default: a build needs this much free space (DEFAULT_ENGINE_SETTINGS). */
const DEFAULT_MIN_FREE_BYTES = 1024 * 1024 * 1024;
const MIN_FREE_INODES = 10_000;

/** Runs one check; what it throws becomes a failing check with the thrown code (or `fallback`). */
async function run(name: Check['name'], fallback: ErrorCode, fn: () => Promise<Record<string, unknown>>): Promise<Check> {
  try {
    return { name, status: 'ok', detail: await fn() };
  } catch (err) {
    const e = err instanceof BerthError ? err : new BerthError(fallback, `${name} check failed.`, { reason: toBerthError(err, name).details.reason ?? 'unknown' });
    return { name, status: 'failing', detail: { ...e.details }, error: { ...e.toObject() } };
  }
}

/** The edge's answer at its address to a host no route has (any HTTP status means it serves). */
async function edgeStatus(ctx: OperationContext, host: string, port: number): Promise<number> {
  const answer = await ctx.deploy.prober.get(`http://${host}:${port}/`, { timeoutMs: 2_000, host: 'berth-server-test.invalid' });
  if (answer.kind !== 'response') throw new BerthError('proxy_unavailable', 'The edge proxy does not answer on its port.', { adminUrl: `http://${host}:${port}`, reason: answer.code });
  return answer.status;
}

async function checks(ctx: OperationContext, target: TargetRuntime, local: boolean, minFreeBytes: number): Promise<Check[]> {
  const engine = await run('engine', 'docker_error', async () => {
    await target.engine.ping();
    const info = await target.engine.info();
    return { version: info.version, apiVersion: info.apiVersion, os: info.os, arch: info.arch };
  });
  const admin = await run('proxy-admin', 'proxy_unavailable', async () => ({ routes: (await target.proxy.listRoutes()).length }));
  // The edge listens on this machine's port for a local target; a remote edge is the admin's host.
  const port = target.proxy.httpPort();
  const edge: Check = local
    ? await run('proxy-edge', 'proxy_unavailable', async () => {
        return { httpPort: port, status: await edgeStatus(ctx, target.edgeHost, port) };
      })
    : { name: 'proxy-edge', status: 'skipped', detail: { reason: 'remote target: checked through proxy-admin' } };
  const disk: Check =
    engine.status === 'failing'
      ? { name: 'disk', status: 'skipped', detail: { reason: 'engine unreachable' } }
      : await run('disk', 'docker_error', async () => {
          const d = await target.engine.diskUsage();
          const detail = { path: d.path, freeBytes: d.freeBytes, totalBytes: d.totalBytes, freeInodes: d.freeInodes, totalInodes: d.totalInodes ?? null, requiredBytes: minFreeBytes };
          if (d.freeBytes < minFreeBytes) throw new BerthError('disk_space_low', 'The target is below the free-space threshold for a build.', { ...detail, reason: 'bytes' });
          if (d.freeInodes !== null && d.freeInodes < MIN_FREE_INODES) throw new BerthError('disk_space_low', 'The target is nearly out of inodes.', { ...detail, reason: 'inodes' });
          return detail;
        });
  return [engine, admin, edge, disk];
}

type SshCheckName = 'tcp' | 'host-key' | 'auth' | 'docker' | 'state-root' | 'disk' | 'proxy';
const SSH_CHECKS: SshCheckName[] = ['tcp', 'host-key', 'auth', 'docker', 'state-root', 'disk', 'proxy'];
/** The check a connection error belongs to: the connector meets them in this order. */
const CONNECT_STAGE: Record<string, SshCheckName> = { ssh_unreachable: 'tcp', ssh_host_key_mismatch: 'host-key', ssh_auth_failed: 'auth' };

/** An SSH server's checks in order; after a failing one the rest are skipped (they depend on it). */
async function sshChecks(ctx: OperationContext, server: Server, minFreeBytes: number): Promise<{ checks: Check[]; hostKey?: { fingerprint: string; pinnedNow: boolean } }> {
  const out: Check[] = [];
  const skipRest = (from: SshCheckName, reason: string) => {
    for (const name of SSH_CHECKS.slice(SSH_CHECKS.indexOf(from))) out.push({ name, status: 'skipped', detail: { reason } } as Check);
  };
  let connected: ServerSession;
  try {
    connected = await ctx.ssh.connect(server);
  } catch (err) {
    const e = toBerthError(err, server.id);
    const stage = CONNECT_STAGE[e.code] ?? 'tcp';
    for (const name of SSH_CHECKS.slice(0, SSH_CHECKS.indexOf(stage))) out.push({ name, status: 'ok', detail: {} } as Check);
    out.push({ name: stage, status: 'failing', detail: { ...e.details }, error: { ...e.toObject() } } as Check);
    skipRest(SSH_CHECKS[SSH_CHECKS.indexOf(stage) + 1]!, `${stage} failed`);
    return { checks: out };
  }
  const hostKey = { fingerprint: connected.fingerprint, pinnedNow: connected.pinnedNow };
  out.push({ name: 'tcp', status: 'ok', detail: { host: server.host, port: server.port } });
  out.push({ name: 'host-key', status: 'ok', detail: { ...hostKey } });
  out.push({ name: 'auth', status: 'ok', detail: { user: server.user, auth: server.auth } });
  const steps: [SshCheckName, ErrorCode, () => Promise<Record<string, unknown>>][] = [
    ['docker', 'docker_error', async () => ({ socketPath: server.dockerSocket, ...(await ctx.ssh.engineVersion(connected.session, server.dockerSocket)) })],
    ['state-root', 'infra_error', async () => {
      await (await ctx.remoteState.forServer(server)).prepare();
      return { stateRoot: server.stateRoot };
    }],
    ['disk', 'disk_space_low', async () => {
      const d = await ctx.ssh.fsStats(connected.session, server.stateRoot);
      const detail = { ...d, requiredBytes: minFreeBytes };
      if (d.freeBytes < minFreeBytes) throw new BerthError('disk_space_low', 'The server is below the free-space threshold for a build.', { ...detail, reason: 'bytes' });
      if (d.freeInodes < MIN_FREE_INODES) throw new BerthError('disk_space_low', 'The server is nearly out of inodes.', { ...detail, reason: 'inodes' });
      return detail;
    }],
  ];
  for (const [name, fallback, fn] of steps) {
    const c = await run(name as Check['name'], fallback, fn);
    out.push(c);
    if (c.status === 'failing') {
      skipRest(SSH_CHECKS[SSH_CHECKS.indexOf(name) + 1]!, `${name} failed`);
      return { checks: out, hostKey };
    }
  }
  // Read-only like the rest: the switch's routes through its admin socket, and the edge answering
  // at the server's address, as clients reach it. Before the first deploy it is not running yet.
  const target = targetOf(ctx, server);
  if (target.proxy.installed && !(await target.proxy.installed())) {
    out.push({ name: 'proxy', status: 'skipped', detail: { reason: 'not-installed', httpPort: server.httpPort } });
    return { checks: out, hostKey };
  }
  out.push(
    await run('proxy', 'proxy_unavailable', async () => {
      const routes = (await target.proxy.listRoutes()).length;
      return { routes, httpPort: server.httpPort, status: await edgeStatus(ctx, target.edgeHost, server.httpPort) };
    }),
  );
  return { checks: out, hostKey };
}

export const serverTest = defineOperation({
  name: 'servers.test',
  kind: 'query',
  summary: 'Connectivity checks of a server: engine ping, proxy admin and edge answering, free disk space and inodes; each failing check carries a catalogued code.',
  input: z.strictObject({
    id: recordId,
    minFreeBytes: queryInt(0, Number.MAX_SAFE_INTEGER).optional().describe('free bytes the disk check requires (default 1 GiB, the build threshold)'),
  }),
  output: z.object({
    serverId: z.string(),
    ok: z.boolean(),
    checks: z.array(check),
    /** SSH servers: the key the server presented, and whether this test pinned it (trust on first use). */
    hostKey: z.object({ fingerprint: z.string(), pinnedNow: z.boolean() }).optional(),
  }),
  errors: ['server_not_found'],
  destructive: false,
  http: { method: 'GET', path: '/api/servers/{id}/test' },
  cli: { words: ['server', 'test'], positionals: ['id'] },
  handler: async ({ id, minFreeBytes }, ctx) => {
    const server = await serverOf(ctx, id);
    if (server.kind === 'ssh') {
      const r = await sshChecks(ctx, server, minFreeBytes ?? DEFAULT_MIN_FREE_BYTES);
      return { serverId: id, ok: r.checks.every((c) => c.status !== 'failing'), checks: r.checks, ...(r.hostKey ? { hostKey: r.hostKey } : {}) };
    }
    let target: TargetRuntime;
    try {
      target = targetOf(ctx, server);
    } catch (err) {
      const error = { ...toBerthError(err, id).toObject() };
      const failing = (name: Check['name']): Check => ({ name, status: 'failing', detail: {}, error });
      return { serverId: id, ok: false, checks: [failing('engine'), failing('proxy-admin'), failing('proxy-edge'), failing('disk')] };
    }
    const all = await checks(ctx, target, server.kind === 'local', minFreeBytes ?? DEFAULT_MIN_FREE_BYTES);
    return { serverId: id, ok: all.every((c) => c.status !== 'failing'), checks: all };
  },
});
