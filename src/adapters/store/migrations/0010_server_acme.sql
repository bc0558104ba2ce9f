-- A server's own ACME directory URL and contact email for its edge's certificates. NULL (every
-- row recorded before): the control plane's settings (BERTH_ACME_CA, BERTH_ACME_EMAIL).
ALTER TABLE servers ADD COLUMN acme_ca text;
ALTER TABLE servers ADD COLUMN acme_email text;
