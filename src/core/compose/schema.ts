import { z } from 'zod';

// The subset of the compose specification Berth deploys. Every object is strict, so a field
// Berth would silently ignore is rejected instead (unsupported_field, with its path). Legacy
// v1/v2 spellings never reach this schema: legacy.ts names their modern equivalent first.
// Port, volume and duration strings are checked in normalize.ts, which knows their grammar.

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
/** `KEY: value` map or `["KEY=value"]` list (environment, labels, build args). */
const mapOrList = z.union([z.record(z.string(), scalar), z.array(z.string())]);
const stringOrList = z.union([z.string(), z.array(z.string())]);
const name = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'letters, digits, "_", "." and "-"');
const sizeOrNumber = z.union([z.string(), z.number().nonnegative()]);

const build = z.union([
  z.string().min(1),
  z.strictObject({
    context: z.string().min(1).optional(),
    dockerfile: z.string().min(1).optional(),
    args: mapOrList.optional(),
    target: z.string().min(1).optional(),
  }),
]);

const portLong = z.strictObject({
  target: z.number().int().min(1).max(65535),
  published: z.union([z.string(), z.number().int()]).optional(),
  host_ip: z.string().optional(),
  protocol: z.enum(['tcp', 'udp']).optional(),
  mode: z.enum(['host', 'ingress']).optional(),
});

const healthcheck = z.strictObject({
  test: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
  interval: z.string().optional(),
  timeout: z.string().optional(),
  retries: z.number().int().min(0).optional(),
  start_period: z.string().optional(),
  start_interval: z.string().optional(),
  disable: z.boolean().optional(),
});

const volumeLong = z.strictObject({
  type: z.enum(['bind', 'volume', 'tmpfs']),
  source: z.string().optional(),
  target: z.string().min(1),
  read_only: z.boolean().optional(),
});

/** `- name` (mounted at /run/secrets/name) or the long syntax (target relative to /run/secrets). */
const serviceSecret = z.union([
  name,
  z.strictObject({ source: name, target: z.string().min(1).optional(), uid: z.string().optional(), gid: z.string().optional(), mode: z.number().int().min(0).max(7777).optional() }),
]);

const envFileEntry = z.union([z.string().min(1), z.strictObject({ path: z.string().min(1), required: z.boolean().optional() })]);

export const composeServiceSchema = z.strictObject({
  image: z.string().min(1).optional(),
  build: build.optional(),
  command: stringOrList.optional(),
  entrypoint: stringOrList.optional(),
  environment: mapOrList.optional(),
  /** Accepted so the CLI can fold it (foldEnvFiles); the control plane rejects it (env_file_unresolved). */
  env_file: z.union([z.string().min(1), z.array(envFileEntry)]).optional(),
  ports: z.array(z.union([z.string(), z.number().int(), portLong])).optional(),
  expose: z.array(z.union([z.string(), z.number().int()])).optional(),
  networks: z.union([
    z.array(name),
    z.record(name, z.union([z.null(), z.strictObject({ aliases: z.array(z.string()).optional() })])),
  ]).optional(),
  depends_on: z.union([
    z.array(name),
    z.record(name, z.strictObject({
      condition: z.enum(['service_started', 'service_healthy', 'service_completed_successfully']).optional(),
      restart: z.boolean().optional(),
      required: z.boolean().optional(),
    })),
  ]).optional(),
  healthcheck: healthcheck.optional(),
  restart: z.union([z.enum(['no', 'always', 'unless-stopped', 'on-failure']), z.string().regex(/^on-failure:\d+$/)]).optional(),
  volumes: z.array(z.union([z.string().min(1), volumeLong])).optional(),
  labels: mapOrList.optional(),
  deploy: z.strictObject({
    replicas: z.number().int().min(0).max(1000).optional(),
    resources: z.strictObject({
      limits: z.strictObject({ memory: sizeOrNumber.optional(), cpus: sizeOrNumber.optional() }).optional(),
    }).optional(),
  }).optional(),
  logging: z.strictObject({ driver: z.string().optional(), options: z.record(z.string(), scalar).optional() }).optional(),
  hostname: z.string().regex(/^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,251}[a-zA-Z0-9])?$/, 'a host name: letters, digits, "." and "-"').optional(),
  user: z.string().regex(/^[a-zA-Z0-9_][a-zA-Z0-9_.-]*(:[a-zA-Z0-9_][a-zA-Z0-9_.-]*)?$/, 'user[:group], names or numeric ids').optional(),
  stop_signal: z.string().regex(/^(SIG)?[A-Z0-9+-]+$|^\d+$/, 'a signal name such as SIGTERM, or its number').optional(),
  /** A duration string (checked in normalize.ts). */
  stop_grace_period: z.string().optional(),
  secrets: z.array(serviceSecret).optional(),
  /** Tolerated and ignored with a warning: see normalize.ts for why Berth names containers itself. */
  container_name: z.string().optional(),
});

const networkDef = z.union([
  z.null(),
  z.strictObject({
    driver: z.string().optional(),
    driver_opts: z.record(z.string(), scalar).optional(),
    external: z.boolean().optional(),
    internal: z.boolean().optional(),
    attachable: z.boolean().optional(),
    name: z.string().optional(),
    labels: mapOrList.optional(),
  }),
]);

/** Berth makes local volumes and labels them itself: driver options and labels are refused, not dropped. */
const volumeDef = z
  .strictObject({
    driver: z.literal('local').optional(),
    external: z.boolean().optional(),
    name: z.string().min(1).optional(),
  })
  .nullable();

/** A file source becomes a resource secret (the CLI uploads it); environment and external are refused at plan. */
const secretDef = z.strictObject({
  file: z.string().min(1).optional(),
  environment: z.string().min(1).optional(),
  external: z.boolean().optional(),
});

export const composeDocumentSchema = z.strictObject({
  name: z.string().optional(),
  secrets: z.record(name, secretDef).optional(),
  services: z.record(name, composeServiceSchema).refine((s) => Object.keys(s).length > 0, 'At least one service is required.'),
  networks: z.record(name, networkDef).optional(),
  volumes: z.record(name, volumeDef).optional(),
});

/** A validated compose document, still in compose spelling (what the CLI folds and sends). */
export type ComposeDocument = z.infer<typeof composeDocumentSchema>;
export type ComposeServiceDocument = z.infer<typeof composeServiceSchema>;
