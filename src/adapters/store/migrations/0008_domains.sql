-- Custom domains. One row per name: a domain a resource answers at, or a redirect-from name
-- (redirect_to names the domain it redirects to). The unique name is what makes a domain belong
-- to one resource (domain_conflict). origin says who added it: a `berth domain add` command or
-- the resource's berth.yml (access.domains, kept in step on each deploy). cert_seen is the last
-- certificate readiness observed from the proxy, so a change (issued, renewed, failed) is
-- audited once.
CREATE TABLE domains (
  id text PRIMARY KEY,
  resource_id text NOT NULL REFERENCES resources(id),
  name text NOT NULL UNIQUE,
  tls text NOT NULL,
  redirect_to text,
  origin text NOT NULL,
  cert_seen jsonb,
  created_at timestamptz NOT NULL
);
CREATE INDEX domains_resource ON domains (resource_id);
