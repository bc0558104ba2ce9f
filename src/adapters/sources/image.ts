import type { SourceProfile } from '../../core/model/profiles.js';
import type { MaterializedSource } from '../../ports/sources.js';
import { unreadable } from './work-dir.js';

// A prebuilt image: nothing to copy. Only the reference's syntax is checked here; whether the
// registry has it is the execute phase's question (image_pull_failed).

// [registry[:port]/]path[:tag][@digest], lowercase path components as Docker requires. As in
// Docker, a first component is a registry only with a dot, a port, or as "localhost".
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';
const REGISTRY = `(?:(?:localhost|${LABEL}(?:\\.${LABEL})+)(?::\\d+)?/|${LABEL}:\\d+/)`;
const IMAGE_REFERENCE = new RegExp(`^${REGISTRY}?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`);

export function isImageReference(ref: string): boolean {
  return ref.length <= 1024 && IMAGE_REFERENCE.test(ref);
}

export function materializeImage(source: SourceProfile): Promise<MaterializedSource> {
  const image = source.location.trim();
  if (!isImageReference(image)) return Promise.reject(unreadable(image, 'invalid_image_reference'));
  const warnings = source.baseDirectory || source.gitRef ? ['An image source has no files: baseDirectory and gitRef are ignored.'] : [];
  return Promise.resolve({
    summary: { kind: source.kind, location: image, image },
    ...(warnings.length ? { warnings } : {}),
    dispose: () => Promise.resolve(),
  });
}
