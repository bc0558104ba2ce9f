-- Status reads stay bounded however long a resource's history grows: each one walks an index
-- in its own order (newest first, id breaking ties) and stops at its limit.

-- `deployments list` (archived attempts hidden unless asked).
CREATE INDEX deployments_newest ON deployments (created_at DESC, id DESC) WHERE archived_at IS NULL;
-- `deployments list --resource`, and a resource's latest attempt (archived included).
CREATE INDEX deployments_resource_newest ON deployments (resource_id, created_at DESC, id DESC);
CREATE INDEX deployments_resource_unarchived ON deployments (resource_id, created_at DESC, id DESC) WHERE archived_at IS NULL;
DROP INDEX deployments_resource;
-- Live attempts (succeeded, runtime never retired): the serving one and what a new version
-- retires. A resource keeps a few live at most, so this index stays small whatever its history.
CREATE INDEX deployments_live ON deployments (resource_id, created_at DESC, id DESC)
  WHERE status = 'succeeded' AND jsonb_typeof(runtime) = 'object' AND runtime->>'retiredAt' IS NULL;
