-- SSH servers: how Berth authenticates (key or agent), the pinned host key, the server's state
-- root, edge port, base domain and Docker socket. The private key and passphrase are sealed by
-- the secret cipher before they reach this column; rows recorded before get the defaults.
ALTER TABLE servers ADD COLUMN auth text;
ALTER TABLE servers ADD COLUMN host_key text;
ALTER TABLE servers ADD COLUMN state_root text NOT NULL DEFAULT '/var/lib/berth';
ALTER TABLE servers ADD COLUMN http_port integer NOT NULL DEFAULT 80;
ALTER TABLE servers ADD COLUMN base_domain text;
ALTER TABLE servers ADD COLUMN docker_socket text NOT NULL DEFAULT '/var/run/docker.sock';
ALTER TABLE servers ADD COLUMN sealed_credentials text;
