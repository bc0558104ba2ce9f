import { readFileSync } from 'node:fs';

/** Debian's system store of trusted CAs. */
export const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** The PEM certificates in a text, each as its own block. */
export function pemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** The certificates of a bundle file; an unreadable one trusts nothing more, as node does with a bad NODE_EXTRA_CA_CERTS. */
export function readCertificates(path: string | undefined): string[] {
  if (!path) return [];
  try {
    return pemCertificates(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
}

/** Each certificate once, whatever its line breaks. */
export function uniqueCertificates(certs: string[]): string[] {
  return [...new Map(certs.map((c) => [c.replace(/\s+/g, ''), c])).values()];
}
