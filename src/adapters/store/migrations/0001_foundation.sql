CREATE TABLE projects (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL
);

CREATE TABLE environments (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id),
  name text NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (project_id, name)
);

CREATE TABLE resources (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id),
  environment_id text NOT NULL REFERENCES environments(id),
  name text NOT NULL,
  source jsonb,
  runtime jsonb NOT NULL,
  network jsonb NOT NULL,
  health jsonb NOT NULL,
  access jsonb NOT NULL,
  secret_names jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (environment_id, name)
);

CREATE TABLE servers (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,
  kind text NOT NULL,
  host text,
  port integer,
  username text,
  created_at timestamptz NOT NULL
);

CREATE TABLE tokens (
  id text PRIMARY KEY,
  name text NOT NULL,
  secret_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz,
  last_used_at timestamptz
);

-- Append-only; rows are hash-chained (hash = sha256(prev_hash || canonical row)).
CREATE TABLE audit_events (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  type text NOT NULL,
  actor text NOT NULL,
  created_at timestamptz NOT NULL,
  payload jsonb NOT NULL,
  redacted_fields jsonb NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX audit_events_aggregate ON audit_events (aggregate_id, seq);
CREATE INDEX audit_events_created ON audit_events (created_at);
