import { posix, resolve } from 'node:path';
import { fail } from '../../core/errors/berth-error.js';
import type { SourceProfile } from '../../core/model/profiles.js';
import type { Resource } from '../../core/model/records.js';
import { isRemoteGitUrl, safeLocation } from '../../core/redaction/source-location.js';

// A deploy that names an existing resource must not silently repoint it at another source
// (`berth up OTHER_FOLDER --name EXISTING`): it is refused unless the caller asks to relink.
// Sources are compared by what they point at, not by how they were spelled.


/** An image is identified by its repository: a new tag or digest is a new version, not a new source. */
function imageRepository(ref: string): string {
  const noDigest = ref.split('@')[0]!;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  const repo = colon > slash ? noDigest.slice(0, colon) : noDigest;
  return repo.replace(/^(docker\.io|index\.docker\.io)\//, '').replace(/^library\//, '');
}

function location(s: SourceProfile): string {
  if (s.kind === 'image') return imageRepository(s.location);
  if (isRemoteGitUrl(s.location)) {
    // Credentials may rotate; the repository stays the same one.
    return safeLocation(s.location).replace(/\/+$/, '').replace(/\.git$/, '');
  }
  return resolve(s.location);
}

function baseDirectory(s: SourceProfile): string {
  const b = s.baseDirectory ? posix.normalize(s.baseDirectory.replace(/\\/g, '/')).replace(/^\.?\/+|\/+$/g, '') : '';
  return b === '.' ? '' : b;
}

/** The parts of the source that differ after normalisation; empty when it is the same source. */
export function sourceDifferences(current: SourceProfile, requested: SourceProfile): ('kind' | 'location' | 'gitRef' | 'baseDirectory')[] {
  // An upload id names the bytes of one `berth up` against a remote control plane, not the
  // folder they came from: the same folder uploaded again gets a new id, and the upload does not
  // record the client's path. Two uploads cannot be told apart, so they count as the same source
  // (refusing would refuse every remote redeploy).
  if (current.kind === 'upload' && requested.kind === 'upload') return [];
  if (current.kind !== requested.kind) return ['kind'];
  const out: ('location' | 'gitRef' | 'baseDirectory')[] = [];
  if (location(current) !== location(requested)) out.push('location');
  if ((current.gitRef ?? null) !== (requested.gitRef ?? null)) out.push('gitRef');
  if (baseDirectory(current) !== baseDirectory(requested)) out.push('baseDirectory');
  return out;
}

const shown = (s: SourceProfile) => ({ kind: s.kind, location: safeLocation(s.location), gitRef: s.gitRef ?? null, baseDirectory: s.baseDirectory ?? null });

/**
 * Refuses a deploy that would repoint `existing` at `requested`, unless it asks to relink.
 * Returns true when the source changes (the caller records the relink).
 */
export function checkSourceChange(existing: Resource, requested: SourceProfile | undefined, relink: boolean): boolean {
  if (!requested || !existing.source) return false;
  const changed = sourceDifferences(existing.source, requested);
  if (changed.length === 0) return false;
  if (relink) return true;
  fail('resource_source_changed', 'The resource deploys another source: pass relink to repoint it.', {
    resourceId: existing.id,
    name: existing.name,
    current: shown(existing.source),
    requested: shown(requested),
    changed,
  });
}

/** Audit payload of a relink: both sources, credentials removed. */
export const relinkPayload = (previous: SourceProfile, next: SourceProfile) => ({ previous: shown(previous), next: shown(next) });
