import { ApiError, enc, get } from './api.js';
import type { Envelope, ErrorObject } from './types.js';

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'closed';

const KINDS = ['event', 'heartbeat', 'gap', 'closed', 'error'] as const;

/**
 * Follows a deployment's journal over server-sent events. After a dropped connection it reopens
 * from the last cursor it saw, so nothing is lost or repeated; it stops at `closed` or `error`.
 * Returns a function that stops following.
 */
export function followDeployment(id: string, onEnvelope: (e: Envelope) => void, onState: (s: StreamState, reconnects: number) => void, onRefused: (e: ErrorObject) => void): () => void {
  let cursor = 0;
  let stopped = false;
  let reconnects = 0;
  let source: EventSource | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    stopped = true;
    source?.close();
    if (timer) clearTimeout(timer);
  };
  const open = () => {
    onState(reconnects === 0 ? 'connecting' : 'reconnecting', reconnects);
    const es = new EventSource(`/api/deployments/${enc(id)}/events?follow=true&cursor=${cursor}`);
    source = es;
    es.onopen = () => onState('live', reconnects);
    const handle = (m: Event) => {
      // The stream's own `error` envelopes carry data; a connection error is a bare Event.
      if (!(m instanceof MessageEvent) || typeof m.data !== 'string' || m.data === '') return dropped();
      const envelope = JSON.parse(m.data) as Envelope;
      cursor = Math.max(cursor, envelope.cursor);
      onEnvelope(envelope);
      if (envelope.kind === 'closed' || envelope.kind === 'error') {
        stop();
        onState('closed', reconnects);
      }
    };
    const dropped = () => {
      if (stopped || source !== es) return;
      es.close();
      reconnects += 1;
      onState('reconnecting', reconnects);
      timer = setTimeout(retry, Math.min(5_000, 250 * 2 ** Math.min(reconnects, 5)));
    };
    // EventSource hides the status of a refused stream: a plain read tells a refusal (signed out,
    // no such attempt), which retrying cannot fix, from a network that is still away.
    const retry = () =>
      get(`/api/deployments/${enc(id)}`).then(open, (err) => {
        if (err instanceof ApiError && err.status < 500) {
          stop();
          onState('closed', reconnects);
          onRefused(err.error);
        } else dropped();
      });
    for (const kind of KINDS) es.addEventListener(kind, handle);
  };
  open();
  return stop;
}
