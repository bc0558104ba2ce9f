import type { SourceProfile } from '../../core/model/profiles.js';
import type { MaterializedSource, SourceReader } from '../../ports/sources.js';
import { materializeCompose } from './compose.js';
import { materializeFolder } from './folder.js';
import { materializeGit } from './git.js';
import { materializeImage } from './image.js';
import { materializeZip } from './zip.js';
import { materializeUpload } from './uploads.js';

// The SourceReader port: one reader per source kind, each read-only towards the source itself.

const readers: Record<SourceProfile['kind'], (source: SourceProfile, workRoot: string) => Promise<MaterializedSource>> = {
  folder: materializeFolder,
  git: materializeGit,
  zip: materializeZip,
  image: materializeImage,
  compose: materializeCompose,
  upload: materializeUpload,
};

export function createSourceReader(): SourceReader {
  return { materialize: (source, workRoot) => readers[source.kind](source, workRoot) };
}

export { safeLocation } from '../../core/redaction/source-location.js';
export { COMPOSE_FILE_NAMES } from './compose.js';
export { createUploadStore, DEFAULT_UPLOAD_MAX_BYTES, DEFAULT_UPLOAD_TTL_MS } from './uploads.js';
export { packSource } from './pack.js';
