CREATE TABLE deployments (
  id text PRIMARY KEY,
  resource_id text NOT NULL REFERENCES resources(id),
  project_id text NOT NULL,
  environment_id text NOT NULL,
  server_id text NOT NULL REFERENCES servers(id),
  trigger text NOT NULL,
  status text NOT NULL,
  current_phase text NOT NULL,
  preview_type text,
  preview_id text,
  snapshot jsonb NOT NULL,
  source_summary jsonb,
  plan jsonb,
  artifact jsonb,
  runtime jsonb,
  access_url text,
  error jsonb,
  recovery_hint text,
  heartbeat_at timestamptz,
  owner text,
  events_pruned_through bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  finished_at timestamptz,
  archived_at timestamptz,
  source_deployment_id text
);
CREATE INDEX deployments_resource ON deployments (resource_id, created_at);
CREATE INDEX deployments_active ON deployments (status) WHERE status IN ('created', 'planning', 'planned', 'running', 'verifying', 'cancel-requested');

-- The per-attempt journal; seq is the cursor of event streams.
CREATE TABLE deployment_events (
  seq bigserial PRIMARY KEY,
  deployment_id text NOT NULL REFERENCES deployments(id),
  at timestamptz NOT NULL,
  kind text NOT NULL,
  phase text,
  data jsonb NOT NULL
);
CREATE INDEX deployment_events_deployment ON deployment_events (deployment_id, seq);
CREATE INDEX deployment_events_at ON deployment_events (at);
