// Generated access URLs: http://<label>.<environment>.<baseDomain>[:port]. Labels are DNS-safe;
// previews get their own label so production and previews never share a host.

export interface GeneratedHostInput {
  resourceName: string;
  hostLabel?: string;
  environmentName: string;
  baseDomain: string;
  preview?: { type: string; id: string } | null;
}

const dnsLabel = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63) || 'app';

export function generatedHost(input: GeneratedHostInput): string {
  const base = input.hostLabel ?? input.resourceName;
  const label = input.preview ? dnsLabel(`${base}-${input.preview.type === 'pull-request' ? 'pr' : input.preview.type}-${input.preview.id}`) : dnsLabel(base);
  return `${label}.${dnsLabel(input.environmentName)}.${input.baseDomain}`;
}

export function accessUrl(host: string, httpPort: number): string {
  return httpPort === 80 ? `http://${host}` : `http://${host}:${httpPort}`;
}

/** One proxy route per resource, and one per preview of it. */
export function routeId(resourceId: string, preview?: { type: string; id: string } | null): string {
  return preview ? `berth-${resourceId}-${dnsLabel(`${preview.type}-${preview.id}`)}` : `berth-${resourceId}`;
}
