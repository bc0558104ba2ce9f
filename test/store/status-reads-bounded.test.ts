import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Logger } from 'drizzle-orm';
import type { Db } from '../../src/adapters/store/db.js';
import { migrate } from '../../src/adapters/store/migrate.js';
import { deploymentsRepo } from '../../src/adapters/store/repos/deployments.js';
import { servingDeployment } from '../../src/engine/deployments/serving.js';
import { freshStore, testStoreKind } from '../support/store.js';

// Status reads must not grow with a resource's history. A resource gets thousands of attempts;
// every query the status reads make is captured as it runs and explained with ANALYZE on the same
// store. Each must walk its own index (0009_status_indexes.sql) and read a bounded number of
// attempt rows, whatever the history holds.

const HISTORY = 4000;
const RESOURCE = 'res_bounded';
const OTHER = 1000;

type Query = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;
interface Captured {
  sql: string;
  params: unknown[];
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

let query: Query;
let db: Db;
let close: () => Promise<void>;
const captured: Captured[] = [];
const logger: Logger = { logQuery: (sql, params) => void captured.push({ sql, params }) };

async function open(): Promise<void> {
  const settings = await freshStore();
  if (testStoreKind() === 'postgres') {
    const pool = new pg.Pool({ connectionString: settings.databaseUrl, max: 2 });
    const { drizzle } = await import('drizzle-orm/node-postgres');
    query = async (text, params) => (await pool.query(text, params)).rows as Record<string, unknown>[];
    db = drizzle(pool, { logger }) as unknown as Db;
    close = () => pool.end();
  } else {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const client = await PGlite.create(`${settings.home}/pgdata`);
    query = async (text, params) => (await client.query<Record<string, unknown>>(text, params)).rows;
    db = drizzle(client, { logger }) as unknown as Db;
    close = () => client.close();
  }
  await migrate({ exec: async (s) => void (await query(s)), query: async <T>(s: string) => (await query(s)) as T[] });
}

/** The resource's history: mostly succeeded and retired, every tenth failed; the newest live one serves, an older one still drains. */
async function seed(): Promise<void> {
  const t0 = "timestamptz '2025-01-01T00:00:00Z'";
  await query(`INSERT INTO projects (id, name, created_at) VALUES ('prj_bounded', 'bounded', now())`);
  await query(`INSERT INTO environments (id, project_id, name, created_at) VALUES ('env_bounded', 'prj_bounded', 'production', now())`);
  await query(`INSERT INTO servers (id, name, kind, created_at) VALUES ('srv_bounded', 'bounded-local', 'local', now())`);
  await query(`INSERT INTO resources (id, project_id, environment_id, name, source, runtime, network, health, access, created_at, updated_at)
    VALUES ('${RESOURCE}', 'prj_bounded', 'env_bounded', 'bounded', NULL, '{}', '{}', '{}', '{}', now(), now())`);
  await query(`INSERT INTO deployments (id, resource_id, project_id, environment_id, server_id, trigger, status, current_phase, snapshot, runtime, created_at, events_pruned_through)
    SELECT 'dep_b' || lpad(g::text, 6, '0'), '${RESOURCE}', 'prj_bounded', 'env_bounded', 'srv_bounded', 'deploy',
      CASE WHEN g % 10 = 3 THEN 'failed' ELSE 'succeeded' END, 'verify', '{"source":{"kind":"image","location":"nginx"}}',
      CASE WHEN g % 10 = 3 THEN NULL
           WHEN g IN (${HISTORY}, ${HISTORY - 1}) THEN '{"network":"n","containers":[]}'::jsonb
           ELSE '{"network":"n","containers":[],"retiredAt":"2025-01-02T00:00:00.000Z"}'::jsonb END,
      ${t0} + g * interval '1 s', 0
    FROM generate_series(1, ${HISTORY}) g`);
  // Another resource deployed more recently: a walk of every attempt, newest first, would read its rows first.
  await query(`INSERT INTO resources (id, project_id, environment_id, name, source, runtime, network, health, access, created_at, updated_at)
    VALUES ('res_other', 'prj_bounded', 'env_bounded', 'other', NULL, '{}', '{}', '{}', '{}', now(), now())`);
  await query(`INSERT INTO deployments (id, resource_id, project_id, environment_id, server_id, trigger, status, current_phase, snapshot, created_at, events_pruned_through)
    SELECT 'dep_o' || lpad(g::text, 6, '0'), 'res_other', 'prj_bounded', 'env_bounded', 'srv_bounded', 'deploy', 'failed', 'plan',
      '{"source":{"kind":"image","location":"nginx"}}', ${t0} + (${HISTORY} + g) * interval '1 s', 0
    FROM generate_series(1, ${OTHER}) g`);
  await query('ANALYZE deployments');
}

const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

/** Runs fn, then explains (with ANALYZE) every query it made: the index each used and the attempt rows each read. */
async function explained<T>(fn: () => Promise<T>): Promise<{ result: T; plans: { indexes: string[]; rowsRead: number; seqScan: boolean }[] }> {
  captured.length = 0;
  const result = await fn();
  const runs = captured.splice(0);
  const plans = [];
  for (const q of runs) {
    const [row] = await query(`EXPLAIN (ANALYZE, FORMAT JSON) ${q.sql}`, q.params);
    const raw = row!['QUERY PLAN'];
    const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
    const onDeployments = nodes(plan[0]!.Plan).filter((n) => n['Relation Name'] === 'deployments');
    plans.push({
      indexes: onDeployments.map((n) => n['Index Name'] ?? n['Node Type']),
      rowsRead: onDeployments.reduce((sum, n) => sum + (n['Actual Rows'] + (n['Rows Removed by Filter'] ?? 0)) * n['Actual Loops'], 0),
      seqScan: onDeployments.some((n) => n['Node Type'] === 'Seq Scan'),
    });
  }
  return { result, plans };
}

describe(`status reads stay bounded with ${HISTORY} attempts of one resource and ${OTHER} of another (${testStoreKind()})`, () => {
  beforeAll(async () => {
    await open();
    await seed();
  });
  afterAll(async () => close?.());

  it('deployment list, newest first: walks deployments_newest and reads one page', async () => {
    const { result, plans } = await explained(() => deploymentsRepo(db).list({ includeArchived: false, limit: 50 }));
    expect(result.map((d) => d.id)).toEqual(Array.from({ length: 50 }, (_, i) => `dep_o${String(OTHER - i).padStart(6, '0')}`));
    expect(plans).toEqual([{ indexes: ['deployments_newest'], rowsRead: 50, seqScan: false }]);
  });

  it('deployment list --resource: walks deployments_resource_unarchived and reads one page', async () => {
    const { result, plans } = await explained(() => deploymentsRepo(db).list({ resourceId: RESOURCE, includeArchived: false, limit: 50 }));
    expect(result).toHaveLength(50);
    expect(result[0]!.id).toBe(`dep_b${String(HISTORY).padStart(6, '0')}`);
    expect(plans).toEqual([{ indexes: ['deployments_resource_unarchived'], rowsRead: 50, seqScan: false }]);
  });

  it('resource show: the latest attempt is one index row, and the serving one comes from the live index (two rows)', async () => {
    const latest = await explained(() => deploymentsRepo(db).list({ resourceId: RESOURCE, preview: null, includeArchived: true, limit: 1 }));
    expect(latest.result.map((d) => d.id)).toEqual([`dep_b${String(HISTORY).padStart(6, '0')}`]);
    expect(latest.plans).toEqual([{ indexes: ['deployments_resource_newest'], rowsRead: 1, seqScan: false }]);

    const serving = await explained(() => servingDeployment({ deployments: deploymentsRepo(db) }, { resourceId: RESOURCE, preview: null }));
    expect(serving.result?.id).toBe(`dep_b${String(HISTORY).padStart(6, '0')}`);
    // Only the live attempts are read: the serving one and the one still draining.
    expect(serving.plans).toEqual([{ indexes: ['deployments_live'], rowsRead: 2, seqScan: false }]);
  });

  it('deployment show: one row by primary key', async () => {
    const { result, plans } = await explained(() => deploymentsRepo(db).get('dep_b000017'));
    expect(result?.status).toBe('succeeded');
    expect(plans).toEqual([{ indexes: ['deployments_pkey'], rowsRead: 1, seqScan: false }]);
  });
});
