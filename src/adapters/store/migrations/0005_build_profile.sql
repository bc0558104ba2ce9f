-- The build profile (berth.yml `build`): env, args, secret names, host trust. Resources recorded
-- before it get the profile's defaults, so every row satisfies the strict schema.
ALTER TABLE resources ADD COLUMN build jsonb NOT NULL DEFAULT '{"hostTrust": true}'::jsonb;
