import type { SourceProfile } from '../core/model/profiles.js';

// A source sent to a remote control plane: the client packs it (ignore rules applied) and
// uploads the archive; the control plane keeps it under its work root until a source reader
// materializes it (source kind `upload`) or its time to live runs out.

/** What the archive holds, so the reader can rebuild the original source from it. */
export interface UploadMeta {
  /** The kind of source the client packed. */
  kind: 'folder' | 'compose' | 'zip';
  /** tar for folders and compose folders (packed by the client), zip for a zip sent as it is. */
  format: 'tar' | 'zip';
  /** For compose: the compose file's name inside the archive. */
  composeFile?: string;
}

export interface UploadReceipt {
  id: string;
  sizeBytes: number;
  sha256: string;
  expiresAt: string;
}

export interface UploadStore {
  /**
   * Streams body to disk while counting and hashing it. Throws upload_too_large past the limit
   * (at once when declaredBytes already exceeds it) and upload_checksum_mismatch when the bytes
   * do not hash to sha256; nothing is kept then.
   */
  receive(body: AsyncIterable<Uint8Array>, req: { sha256: string; declaredBytes?: number; meta: UploadMeta }, now: Date): Promise<UploadReceipt>;
  /** Removes uploads older than their time to live; returns how many files went. */
  sweep(now: Date): Promise<number>;
}

/** A source packed on the client for upload: a file on disk, removed by dispose(). */
export interface PackedSource {
  file: string;
  sha256: string;
  sizeBytes: number;
  meta: UploadMeta;
  /** What the deploy input names once the upload is acknowledged, given the upload id. */
  sourceFor(uploadId: string): SourceProfile;
  dispose(): Promise<void>;
}

/** Packs a client-side source for upload (a local git repository at its ref as a folder); undefined for kinds the control plane fetches itself (git URL, image). */
export type SourcePacker = (source: SourceProfile) => Promise<PackedSource | undefined>;
