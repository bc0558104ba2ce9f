// Benchmark: status reads through the API with 100,000 attempts of one resource stored (rows
// inserted directly, not deployed), next to the same reads with one attempt stored (the baseline,
// same run). Each read is called 200 times per run; p50 and p99 are the medians over >= 5 runs.
// The store is PGlite, or PostgreSQL when BERTH_BENCH_DATABASE_URL is set.
//
//   npm run bench -- status-reads                 (ATTEMPTS=100000 CALLS=200 RUNS=5)
//
// The default export returns the figures for a combined table: one row per read, with the
// baseline p99, the p99 at ATTEMPTS, their ratio and the goal.
import { request, Agent } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { figure, median, type Figure } from './support.js';
import { BENCH_PG_URL, dropDatabase, freshDatabase, servePlane, sqlRunner, type PlaneProcess } from './plane-process.js';

export const GOAL_P99_MS = 20;

export interface StatusReadRow {
  read: string;
  store: 'pglite' | 'postgres';
  attempts: number;
  baseline: { p50: number; p99: number };
  measured: { p50: number; p99: number };
  /** measured p99 / baseline p99 */
  ratio: number;
  goalP99Ms: number;
  met: boolean;
}

interface Options {
  databaseUrl?: string;
  attempts?: number;
  calls?: number;
  runs?: number;
}

const T0 = '2025-01-01T00:00:00.000Z';

/** `n` more attempts of the resource, copied from its template attempt: mostly succeeded and retired, some failed; the newest serves. */
function seedSql(templateId: string, from: number, n: number): string {
  return `INSERT INTO deployments (id, resource_id, project_id, environment_id, server_id, trigger, status, current_phase, preview_type, preview_id, snapshot, source_summary, plan, artifact, runtime, access_url, error, recovery_hint, heartbeat_at, owner, events_pruned_through, created_at, started_at, finished_at, archived_at, source_deployment_id)
    SELECT 'dep_bench' || lpad(g::text, 8, '0'), t.resource_id, t.project_id, t.environment_id, t.server_id, 'deploy',
      CASE WHEN g % 10 = 3 THEN 'failed' ELSE 'succeeded' END,
      CASE WHEN g % 10 = 3 THEN t.current_phase ELSE 'verify' END,
      NULL, NULL, t.snapshot, t.source_summary, t.plan,
      CASE WHEN g % 10 = 3 THEN NULL ELSE jsonb_build_object('kind', 'image', 'services', jsonb_build_array(jsonb_build_object('name', 'web', 'image', 'berth/bench:' || g, 'imageId', 'sha256:' || md5(g::text) || md5((g + 1)::text)))) END,
      CASE WHEN g % 10 = 3 THEN NULL ELSE jsonb_build_object('network', 'berth-bench', 'containers', jsonb_build_array(jsonb_build_object('id', md5(g::text) || md5((g + 2)::text), 'name', 'berth-bench-' || g, 'service', 'web', 'ip', '172.30.0.2')), 'routedUpstream', '172.30.0.2:3000')
        || CASE WHEN g = ${from + n - 1} THEN '{}'::jsonb ELSE jsonb_build_object('retiredAt', to_char(timestamptz '${T0}' + (g + 1) * interval '1 s', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) END END,
      CASE WHEN g % 10 = 3 THEN NULL ELSE 'http://bench-app.localhost:1/' END,
      CASE WHEN g % 10 = 3 THEN t.error ELSE NULL END,
      NULL, NULL, NULL, 0,
      timestamptz '${T0}' + g * interval '1 s', timestamptz '${T0}' + g * interval '1 s', timestamptz '${T0}' + g * interval '1 s' + interval '900 ms', NULL, NULL
    FROM deployments t, generate_series(${from}, ${from + n - 1}) g WHERE t.id = '${templateId}'`;
}

function call(plane: PlaneProcess, agent: Agent, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = request(new URL(path, plane.url), { agent, headers: { authorization: `Bearer ${plane.token}`, accept: 'application/json' } }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => (res.statusCode === 200 ? resolve(Number(process.hrtime.bigint() - t0) / 1e6) : reject(new Error(`${path}: HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

type Reads = Record<string, () => string>;

/** p50 and p99 of each read: `calls` calls per run, the median of each over `runs` runs. */
async function timeReads(plane: PlaneProcess, reads: Reads, calls: number, runs: number): Promise<Record<string, { p50: number; p99: number }>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const out: Record<string, { p50: number; p99: number }> = {};
  for (const [name, path] of Object.entries(reads)) {
    for (let i = 0; i < 10; i++) await call(plane, agent, path()); // warm the route and the plan cache
    const p50s: number[] = [];
    const p99s: number[] = [];
    for (let r = 0; r < runs; r++) {
      const ms: number[] = [];
      for (let i = 0; i < calls; i++) ms.push(await call(plane, agent, path()));
      p50s.push(percentile(ms, 50));
      p99s.push(percentile(ms, 99));
    }
    out[name] = { p50: median(p50s), p99: median(p99s) };
  }
  agent.destroy();
  return out;
}

export default async function statusReads(opts: Options = {}): Promise<StatusReadRow[]> {
  const attempts = opts.attempts ?? 100_000;
  const calls = opts.calls ?? 200;
  const runs = opts.runs ?? 5;
  const home = mkdtempSync(join(tmpdir(), 'berth-bench-status-'));
  const databaseUrl = opts.databaseUrl;
  try {
    // One real (failing) attempt makes the project, environment, resource and server rows.
    let plane = await servePlane(home, databaseUrl);
    const created = await new Promise<{ id: string; resourceId: string }>((resolve, reject) => {
      const body = JSON.stringify({ name: 'bench-app', source: { kind: 'folder', location: '/nonexistent/berth/bench-app' } });
      const req = request(new URL('/api/deployments', plane.url), { method: 'POST', headers: { authorization: `Bearer ${plane.token}`, 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text) as { id: string; resourceId: string }) : reject(new Error(`deploy: HTTP ${res.statusCode} ${text}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
    for (let i = 0; i < 600; i++) {
      const r = await fetch(new URL(`/api/deployments/${created.id}`, plane.url), { headers: { authorization: `Bearer ${plane.token}` } });
      if (((await r.json()) as { status: string }).status === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await plane.stop();

    const { resourceId } = created;
    const reads = (ids: () => string): Reads => ({
      'deployment show': () => `/api/deployments/${ids()}`,
      'resource show': () => `/api/resources/${resourceId}`,
      'deployment list --resource': () => `/api/deployments?resourceId=${resourceId}&limit=50`,
      'deployment list': () => '/api/deployments?limit=50',
    });

    const seed = async (from: number, n: number) => {
      const db = await sqlRunner(home, databaseUrl);
      await db.exec(seedSql(created.id, from, n));
      await db.exec('ANALYZE deployments');
      await db.close();
    };
    // Baseline: the resource with its one live attempt (and the failed one that created it).
    await seed(1, 1);
    plane = await servePlane(home, databaseUrl);
    const baseline = await timeReads(plane, reads(() => 'dep_bench00000001'), calls, runs);
    await plane.stop();

    // The same resource with `attempts` attempts; the newest one serves.
    const db = await sqlRunner(home, databaseUrl);
    await db.exec(`UPDATE deployments SET runtime = runtime || jsonb_build_object('retiredAt', '${T0}') WHERE id = 'dep_bench00000001'`);
    await db.close();
    await seed(2, attempts - 1);
    plane = await servePlane(home, databaseUrl);
    const pick = () => `dep_bench${String(1 + Math.floor(Math.random() * attempts)).padStart(8, '0')}`;
    const measured = await timeReads(plane, reads(pick), calls, runs);
    await plane.stop();

    const store = databaseUrl ? 'postgres' : 'pglite';
    return Object.keys(measured).map((read) => ({
      read,
      store,
      attempts,
      baseline: baseline[read]!,
      measured: measured[read]!,
      ratio: measured[read]!.p99 / baseline[read]!.p99,
      goalP99Ms: GOAL_P99_MS,
      met: measured[read]!.p99 <= GOAL_P99_MS,
    }));
  } finally {
    rmSync(home, { recursive: true, force: true });
    if (databaseUrl) await dropDatabase(databaseUrl).catch(() => undefined);
  }
}

/** The table's rows: each read's p99 on PGlite, and on PostgreSQL when BERTH_BENCH_DATABASE_URL is set. */
export async function measure(): Promise<Figure[]> {
  const num = (v: string | undefined) => (v ? Number(v) : undefined);
  const opts = { attempts: num(process.env.ATTEMPTS), calls: num(process.env.CALLS), runs: num(process.env.RUNS) };
  const rows = [...(await statusReads(opts)), ...(BENCH_PG_URL ? await statusReads({ ...opts, databaseUrl: await freshDatabase() }) : [])];
  return rows.map((r) =>
    figure({
      name: `${r.read} p99, ${r.attempts.toLocaleString('en-US')} attempts (${r.store})`,
      value: r.measured.p99,
      unit: 'ms',
      runs: opts.runs ?? 5,
      baseline: { name: 'the same read with 1 attempt', value: r.baseline.p99 },
      goal: { atMost: r.goalP99Ms },
    }),
  );
}
