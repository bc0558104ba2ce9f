/** Minimal server-sent-events decoder: yields the `data` of each event as parsed JSON. */
export async function* decodeSse(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<unknown> {
  let buffer = '';
  let data: string[] = [];
  for await (const chunk of chunks) {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      if (line === '') {
        if (data.length > 0) yield JSON.parse(data.join('\n'));
        data = [];
      } else if (line.startsWith('data:')) {
        data.push(line.slice(5).replace(/^ /, ''));
      }
    }
  }
}
