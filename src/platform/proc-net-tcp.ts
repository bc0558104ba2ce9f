// The kernel's TCP socket tables (/proc/net/tcp and tcp6, or /proc/<pid>/net/... for another
// network namespace): one row per socket, addresses in hex.

const TCP_LISTEN = '0A';

export interface ListeningSocket {
  /** Local address as the table writes it (hex, e.g. 0100007F for 127.0.0.1). */
  address: string;
  port: number;
  /** The kernel's socket inode (NaN when the row has none). */
  inode: number;
}

/** The sockets in LISTEN state in the text of /proc/net/tcp or tcp6. */
export function listeningSockets(text: string): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    const local = cols[1];
    if (!local || cols[3] !== TCP_LISTEN) continue;
    const colon = local.lastIndexOf(':');
    sockets.push({ address: local.slice(0, colon), port: parseInt(local.slice(colon + 1), 16), inode: Number(cols[9]) });
  }
  return sockets;
}
