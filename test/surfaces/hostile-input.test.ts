import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHttpApp } from '../../src/surfaces/http/app.js';
import { z } from 'zod';
import { createDispatcher, type Dispatcher } from '../../src/operations/dispatch.js';
import { defineOperation, type Operation } from '../../src/operations/operation.js';
import { OPERATIONS } from '../../src/operations/catalogue.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { sendRaw, type RawRequest } from '../support/http-raw.js';

// The HTTP boundary under hostile input: every answer is a catalogued error under 500, bounded in
// size, and nothing is stored from a refused request.
describe('hostile input at the HTTP API', () => {
  let plane: TestControlPlane;
  const send = (req: Omit<RawRequest, 'token'>) => sendRaw(plane.url, { token: plane.token, ...req });
  const json = { 'content-type': 'application/json' };
  const tokenCount = async () => (await plane.store.tokens.list()).length;

  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => {
    await plane?.close();
  });

  it('a NUL character in a path id or a body string is validation_failed, not internal', async () => {
    const inPath = await send({ method: 'GET', path: '/api/projects/abc%00' });
    expect(inPath.status).toBe(400);
    expect(inPath.error?.code).toBe('validation_failed');
    expect(inPath.error?.details.validationIssuePaths).toEqual(['id']);

    const before = await tokenCount();
    const inBody = await send({ method: 'POST', path: '/api/tokens', headers: json, body: '{"name":"a\\u0000b"}' });
    expect(inBody.status).toBe(400);
    expect(inBody.error?.code).toBe('validation_failed');
    expect(inBody.error?.details.validationIssuePaths).toEqual(['name']);
    expect(await tokenCount()).toBe(before);

    const inQuery = await send({ method: 'GET', path: '/api/deployments?resourceId=a%00' });
    expect(inQuery.error?.code).toBe('validation_failed');
  });

  it('a name in the wrong format says which characters are allowed', async () => {
    const res = await send({ method: 'POST', path: '/api/projects', headers: json, body: '{"name":"Bad_Name"}' });
    expect(res.error?.code).toBe('validation_failed');
    expect(res.error?.details.validationIssuePaths).toEqual(['name']);
    const [message] = res.error?.details.validationIssueMessages as string[];
    for (const allowed of ['a-z', '0-9', '-']) expect(message).toContain(allowed);
    expect(res.body).not.toContain('Bad_Name');
  });

  it('a JSON-escaped lone surrogate is refused as not well-formed Unicode', async () => {
    const before = await tokenCount();
    for (const name of ['x\\ud800', '\\udc00y', 'a\\udbff']) {
      const res = await send({ method: 'POST', path: '/api/tokens', headers: json, body: `{"name":"${name}"}` });
      expect(res.status).toBe(400);
      expect(res.error?.code).toBe('validation_failed');
      expect(res.error?.details.validationIssuePaths).toEqual(['name']);
    }
    // A real pair (an emoji) is well-formed and accepted.
    const pair = await send({ method: 'POST', path: '/api/tokens', headers: json, body: '{"name":"ok-\\ud83d\\ude00"}' });
    expect(pair.status).toBe(200);
    expect(await tokenCount()).toBe(before + 1);
  });

  it('a bad key (not only a value) is refused without echoing it', async () => {
    const res = await send({ method: 'POST', path: '/api/resources', headers: json, body: '{"name":"web","network":{"x\\u0000secretish":1}}' });
    expect(res.error?.code).toBe('validation_failed');
    expect(res.error?.details.validationIssuePaths).toEqual(['network.(key)']);
    expect(res.body).not.toContain('secretish');
  });

  it('100,000 unknown keys in a 1 MB body answer quickly with a bounded, truncated issue list', async () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => i.toString(36).padStart(4, '0'));
    const body = `{${keys.map((k) => `"${k}":0`).join(',')}}`;
    expect(body.length).toBeGreaterThan(800_000);
    const started = Date.now();
    const res = await send({ method: 'POST', path: '/api/tokens', headers: json, body });
    // Generous for a loaded CI machine (alone it takes well under a second); the size bound is the sharp one.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(res.status).toBe(400);
    expect(res.error?.code).toBe('validation_failed');
    const paths = res.error?.details.validationIssuePaths as string[];
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.length).toBeLessThanOrEqual(20);
    expect(res.body.length).toBeLessThan(16 * 1024);

    // Under the per-object field bound, unknown fields are each named, up to the issue bound.
    const some = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`unknown${i}`, i]));
    const named = await send({ method: 'POST', path: '/api/tokens', headers: json, body: JSON.stringify({ name: 'x', ...some }) });
    expect(named.error?.details.validationIssueCodes).toEqual(Array(20).fill('unsupported_field'));

    const longKey = 'k'.repeat(5_000);
    const long = await send({ method: 'POST', path: '/api/tokens', headers: json, body: `{"name":"x","${longKey}":1}` });
    expect(long.error?.details.validationIssueCodes).toEqual(['unsupported_field']);
    expect((long.error?.details.validationIssuePaths as string[])[0]!.length).toBeLessThanOrEqual(65);
    expect(long.body.length).toBeLessThan(4 * 1024);
  });

  it('nesting deeper than any operation takes is refused, however deep', async () => {
    const depth = 400_000;
    const res = await send({ method: 'POST', path: '/api/resources', headers: json, body: `{"name":"web","runtime":${'['.repeat(depth)}${']'.repeat(depth)}}` });
    expect(res.status).toBe(400);
    expect(res.error?.code).toBe('validation_failed');
  });

  it('a body over the limit is refused before it is read: declared or chunked', async () => {
    const big = `[${'1,'.repeat(1024 * 1024)}1]`;
    const declared = await send({ method: 'POST', path: '/api/tokens', headers: json, body: big });
    expect(declared.status).toBe(413);
    expect(declared.error?.code).toBe('payload_too_large');
    expect(declared.error?.details.limitBytes).toBe(1024 * 1024);

    const chunked = await send({ method: 'POST', path: '/api/tokens', headers: { ...json, 'transfer-encoding': 'chunked' }, body: big, chunked: true });
    expect(chunked.status).toBe(413);
    expect(chunked.error?.code).toBe('payload_too_large');
  });

  it('requires application/json on JSON routes; a text/plain or form post creates nothing', async () => {
    const before = await tokenCount();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await send({ method: 'POST', path: '/api/tokens', headers: { 'content-type': type }, body: '{"name":"sneaky"}' });
      expect(res.status).toBe(415);
      expect(res.error?.code).toBe('unsupported_media_type');
      expect(res.error?.details.expected).toBe('application/json');
    }
    const none = await send({ method: 'POST', path: '/api/tokens', body: '{"name":"sneaky"}' });
    expect(none.status).toBe(415);
    expect(await tokenCount()).toBe(before);
    const withCharset = await send({ method: 'POST', path: '/api/tokens', headers: { 'content-type': 'Application/JSON; charset=utf-8' }, body: '{"name":"fine"}' });
    expect(withCharset.status).toBe(200);
  });

  it('a request head too large for the HTTP parser, or not HTTP at all, still gets the error contract', async () => {
    const long = await send({ method: 'GET', path: `/api/deployments?resourceId=${'r'.repeat(20_000)}` });
    expect(long.status).toBe(431);
    expect(long.error?.code).toBe('request_head_too_large');
    const { port } = new URL(plane.url);
    const answer = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    expect(answer.startsWith('HTTP/1.1 400')).toBe(true);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).error.code).toBe('parse_failed');
  });

  it('a method the path does not have is 405 with an Allow header; an unknown path stays 404', async () => {
    const put = await send({ method: 'PUT', path: '/api/projects' });
    expect(put.status).toBe(405);
    expect(put.error?.code).toBe('method_not_allowed');
    expect(String(put.headers.allow).split(', ').sort()).toEqual(['GET', 'HEAD', 'POST']);
    expect(put.error?.details.allow).toEqual(['GET', 'HEAD', 'POST']);

    const del = await send({ method: 'DELETE', path: '/api/projects/prj_x' });
    expect(del.status).toBe(405);
    expect(del.headers.allow).toBe('GET, HEAD');

    const missing = await send({ method: 'PUT', path: '/api/nothing-here' });
    expect(missing.status).toBe(404);
    expect(missing.error?.code).toBe('operation_not_found');
  });

  it('a client that aborts mid-body leaves no TypeError in the log and the API keeps answering', async () => {
    const spy = vi.spyOn(console, 'error');
    try {
      const { port } = new URL(plane.url);
      await new Promise<void>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(`POST /api/tokens HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${plane.token}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"name":"ha`);
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, 200);
        });
      });
      await new Promise((r) => setTimeout(r, 300));
      const after = await send({ method: 'GET', path: '/api/health' });
      expect(after.status).toBe(200);
      const logged = spy.mock.calls.flat().map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join('\n');
      expect(logged).not.toContain('TypeError');
      expect(logged).not.toContain('internal error');
    } finally {
      spy.mockRestore();
    }
  });

  it('a body stream that fails mid-way is request_body_incomplete (the same path, observed in process)', async () => {
    const unused: Dispatcher = {
      dispatch: async () => {
        throw new Error('not reached');
      },
      dispatchStream: async () => {
        throw new Error('not reached');
      },
    };
    const app = createHttpApp({ operations: OPERATIONS, dispatcher: unused, version: 'test' });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"name":'));
        controller.error(new Error('socket hang up'));
      },
    });
    const headers = { 'content-type': 'application/json', 'transfer-encoding': 'chunked' };
    const res = await app.request('/api/tokens', { method: 'POST', headers, body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('request_body_incomplete');
  });

  it('a route may declare another body (media types and limit) and receives its bytes', async () => {
    const upload = defineOperation({
      name: 'test.upload',
      kind: 'command',
      summary: 'A route with a tar body.',
      input: z.strictObject({ id: z.string(), body: z.instanceof(Uint8Array) }),
      output: z.object({ id: z.string(), bytes: z.number() }),
      errors: [],
      destructive: false,
      public: true,
      http: { method: 'POST', path: '/api/test/{id}/upload', body: { mediaTypes: ['application/x-tar'], limitBytes: 1_000 } },
      cli: { words: ['test-upload'] },
      handler: async ({ id, body }) => ({ id, bytes: body.byteLength }),
    });
    const dispatcher = createDispatcher({ context: () => ({}) as never, logError: () => undefined });
    const app = createHttpApp({ operations: [upload as unknown as Operation], dispatcher, version: 'test' });
    const post = (type: string, body: Uint8Array) => app.request('/api/test/u1/upload', { method: 'POST', headers: { 'content-type': type, 'content-length': String(body.byteLength) }, body: Buffer.from(body) });
    const ok = await post('application/x-tar', new Uint8Array(600));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ id: 'u1', bytes: 600 });
    const asJson = await post('application/json', new TextEncoder().encode('{}'));
    expect(asJson.status).toBe(415);
    const big = await post('application/x-tar', new Uint8Array(1_001));
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { details: { limitBytes: number } } }).error.details.limitBytes).toBe(1_000);
  });

  it('the body limit is configurable (BERTH_MAX_BODY_BYTES)', async () => {
    const small = await startTestControlPlane({ BERTH_MAX_BODY_BYTES: '64' });
    try {
      const res = await sendRaw(small.url, { method: 'POST', path: '/api/tokens', token: small.token, headers: json, body: JSON.stringify({ name: 'n'.repeat(80) }) });
      expect(res.status).toBe(413);
      expect(res.error?.details.limitBytes).toBe(64);
      const ok = await sendRaw(small.url, { method: 'POST', path: '/api/tokens', token: small.token, headers: json, body: '{"name":"ok"}' });
      expect(ok.status).toBe(200);
    } finally {
      await small.close();
    }
  });
});
