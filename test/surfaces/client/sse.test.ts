import { describe, expect, it } from 'vitest';
import { decodeSse } from '../../../src/surfaces/client/sse.js';

async function* fromChunks(chunks: Array<Buffer | string>): AsyncGenerator<Buffer | string> {
  for (const c of chunks) yield c;
}

async function collect(chunks: Array<Buffer | string>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const v of decodeSse(fromChunks(chunks))) out.push(v);
  return out;
}

describe('decodeSse', () => {
  it('keeps a multibyte character whole when a chunk boundary splits it', async () => {
    const bytes = Buffer.from('id: 1\nevent: event\ndata: {"text":"héllo €"}\n\n', 'utf8');
    const euro = bytes.indexOf(Buffer.from('€', 'utf8'));
    // Split inside the 3-byte euro sign, and again inside the 2-byte é.
    const e = bytes.indexOf(Buffer.from('é', 'utf8'));
    const chunks = [bytes.subarray(0, e + 1), bytes.subarray(e + 1, euro + 1), bytes.subarray(euro + 1, euro + 2), bytes.subarray(euro + 2)];
    expect(await collect(chunks)).toEqual([{ text: 'héllo €' }]);
  });

  it('handles CR-only line endings', async () => {
    expect(await collect([Buffer.from('event: a\rdata: {"n":1}\r\rdata: {"n":2}\r\r')])).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('handles CRLF split between chunks, and multi-line data', async () => {
    expect(await collect([Buffer.from('data: {"n":\r'), Buffer.from('\ndata: 3}\r\n\r'), Buffer.from('\n')])).toEqual([{ n: 3 }]);
  });

  it('ignores comments and events without data', async () => {
    expect(await collect([': heartbeat\n\nevent: ping\n\ndata: {"n":4}\n\n'])).toEqual([{ n: 4 }]);
  });
});
