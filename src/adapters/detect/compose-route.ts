import type { ComposeModel, ComposeService } from '../../core/compose/model.js';
import type { NetworkProfile } from '../../core/model/profiles.js';
import type { Evidence } from '../../core/plan/plan.js';
import { blocked, portMissing } from './context.js';

// Which compose service the access URL reaches. Compose has no "public" flag, so Berth picks an
// HTTP service: never a data store (by image or by port), preferring services that publish a
// port, listen on a well-known web port and carry a web-like name. Two equally good candidates
// are a doubt, and a doubt blocks the plan: berth.yml's network.service settles it.

/** Images of data stores and brokers: never the routed service, whatever they listen on. */
const DATA_STORE_IMAGES = /(^|\/)(postgres|postgis|timescaledb|mysql|mariadb|percona|redis|valkey|keydb|mongo|memcached|rabbitmq|elasticsearch|opensearch|cassandra|scylla|couchdb|couchbase|neo4j|influxdb|clickhouse|cockroach|zookeeper|kafka|nats|etcd|minio)([-:@/]|$)/i;
/** Ports of data stores and brokers. */
const DATA_STORE_PORTS = new Set([5432, 3306, 6379, 27017, 27018, 11211, 5672, 15672, 9200, 9300, 9042, 5984, 7687, 8086, 2181, 9092, 4222, 2379, 26257, 1433, 1521]);
/** Service names authors give data stores and brokers. */
const DATA_STORE_NAMES = /^(db|database|postgres|postgresql|pg|mysql|mariadb|redis|cache|memcached|mongo|mongodb|rabbitmq|kafka|zookeeper|elasticsearch|etcd)$/i;
/** Well-known HTTP ports, best first. */
const WEB_PORTS = [80, 8080, 3000, 8000, 5000, 4000, 8081, 8888, 5173, 4200, 3001, 8008];
/** Service names authors give the entry point. */
const WEB_NAMES = /^(web|app|frontend|front|proxy|nginx|caddy|http|www|site|ui|client|gateway|webapp|server|api)$/i;

export const ROUTE_OVERRIDE = 'network.service';

interface Candidate {
  service: ComposeService;
  port: number;
  score: number;
  why: string[];
}

/** The routed service and its port, or plan_blocked / internal_port_missing with evidence. */
export function routedService(model: ComposeModel, network: NetworkProfile, evidence: Evidence[]): { service: string; port: number } {
  if (network.service !== undefined) return explicitService(model, network, evidence);
  const wanted = network.internalPort;
  const candidates = model.services.flatMap((s) => candidate(s, wanted));
  if (candidates.length === 0) {
    const stores = model.services.filter(isDataStore).map((s) => s.name);
    throw portMissing([...evidence, { kind: 'missing', detail: wanted !== undefined ? `an HTTP service listening on ${wanted}` : 'ports/expose on an HTTP service' }, ...stores.map((s) => ({ kind: 'skipped', detail: `services.${s} is a data store` }))]);
  }
  const ranked = candidates.sort((a, b) => b.score - a.score);
  const [best, second] = ranked;
  if (second && second.score === best!.score) {
    throw blocked('compose_route_ambiguous', `Services ${best!.service.name} and ${second.service.name} are equally likely to be the web entry point: name the routed service in berth.yml (network.service).`, {
      evidence: [...evidence, ...ranked.filter((c) => c.score === best!.score).map((c) => ({ kind: 'candidate', detail: `services.${c.service.name} on ${c.port} (${c.why.join(', ') || 'listens'})` }))],
      fixPath: 'berth.yml',
      overridePath: ROUTE_OVERRIDE,
      profileField: ROUTE_OVERRIDE,
    });
  }
  evidence.push(wanted !== undefined ? { kind: 'explicit', detail: 'network.internalPort' } : { kind: 'config', detail: `services.${best!.service.name} listens on ${best!.port} (${best!.why.join(', ') || 'listens'})` });
  return { service: best!.service.name, port: best!.port };
}

function explicitService(model: ComposeModel, network: NetworkProfile, evidence: Evidence[]): { service: string; port: number } {
  const s = model.services.find((x) => x.name === network.service);
  if (!s) {
    throw blocked('compose_route_service_unknown', `network.service names ${network.service}, which the compose file does not declare.`, {
      evidence: [...evidence, ...model.services.map((x) => ({ kind: 'candidate', detail: `services.${x.name}` }))],
      fixPath: 'berth.yml',
      overridePath: ROUTE_OVERRIDE,
      profileField: ROUTE_OVERRIDE,
    });
  }
  evidence.push({ kind: 'explicit', detail: ROUTE_OVERRIDE });
  const port = network.internalPort ?? bestPort(listens(s));
  if (port === undefined) throw portMissing([...evidence, { kind: 'missing', detail: `ports/expose on services.${s.name}` }]);
  return { service: s.name, port };
}

const listens = (s: ComposeService) => [...new Set([...s.ports.map((p) => p.container), ...s.expose])];

/** A data store or broker, by image, by name, or because every port it listens on is one of theirs. */
const isDataStore = (s: ComposeService) =>
  (s.image !== undefined && DATA_STORE_IMAGES.test(s.image)) || DATA_STORE_NAMES.test(s.name) || (listens(s).length > 0 && listens(s).every((p) => DATA_STORE_PORTS.has(p)));

/** The best web port, else the first port listed (authors list the main one first). */
function bestPort(ports: number[]): number | undefined {
  return WEB_PORTS.find((p) => ports.includes(p)) ?? ports.find((p) => !DATA_STORE_PORTS.has(p)) ?? ports[0];
}

/**
 * A service's claim to the route. Without a wanted port: an HTTP service that listens at all,
 * scored by publishing, web port and name. With network.internalPort: every service, the ones
 * listening on it first; a data store only when it does listen on it (the user asked for it).
 */
function candidate(s: ComposeService, wanted: number | undefined): Candidate[] {
  const ports = listens(s);
  const store = isDataStore(s);
  const why: string[] = [];
  let score = 0;
  const add = (points: number, reason?: string) => {
    score += points;
    if (reason) why.push(reason);
  };
  let port: number;
  if (wanted === undefined) {
    if (store || ports.length === 0) return [];
    port = bestPort(ports)!;
  } else {
    port = wanted;
    if (ports.includes(wanted)) add(16, 'listens on it');
    else if (store) return [];
    if (store) add(-8);
  }
  if (s.ports.some((p) => p.container === port)) add(4, 'publishes it');
  if (WEB_PORTS.includes(port)) add(2, 'web port');
  if (WEB_NAMES.test(s.name)) add(1, 'web name');
  return [{ service: s, port, score, why }];
}
