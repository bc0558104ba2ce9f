import { z } from 'zod';
import { BerthError, fail } from '../../core/errors/berth-error.js';
import { CERTIFICATE_STATES, type DomainRecord } from '../../core/domains/domain.js';
import { DOMAIN_TLS, normalizeDomain, type DomainTls } from '../../core/domains/domain-name.js';
import { newId } from '../../core/ids/ids.js';
import type { OperationContext } from '../../ports/context.js';
import type { StoreRepos } from '../../ports/store.js';
import type { AccessProfile } from '../../core/model/profiles.js';
import { rerouteServing } from '../../engine/domains/domain-route.js';
import { refusePublicHost } from '../../engine/domains/control-plane-route.js';
import { recordId } from '../id-input.js';
import { defineOperation } from '../operation.js';
import { requireConfirmation } from '../confirmation.js';

// Custom domains of a resource. A domain belongs to one resource, and never is the control
// plane's public host when its edge serves it (domain_conflict); adding or
// removing one re-routes the serving version at once, beside its generated URL, which keeps
// working. Certificates are obtained on demand by the edge; the readiness seen last is shown.

export const domainOut = z.object({
  id: z.string(),
  resourceId: z.string(),
  domain: z.string(),
  tls: z.enum(DOMAIN_TLS),
  redirectTo: z.string().nullable(),
  origin: z.enum(['command', 'berth.yml']),
  readiness: z.enum(['not-applicable', ...CERTIFICATE_STATES]),
  notAfter: z.string().nullable(),
  createdAt: z.string(),
});

export const domainView = (d: DomainRecord): z.infer<typeof domainOut> => ({
  id: d.id,
  resourceId: d.resourceId,
  domain: d.name,
  tls: d.tls,
  redirectTo: d.redirectTo,
  origin: d.origin,
  readiness: d.tls === 'off' ? 'not-applicable' : (d.certSeen?.state ?? 'pending'),
  notAfter: d.certSeen?.notAfter ?? null,
  createdAt: d.createdAt,
});

/** Refuses a TLS mode this control plane cannot honour (never dropped silently). */
export function checkTls(ctx: OperationContext, tls: DomainTls, field: string, domain: string): void {
  if (tls === 'internal') throw new BerthError('domain_invalid', 'tls: internal is not supported: the edge issues certificates by ACME only.', { field, domain, reason: 'internal issuer not supported (use auto with a private ACME CA: BERTH_ACME_CA)' });
  if (tls === 'auto' && !ctx.settings.https) throw new BerthError('domain_invalid', 'HTTPS is off on this control plane.', { field, domain, reason: 'HTTPS is off (BERTH_HTTPS_LISTEN); use tls: off or turn HTTPS on' });
}

export interface DomainWish {
  domain: string;
  tls: DomainTls;
  redirectFrom?: string[];
}

/**
 * Adds the resource's domains (and redirect-from names) within the caller's transaction; a name
 * already owned by this resource is kept as it is. domain_conflict when another resource owns one.
 */
export async function addDomains(tx: StoreRepos, ctx: OperationContext, resourceId: string, wish: DomainWish, origin: DomainRecord['origin'], field: string): Promise<DomainRecord[]> {
  const base = ctx.settings.baseDomain;
  const domain = normalizeDomain(wish.domain, field, base);
  checkTls(ctx, wish.tls, `${field}.tls`, domain);
  const from = (wish.redirectFrom ?? []).map((r, i) => normalizeDomain(r, `${field}.redirectFrom[${i}]`, base));
  refusePublicHost([domain, ...from], ctx.settings.publicEdgeHost, resourceId);
  const at = ctx.now().toISOString();
  const rows: DomainRecord[] = [domain, ...from].map((name, i) => ({ id: newId('domain'), resourceId, name, tls: wish.tls, redirectTo: i === 0 ? null : domain, origin, certSeen: null, createdAt: at }));
  const out: DomainRecord[] = [];
  for (const row of rows) {
    if (await tx.domains.insert(row)) {
      await tx.audit.append({ type: 'domain.added', aggregateType: 'resource', aggregateId: resourceId, actor: ctx.actor, payload: { domain: row.name, tls: row.tls, redirectTo: row.redirectTo, origin } });
      out.push(row);
      continue;
    }
    const owner = (await tx.domains.getByName(row.name))!;
    if (owner.resourceId !== resourceId) fail('domain_conflict', 'This domain is routed to another resource.', { domain: row.name, resourceId, ownerResourceId: owner.resourceId });
    out.push(owner);
  }
  return out;
}

/** Removes domains (and the names redirected to them), auditing each. */
async function dropDomains(tx: StoreRepos, ctx: OperationContext, all: DomainRecord[], names: string[]): Promise<string[]> {
  const gone = all.filter((d) => names.includes(d.name) || (d.redirectTo !== null && names.includes(d.redirectTo)));
  for (const d of gone) {
    await tx.domains.remove(d.id);
    await tx.audit.append({ type: 'domain.removed', aggregateType: 'resource', aggregateId: d.resourceId, actor: ctx.actor, payload: { domain: d.name } });
  }
  return gone.map((d) => d.name);
}

/**
 * Keeps the domains a berth.yml declares (access.domains) in step: those listed are added, those
 * it added before and no longer lists are removed; domains added by command are left alone.
 */
export async function syncProfileDomains(tx: StoreRepos, ctx: OperationContext, resourceId: string, access: AccessProfile): Promise<void> {
  if (access.domains === undefined) return;
  const wishes = access.domains.map((d) => (typeof d === 'string' ? { domain: d, tls: 'auto' as const } : { domain: d.domain, tls: d.tls, redirectFrom: d.redirectFrom }));
  const kept = new Set<string>();
  for (const [i, wish] of wishes.entries()) for (const d of await addDomains(tx, ctx, resourceId, wish, 'berth.yml', `access.domains[${i}]`)) kept.add(d.name);
  const all = await tx.domains.list({ resourceId });
  await dropDomains(tx, ctx, all, all.filter((d) => d.origin === 'berth.yml' && !kept.has(d.name) && d.redirectTo === null).map((d) => d.name));
}

export const addDomain = defineOperation({
  name: 'domains.add',
  kind: 'command',
  summary: "Add a custom domain to a resource (beside its generated URL): routed at once when the resource serves, with a certificate from the edge's ACME CA unless tls is off; --redirect-from names redirect to it.",
  input: z.strictObject({
    resource: recordId.describe('resource id'),
    domain: z.string().min(1).max(253).describe('the domain, e.g. app.example.com (an internationalised name is stored as punycode)'),
    redirectFrom: z.array(z.string().min(1).max(253)).max(10).optional().describe('names redirected to the domain, e.g. www.example.com'),
    tls: z.enum(DOMAIN_TLS).default('auto').describe('auto: a certificate by ACME; internal: refused (not supported); off: HTTP only'),
  }),
  output: z.object({ items: z.array(domainOut), routed: z.boolean() }),
  errors: ['resource_not_found', 'domain_invalid', 'domain_conflict', 'proxy_route_failed', 'proxy_unavailable'],
  destructive: false,
  http: { method: 'POST', path: '/api/resources/{resource}/domains' },
  cli: { words: ['domain', 'add'], positionals: ['resource', 'domain'] },
  handler: async ({ resource, domain, redirectFrom, tls }, ctx) => {
    const found = (await ctx.store.resources.get(resource)) ?? fail('resource_not_found', 'No resource has this id.', { id: resource });
    const items = await ctx.store.transaction((tx) => addDomains(tx, ctx, found.id, { domain, tls, redirectFrom }, 'command', 'domain'));
    const routed = await rerouteServing(ctx.store, ctx.deploy.targets, found.id);
    return { items: items.map(domainView), routed };
  },
});

export const listDomains = defineOperation({
  name: 'domains.list',
  kind: 'query',
  summary: 'List custom domains (all, or one resource\'s) with their TLS mode and the certificate readiness seen last.',
  input: z.strictObject({ resource: recordId.optional().describe('only this resource') }),
  output: z.object({ items: z.array(domainOut) }),
  errors: [],
  destructive: false,
  http: { method: 'GET', path: '/api/domains' },
  cli: { words: ['domain', 'list'] },
  handler: async ({ resource }, ctx) => ({ items: (await ctx.store.domains.list(resource ? { resourceId: resource } : {})).map(domainView) }),
});

export const removeDomain = defineOperation({
  name: 'domains.remove',
  kind: 'command',
  summary: 'Remove a custom domain (and the names redirected to it) from its resource: the proxy stops serving it at once; other domains and the generated URL are left alone.',
  input: z.strictObject({ domain: z.string().min(1).max(253), confirm: z.string().min(1).max(253).describe('the domain again') }),
  output: z.object({ removed: z.array(z.string()), routed: z.boolean() }),
  errors: ['domain_invalid', 'domain_not_found', 'confirmation_mismatch', 'proxy_route_failed', 'proxy_unavailable'],
  destructive: true,
  confirmationField: 'confirm',
  http: { method: 'POST', path: '/api/domains/{domain}/remove' },
  cli: { words: ['domain', 'remove'], positionals: ['domain'] },
  handler: async ({ domain, confirm }, ctx) => {
    const name = normalizeDomain(domain, 'domain');
    requireConfirmation(normalizeDomain(confirm, 'confirm'), name, 'domain');
    const row = (await ctx.store.domains.getByName(name)) ?? fail('domain_not_found', 'No resource has this domain.', { domain: name });
    const removed = await ctx.store.transaction(async (tx) => dropDomains(tx, ctx, await tx.domains.list({ resourceId: row.resourceId }), [row.name]));
    return { removed, routed: await rerouteServing(ctx.store, ctx.deploy.targets, row.resourceId) };
  },
});
