-- History and governance (issue 5): work ledger, legal holds, audit prune runs, retention
-- defaults, provider job logs, sealed resource secrets.

-- Background work other than deployment attempts (those are derived from deployments).
CREATE TABLE work_items (
  id text PRIMARY KEY,
  kind text NOT NULL,
  status text NOT NULL,
  phase text,
  resource_id text,
  server_id text,
  deployment_id text,
  certificate_id text,
  error jsonb,
  details jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  finished_at timestamptz
);
CREATE INDEX work_items_created ON work_items (created_at);

CREATE TABLE legal_holds (
  id text PRIMARY KEY,
  aggregate_id text NOT NULL,
  reason text NOT NULL,
  status text NOT NULL,
  created_at timestamptz NOT NULL,
  created_by text NOT NULL,
  released_at timestamptz,
  released_by text,
  release_reason text
);
CREATE INDEX legal_holds_active ON legal_holds (aggregate_id) WHERE status = 'active';

-- Each contiguous run of audit rows a prune deleted: verification crosses exactly these runs.
CREATE TABLE audit_prune_gaps (
  id bigserial PRIMARY KEY,
  from_seq bigint NOT NULL,
  through_seq bigint NOT NULL,
  first_prev_hash text NOT NULL,
  last_hash text NOT NULL,
  rows bigint NOT NULL,
  pruned_at timestamptz NOT NULL
);

CREATE TABLE retention_defaults (
  scope text NOT NULL,
  category text NOT NULL,
  retention_days integer NOT NULL,
  schedule text NOT NULL,
  updated_at timestamptz NOT NULL,
  updated_by text NOT NULL,
  PRIMARY KEY (scope, category)
);

CREATE TABLE provider_job_logs (
  seq bigserial PRIMARY KEY,
  provider text NOT NULL,
  job_id text,
  deployment_id text,
  resource_id text,
  at timestamptz NOT NULL,
  level text NOT NULL,
  message text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX provider_job_logs_at ON provider_job_logs (at);

-- Values are AES-256-GCM sealed by the control plane before they reach the store.
CREATE TABLE resource_secrets (
  resource_id text NOT NULL REFERENCES resources(id),
  name text NOT NULL,
  sealed text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (resource_id, name)
);
