import { z } from 'zod';
import { recordId } from '../id-input.js';
import { copySafe, scrubStrings } from '../../core/diagnostics/copy-safe.js';
import { MAX_JOB_LINES } from '../../core/deployments/provider-job-lines.js';
import { logMask, maskStrings } from '../../core/diagnostics/log-mask.js';
import type { OperationContext } from '../../ports/context.js';
import { defineOperation } from '../operation.js';
import { queryInt } from '../query-params.js';
import { recoveryReadiness } from '../deployments/recovery-readiness.js';
import { resourceStatus, resourceStatusOut } from './status.js';
import { engineOf, engineSection, proxyOf, proxySection, recoveryOf, recoverySection } from './diagnose-sections.js';
import { journalTail } from './journal-tail.js';
import { secretNamesOf, storedSecretValues } from './log-sources.js';
import { logsSnapshot } from './logs.js';
import { resourceOf, servingOf, targetOf } from '../lookup.js';

// `berth resource diagnose <id>`: one copy-safe bundle to paste into a ticket or hand to an
// agent before choosing retry, redeploy or rollback. Read-only: every part is a read (status
// probes, journal, logs, proxy route, engine info); nothing is started, written or recorded.

const record = z.record(z.string(), z.unknown());

const input = z.strictObject({
  id: recordId,
  events: queryInt(0, 500).default(30).describe('newest journal events of the last deployment'),
  logLines: queryInt(0, 2_000).default(50).describe('log lines per serving container'),
  providerLines: queryInt(0, MAX_JOB_LINES).default(20).describe("newest lines of the last deployment's image build or pull"),
});

const output = z.object({
  generatedAt: z.string(),
  copySafe: z.literal(true),
  redactedFields: z.array(z.string()),
  resource: z.object({ id: z.string(), name: z.string(), projectId: z.string(), environmentId: z.string(), sourceKind: z.string().nullable(), secretNames: z.array(z.string()) }),
  server: z.object({ id: z.string(), name: z.string(), kind: z.string() }).nullable(),
  status: resourceStatusOut,
  lastDeployment: z
    .object({
      id: z.string(),
      status: z.string(),
      currentPhase: z.string(),
      trigger: z.string(),
      createdAt: z.string(),
      finishedAt: z.string().nullable(),
      accessUrl: z.string().nullable(),
      sourceSummary: record.nullable(),
      artifact: record.nullable(),
      error: record.nullable(),
      recoveryHint: z.string().nullable(),
      events: z.array(record),
      eventsTruncated: z.boolean(),
      providerLog: z.object({ total: z.number().int(), lines: z.array(z.object({ at: z.string(), jobId: z.string().nullable(), level: z.string(), message: z.string() })) }),
    })
    .nullable(),
  logs: z.object({ deploymentId: z.string().nullable(), services: z.array(z.object({ service: z.string(), containerId: z.string(), state: z.string(), lines: z.array(z.string()) })), error: record.nullable() }),
  recovery: recoverySection,
  proxy: proxySection,
  engine: engineSection,
});

async function bundle(ctx: OperationContext, args: z.infer<typeof input>) {
  const generatedAt = ctx.now().toISOString();
  const resource = await resourceOf(ctx, args.id);
  const [latest] = await ctx.store.deployments.list({ resourceId: resource.id, preview: null, includeArchived: true, limit: 1 });
  const serving = await servingOf(ctx, resource.id);
  const server = await ctx.store.servers.get((serving ?? latest)?.serverId ?? '');
  const target = server ? targetOf(ctx, server) : undefined;

  const journal = latest ? await journalTail(ctx.store.journal, latest.id, args.events, latest.eventsPrunedThrough) : undefined;
  const providerLog = latest ? await ctx.store.providerJobLogs.forDeployment(latest.id, args.providerLines) : { entries: [], total: 0 };
  const logs = await logsSnapshot(ctx, { id: resource.id, tail: args.logLines }).then(
    (l) => ({ deploymentId: l.deploymentId, services: l.services, error: null }),
    (err: unknown) => ({ deploymentId: serving?.id ?? null, services: [], error: { code: (err as { code?: string }).code ?? 'internal' } }),
  );
  const names = secretNamesOf(resource, latest);
  const raw = {
    generatedAt,
    resource: { id: resource.id, name: resource.name, projectId: resource.projectId, environmentId: resource.environmentId, sourceKind: resource.source?.kind ?? null, secretNames: names },
    server: server ? { id: server.id, name: server.name, kind: server.kind } : null,
    lastDeployment: latest
      ? {
          id: latest.id,
          status: latest.status,
          currentPhase: latest.currentPhase,
          trigger: latest.trigger,
          createdAt: latest.createdAt,
          finishedAt: latest.finishedAt,
          accessUrl: latest.accessUrl,
          sourceSummary: latest.sourceSummary ? { ...latest.sourceSummary } : null,
          artifact: latest.artifact ? { ...latest.artifact } : null,
          error: latest.error ? { ...latest.error } : null,
          recoveryHint: latest.recoveryHint,
          events: journal!.events.map(({ deploymentId: _omit, ...e }) => ({ ...e })),
          eventsTruncated: journal!.truncated,
          providerLog: { total: providerLog.total, lines: providerLog.entries.map(({ at, jobId, level, message }) => ({ at, jobId, level, message })) },
        }
      : null,
    logs,
    recovery: await recoveryOf(latest, async (id) => ({ ...(await recoveryReadiness.handler({ id }, ctx)) })),
    proxy: await proxyOf(target, resource, serving),
    engine: await engineOf(target, resource.id),
  };
  // Error details quote log tails: mask secrets there too (logs were masked per container).
  const masked = maskStrings(raw, logMask({ secretNames: names, env: await storedSecretValues(ctx, resource.id, names) }));
  const safe = copySafe(masked);
  // Status sections hold observations only (a field named `certificate` is a readiness, not a key).
  const status = scrubStrings(await resourceStatus(ctx, resource));
  return { ...safe.value, status, copySafe: true as const, redactedFields: safe.redactedFields };
}

export const resourceDiagnose = defineOperation({
  name: 'resources.diagnose',
  kind: 'query',
  summary: 'A copy-safe diagnostic bundle of a resource: status sections, last deployment and its newest events, log tail, recovery summary, proxy route, engine. Read-only.',
  input,
  output,
  errors: ['resource_not_found'],
  destructive: false,
  http: { method: 'GET', path: '/api/resources/{id}/diagnose' },
  cli: { words: ['resource', 'diagnose'], positionals: ['id'] },
  handler: (args, ctx) => bundle(ctx, args),
});
