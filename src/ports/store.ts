import type { Actor, AuditEventSummary, Environment, Project, Resource, Server, Token } from '../core/model/records.js';

// The state store as operations see it. Adapters implement it over PGlite or PostgreSQL with one
// schema; nothing above this port knows which.

export interface AuditInput {
  type: string;
  aggregateType: string;
  aggregateId: string;
  actor: Actor;
  payload: object;
}

export interface ProjectsRepo {
  create(p: Project): Promise<void>;
  get(id: string): Promise<Project | undefined>;
  findByName(name: string): Promise<Project | undefined>;
  list(): Promise<Project[]>;
}

export interface EnvironmentsRepo {
  create(e: Environment): Promise<void>;
  get(id: string): Promise<Environment | undefined>;
  findByName(projectId: string, name: string): Promise<Environment | undefined>;
  list(projectId?: string): Promise<Environment[]>;
}

export interface ResourcesRepo {
  create(r: Resource): Promise<void>;
  update(r: Resource): Promise<void>;
  get(id: string): Promise<Resource | undefined>;
  findByName(environmentId: string, name: string): Promise<Resource | undefined>;
  list(filter?: { environmentId?: string; projectId?: string }): Promise<Resource[]>;
}

export interface ServersRepo {
  create(s: Server): Promise<void>;
  get(id: string): Promise<Server | undefined>;
  findByName(name: string): Promise<Server | undefined>;
  list(): Promise<Server[]>;
}

export interface TokensRepo {
  create(t: Token, secretHash: string): Promise<void>;
  get(id: string): Promise<Token | undefined>;
  findByHash(secretHash: string): Promise<Token | undefined>;
  list(): Promise<Token[]>;
  revoke(id: string, at: string): Promise<void>;
  touch(id: string, at: string): Promise<void>;
}

export interface AuditRepo {
  append(e: AuditInput): Promise<string>;
  list(aggregateId: string): Promise<AuditEventSummary[]>;
}

export interface StoreRepos {
  projects: ProjectsRepo;
  environments: EnvironmentsRepo;
  resources: ResourcesRepo;
  servers: ServersRepo;
  tokens: TokensRepo;
  audit: AuditRepo;
}

export interface Store extends StoreRepos {
  readonly backend: 'pglite' | 'postgres';
  /** Runs fn in one transaction: all its writes land, or none. */
  transaction<T>(fn: (tx: StoreRepos) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
