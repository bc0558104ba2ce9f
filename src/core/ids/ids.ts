import { randomBytes } from 'node:crypto';

// Ids are `<prefix>_<time><random>`: sortable by creation time, unguessable, safe in URLs.
// (node:crypto is pure computation here, not I/O.)
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export const ID_PREFIXES = {
  project: 'prj',
  environment: 'env',
  resource: 'res',
  server: 'srv',
  token: 'tok',
  deployment: 'dep',
  audit: 'aud',
  work: 'wrk',
  hold: 'hold',
  preview: 'prv',
  event: 'evt',
  upload: 'upl',
  session: 'ses',
  domain: 'dom',
  certificate: 'crt',
} as const;
export type IdKind = keyof typeof ID_PREFIXES;

function encode(n: bigint, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) {
    s = ALPHABET[Number(n % 32n)] + s;
    n /= 32n;
  }
  return s;
}

export function newId(kind: IdKind, now: number = Date.now()): string {
  const time = encode(BigInt(now), 10);
  const rand = encode(BigInt('0x' + randomBytes(10).toString('hex')), 16);
  return `${ID_PREFIXES[kind]}_${time}${rand}`;
}
