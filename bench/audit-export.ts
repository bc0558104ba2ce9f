// Benchmark: `audit-event export-global --follow` over 1,000,000 audit rows next to the same
// export of 10,000 rows: rows per second end to end (server-sent events read by a client) and
// the peak resident memory of the control plane (`berth serve` as its own process, RSS sampled
// from /proc every 20 ms during the export; VmHWM is printed too but includes startup).
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/adapters/store/open-store.js';
import { BENCH_PG_URL, dropDatabase, freshDatabase, memKb, servePlane, sqlRunner } from './plane-process.js';
import { figure, type Figure } from './support.js';

const SIZES = (process.env.SIZES ?? '10000,1000000').split(',').map(Number);
const FROM = '2026-01-01T00:00:00.000Z';
const TO = '2026-02-01T00:00:00.000Z';

/** Rows straight into the table with generate_series: one statement, no API calls. */
async function seed(home: string, n: number, databaseUrl?: string): Promise<void> {
  await (await openStore({ home, databaseUrl })).close(); // migrations
  const db = await sqlRunner(home, databaseUrl);
  await db.exec(`INSERT INTO audit_events (id, aggregate_type, aggregate_id, type, actor, created_at, payload, redacted_fields, prev_hash, hash)
    SELECT 'aud_bench' || g, 'resource', 'res_' || (g % 1000), 'resource.updated', 'system:bench',
           timestamptz '${FROM}' + g * interval '1 ms',
           jsonb_build_object('changed', jsonb_build_array('runtime'), 'runtime', jsonb_build_object('method', 'node', 'startCommand', 'node server.js'), 'apiToken', '[redacted]'),
           '["apiToken"]'::jsonb, repeat('0', 64), md5(g::text) || md5((g + 1)::text)
    FROM generate_series(1, ${n}) g`);
  await db.exec('ANALYZE audit_events');
  await db.close();
}

/** Reads the SSE stream to its end; returns the row count the closing envelope reports. */
function exportAll(url: string, token: string, n: number): Promise<{ rows: number; bytes: number }> {
  const q = new URLSearchParams({ from: FROM, to: TO, limit: String(n), follow: 'true' });
  return new Promise((resolve, reject) => {
    const req = request(new URL(`/api/audit-export/global?${q}`, url), { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, (res) => {
      let bytes = 0;
      let tail = '';
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        tail = (tail + c.toString('utf8')).slice(-4096);
      });
      res.on('end', () => {
        const closed = tail.slice(tail.lastIndexOf('event: closed'));
        const count = Number(closed.match(/"count":(\d+)/)?.[1] ?? -1);
        resolve({ rows: count, bytes });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export async function measure(): Promise<Figure[]> {
  const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
  const results: string[] = [];
  const measured: { n: number; rowsPerSecond: number; peakMb: number }[] = [];
  for (const n of SIZES) {
    const home = mkdtempSync(join(tmpdir(), 'berth-bench-audit-'));
    const databaseUrl = BENCH_PG_URL ? await freshDatabase() : undefined;
    const t0 = Date.now();
    await seed(home, n, databaseUrl);
    const seeded = Date.now() - t0;
    const plane = await servePlane(home, databaseUrl);
    const pid = plane.child.pid!;
    await new Promise((r) => setTimeout(r, 500));
    const idle = memKb(pid, 'VmRSS');
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, memKb(pid, 'VmRSS'))), 20);
    const start = process.hrtime.bigint();
    const out = await exportAll(plane.url, plane.token, n);
    const secs = Number(process.hrtime.bigint() - start) / 1e9;
    clearInterval(sampler);
    peak = Math.max(peak, memKb(pid, 'VmRSS'));
    const hwm = memKb(pid, 'VmHWM');
    await plane.stop();
    rmSync(home, { recursive: true, force: true });
    if (databaseUrl) await dropDatabase(databaseUrl);
    if (out.rows !== n) throw new Error(`exported ${out.rows} rows, expected ${n}`);
    measured.push({ n, rowsPerSecond: n / secs, peakMb: peak / 1024 });
    results.push(
      `  ${String(n).padStart(9)} rows  ${secs.toFixed(2).padStart(7)} s  ${Math.round(n / secs).toLocaleString('en-US').padStart(8)} rows/s  ${(out.bytes / 1048576).toFixed(0).padStart(5)} MB sent  RSS idle ${mb(idle)}, peak during export ${mb(peak)} (+${mb(peak - idle)}), VmHWM ${mb(hwm)}  (seeded in ${(seeded / 1000).toFixed(1)} s)`,
    );
    console.log(results.at(-1));
  }
  console.log(`\naudit-event export-global --follow (SSE), ${BENCH_PG_URL ? 'PostgreSQL' : 'PGlite'} store, control plane as its own process:`);
  for (const r of results) console.log(r);
  const largest = measured.at(-1)!;
  const smallest = measured[0]!;
  const store = BENCH_PG_URL ? 'PostgreSQL' : 'PGlite';
  const baseline = measured.length > 1 ? { name: `the same export of ${smallest.n.toLocaleString('en-US')} rows`, value: smallest.rowsPerSecond } : undefined;
  return [
    figure({ name: `audit-event export-global, ${largest.n.toLocaleString('en-US')} rows (${store})`, value: largest.rowsPerSecond, unit: 'rows/s', runs: 1, ...(baseline ? { baseline } : {}), goal: { atLeast: BENCH_PG_URL ? 50_000 : 25_000 } }),
    figure({ name: `control plane peak RSS during that export (${store})`, value: largest.peakMb, unit: 'MB', runs: 1, goal: { atMost: 200 } }),
  ];
}
