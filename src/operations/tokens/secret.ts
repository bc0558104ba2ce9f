import { createHash, randomBytes } from 'node:crypto';

// Token secrets are shown once and stored only as a SHA-256 hash (they are 256-bit random, so a
// fast hash is enough; there is nothing to brute-force).
export function newTokenSecret(): string {
  return `berth_${randomBytes(32).toString('base64url')}`;
}

export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
