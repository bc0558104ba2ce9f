import { createHash } from 'node:crypto';

/** A host key's fingerprint as `ssh-keygen -lf` prints it: SHA256 of the key blob, base64 without padding. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** Fingerprints compare as written, but a pasted one may carry its padding or lack the prefix. */
export function normalizeFingerprint(fp: string): string {
  const body = fp.trim().replace(/^SHA256:/i, '').replace(/=+$/, '');
  return `SHA256:${body}`;
}
