import { z } from 'zod';

// A resource's profiles: what it deploys from and how it runs, is reached and is checked.
// Every object is strict so an unknown field anywhere is `unsupported_field`. Each field has a
// description (describeFields below): berth.yml's JSON Schema and docs/berth-yml.md show them.

/**
 * Registers a description on each field of a profile, read by z.toJSONSchema. Every field must
 * have one (a missing key is a type error), so the generated docs leave no field unexplained.
 */
function describeFields<S extends z.ZodRawShape>(profile: z.ZodObject<S>, docs: { [K in keyof S]: string }): void {
  for (const [field, description] of Object.entries(docs)) z.globalRegistry.add(profile.shape[field]!, { description });
}

export const sourceProfile = z.strictObject({
  kind: z.enum(['folder', 'git', 'image', 'compose', 'zip', 'upload']),
  /** Folder path, git URL/path, image reference, compose file, zip path, or the id of an upload to the control plane. */
  location: z.string().min(1).max(4096),
  gitRef: z.string().min(1).max(255).optional(),
  baseDirectory: z.string().min(1).max(1024).optional(),
});
export type SourceProfile = z.infer<typeof sourceProfile>;
describeFields(sourceProfile, {
  kind: 'What the resource deploys from: a folder on the client, a git repository, a prebuilt image, a compose file, a zip archive, or an upload already sent to the control plane.',
  location: 'The folder path, git URL or path, image reference, compose file path, zip path, or upload id. In berth.yml a relative path is relative to the file.',
  gitRef: 'Branch, tag or commit to check out (git sources). The attempt pins the commit it resolved.',
  baseDirectory: 'The app\'s folder inside the source (a monorepo package); ignored for image and compose sources.',
});

export const runtimeProfile = z.strictObject({
  method: z.enum(['auto', 'static', 'node', 'dockerfile', 'compose', 'image']).default('auto'),
  installCommand: z.string().max(4096).optional(),
  buildCommand: z.string().max(4096).optional(),
  startCommand: z.string().max(4096).optional(),
  outputDirectory: z.string().min(1).max(1024)
    .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.split(/[\\/]/).includes('..'), 'a relative path inside the source, without ".."')
    .optional(),
  dockerfile: z.string().max(1024).optional(),
  image: z.string().max(1024).optional(),
  memoryMb: z.number().int().min(16).max(1_048_576).optional(),
  cpus: z.number().min(0.01).max(1024).optional(),
});
export type RuntimeProfile = z.infer<typeof runtimeProfile>;
describeFields(runtimeProfile, {
  method: 'Which planner builds and runs the app. `auto` chooses from the source: a compose file, an image, a Dockerfile, package.json, then a static index.html.',
  installCommand: 'Replaces the detected dependency install command (node).',
  buildCommand: 'Replaces the detected build command (node).',
  startCommand: 'Replaces the detected start command, or the image\'s CMD (node, dockerfile, image).',
  outputDirectory: 'A build-then-serve site\'s output folder (relative, inside the source) that the static server serves; overrides the framework\'s default (node).',
  dockerfile: 'Dockerfile path inside the source (dockerfile); setting it chooses the dockerfile planner under `auto`.',
  image: 'Image reference to run instead of building (image); setting it chooses the image planner under `auto`.',
  memoryMb: 'Memory limit of the app container, in MiB.',
  cpus: 'CPU limit of the app container, in cores (0.5 is half a core).',
});

/** An environment or build-argument name, as a shell would accept it. */
const VARIABLE_NAME = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and "_", not starting with a digit').max(255);

/** How the image is built: variables, build arguments, build-time secrets, trust of the host's CA and proxy. */
export const buildProfile = z.strictObject({
  /** Plain variables for the install and build steps; they may land in the image, so no secrets here. */
  env: z.record(VARIABLE_NAME, z.string().max(32_768)).optional(),
  /** Dockerfile ARG values. */
  args: z.record(VARIABLE_NAME, z.string().max(32_768)).optional(),
  /** Names of the resource's secrets the dependency install may read (e.g. NPM_TOKEN); never stored in an image. */
  secrets: z.array(VARIABLE_NAME).max(100).optional(),
  /** Builds trust the control plane host's CA bundle and take its proxy variables (never baked into the runtime image). */
  hostTrust: z.boolean().default(true),
});
export type BuildProfile = z.infer<typeof buildProfile>;
describeFields(buildProfile, {
  env: 'Plain variables set during the install and build steps. They may be kept in the image: put secrets in `secrets`, never here.',
  args: 'Build arguments (Dockerfile `ARG`) for the dockerfile planner. A compose service keeps its own `build.args`.',
  secrets: 'Names of the resource\'s secrets (`berth resource secret set`) that the dependency install may read, e.g. NPM_TOKEN for a private registry. Only names: values stay in the secret store and never reach an image layer. A name the resource lacks fails the build.',
  hostTrust: 'Builds trust the control plane host\'s CA bundle (system store and NODE_EXTRA_CA_CERTS) and take its proxy variables. None of it is kept in the runtime image. Set false to build with the base image\'s CAs and no proxy.',
});

export const networkProfile = z.strictObject({
  internalPort: z.number().int().min(1).max(65535).optional(),
  /** Compose stacks: the service the access URL routes to, when Berth should not choose. */
  service: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'letters, digits, "_", "." and "-"').max(100).optional(),
});
export type NetworkProfile = z.infer<typeof networkProfile>;
describeFields(networkProfile, {
  internalPort: 'The port the app listens on inside its container, when the plan cannot infer it (PORT, EXPOSE, the framework).',
  service: 'Compose stacks: the service the access URL routes to, when Berth should not choose.',
});

export const healthProfile = z.strictObject({
  path: z.string().startsWith('/').max(1024).default('/'),
  expectStatus: z.number().int().min(100).max(599).optional(),
  timeoutSeconds: z.number().int().min(1).max(600).default(30),
  intervalMs: z.number().int().min(50).max(60_000).default(500),
});
export type HealthProfile = z.infer<typeof healthProfile>;
describeFields(healthProfile, {
  path: 'The path Berth requests on the new version before switching traffic to it. Redirects fail the check.',
  expectStatus: 'The status the health path must answer. Without it, any 2xx passes.',
  timeoutSeconds: 'How long, in seconds, the new version has to pass the check.',
  intervalMs: 'The pause between two checks, in milliseconds.',
});

/** A DNS label: what names and host labels may contain, said in the validation issue. */
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DNS_LABEL_RULE = 'allowed: lowercase letters a-z, digits 0-9 and dashes (-); 1 to 63 characters, starting and ending with a letter or digit';

export const accessProfile = z.strictObject({
  /** Generated URL host label; defaults to the resource name. */
  hostLabel: z.string().regex(DNS_LABEL, DNS_LABEL_RULE).optional(),
  domains: z
    .array(
      z.union([
        z.string().min(1).max(253),
        z.strictObject({
          domain: z.string().min(1).max(253),
          tls: z.enum(['auto', 'internal', 'off']).default('auto'),
          redirectFrom: z.array(z.string().min(1).max(253)).max(10).optional(),
        }),
      ]),
    )
    .max(20)
    .optional(),
});
export type AccessProfile = z.infer<typeof accessProfile>;
describeFields(accessProfile, {
  hostLabel: 'Label of the generated access URL host; defaults to the resource name.',
  domains: 'Custom domains of the resource, routed beside its generated URL: a name, or { domain, tls (auto, internal or off), redirectFrom: [names] }. tls auto (the default) gets a certificate by ACME; internal is refused (domain_invalid); off serves HTTP only. A domain owned by another resource is domain_conflict. See docs/domains.md.',
});

export const resourceName = z.string().regex(DNS_LABEL, DNS_LABEL_RULE);
