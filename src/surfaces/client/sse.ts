import { StringDecoder } from 'node:string_decoder';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/**
 * Server-sent-events decoder: yields the `data` of each event as parsed JSON. Bytes are decoded
 * with a streaming UTF-8 decoder (a character split across chunks stays whole) and lines are
 * split by eventsource-parser, which knows CR, LF and CRLF endings.
 */
export async function* decodeSse(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<unknown> {
  const decoder = new StringDecoder('utf8');
  const ready: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => ready.push(event) });
  const drain = function* (): Generator<unknown> {
    for (const event of ready.splice(0)) {
      if (event.data !== '') yield JSON.parse(event.data);
    }
  };
  for await (const chunk of chunks) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    yield* drain();
  }
  // A CR that ends the stream is a line end, but the parser waits for a possible LF after it:
  // an LF completes it. A line without any ending stays incomplete, and an event without its
  // blank line is still dropped, as the spec says.
  parser.feed(`${decoder.end()}\n`);
  yield* drain();
}
