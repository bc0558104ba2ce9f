-- `berth deployments provider-log <id>` reads one attempt's provider output, newest lines first.
CREATE INDEX provider_job_logs_deployment ON provider_job_logs (deployment_id, seq);
