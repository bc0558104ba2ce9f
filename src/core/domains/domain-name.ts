import { domainToASCII } from 'node:url';
import { BerthError } from '../errors/berth-error.js';

// A custom domain as Berth stores and routes it: lower-case ASCII (an internationalised name
// becomes punycode), fully qualified, no wildcard (on-demand certificates are per name), no IP
// address and no trailing dot.

export const DOMAIN_TLS = ['auto', 'internal', 'off'] as const;
/** auto: ACME from the configured CA; internal: Caddy's own local CA; off: HTTP only. */
export type DomainTls = (typeof DOMAIN_TLS)[number];

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const invalid = (field: string, domain: string, reason: string) =>
  new BerthError('domain_invalid', `The domain in ${field} cannot be routed: ${reason}.`, { field, domain, reason });

/** The stored form of a domain, or domain_invalid naming the field. */
export function normalizeDomain(raw: string, field: string, generatedBase?: string): string {
  const trimmed = raw.trim().replace(/\.$/, '');
  if (trimmed.startsWith('*.')) throw invalid(field, raw, 'wildcard domains are not supported (certificates are issued per name)');
  const ascii = domainToASCII(trimmed);
  if (!ascii) throw invalid(field, raw, 'not a DNS name');
  if (/^\d+(\.\d+){3}$/.test(ascii) || ascii.includes(':')) throw invalid(field, raw, 'an IP address is not a domain');
  const labels = ascii.split('.');
  if (labels.length < 2) throw invalid(field, raw, 'a domain needs at least two labels (example.com)');
  if (ascii.length > 253 || !labels.every((l) => LABEL.test(l))) throw invalid(field, raw, 'labels are letters, digits and dashes, 1 to 63 characters');
  if (/^\d+$/.test(labels[labels.length - 1]!)) throw invalid(field, raw, 'the top-level label cannot be numeric');
  if (generatedBase && (ascii === generatedBase || ascii.endsWith(`.${generatedBase}`))) throw invalid(field, raw, `names under ${generatedBase} are generated URLs`);
  return ascii;
}
