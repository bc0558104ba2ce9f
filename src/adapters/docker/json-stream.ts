import type { Readable } from 'node:stream';

// Build, pull and push answer with newline-delimited JSON progress. Errors arrive inside the
// stream (HTTP 200 already sent), so callers inspect each message rather than the status.

export interface ProgressMessage {
  stream?: string;
  status?: string;
  progress?: string;
  id?: string;
  error?: string;
  errorDetail?: { code?: number; message?: string };
  aux?: { ID?: string; Digest?: string };
}

export class StreamAborted extends Error {
  constructor() {
    super('aborted');
    this.name = 'StreamAborted';
  }
}

/** Calls onMessage for each JSON line until the stream ends; rejects with StreamAborted on abort. */
export function followJsonStream(stream: NodeJS.ReadableStream, onMessage: (m: ProgressMessage) => void, signal?: AbortSignal): Promise<void> {
  const readable = stream as Readable;
  return new Promise((resolve, reject) => {
    let buffer = '';
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    };
    const onLine = (line: string) => {
      const text = line.trim();
      if (!text) return;
      try {
        onMessage(JSON.parse(text) as ProgressMessage);
      } catch {
        onMessage({ stream: text }); // a non-JSON line is still log output
      }
    };
    const onAbort = () => {
      settle(new StreamAborted());
      readable.destroy();
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    readable.setEncoding?.('utf8');
    readable.on('data', (chunk: string | Buffer) => {
      buffer += chunk.toString();
      let at: number;
      while ((at = buffer.indexOf('\n')) >= 0) {
        onLine(buffer.slice(0, at));
        buffer = buffer.slice(at + 1);
      }
    });
    readable.on('end', () => {
      onLine(buffer);
      settle();
    });
    // close without end: the engine dropped the connection mid-stream
    readable.on('close', () => settle(signal?.aborted ? new StreamAborted() : Object.assign(new Error('progress stream closed early'), { code: 'ECONNRESET' })));
    readable.on('error', (err) => settle(signal?.aborted ? new StreamAborted() : err));
  });
}
