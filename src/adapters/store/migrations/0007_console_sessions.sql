-- Console sessions. A row starts as a one-time sign-in link (link_hash, link_expires_at) or, for
-- an operator token's sign-in, as a session at once. Redeeming a link sets redeemed_at and the
-- session's secret_hash in one compare-and-set, so a link signs in once. Only SHA-256 hashes of
-- links and session secrets are stored. A session acts as the token it came from.
CREATE TABLE console_sessions (
  id text PRIMARY KEY,
  token_id text NOT NULL REFERENCES tokens(id),
  link_hash text UNIQUE,
  link_expires_at timestamptz,
  redeemed_at timestamptz,
  secret_hash text UNIQUE,
  expires_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL
);
