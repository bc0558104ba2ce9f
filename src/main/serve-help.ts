// Its own module: the CLI shows it in `berth serve --help` without loading the control plane.

/** What `berth serve --help` says about stopping: the edge proxy outlives the control plane. */
export const SERVE_STOPPING_HELP = `
Stopping (SIGINT/SIGTERM): the control plane lets running attempts finish their current step
(up to 30 s), then exits. The edge proxy (two Caddy processes under $BERTH_HOME/proxy) keeps
running, so every deployed site keeps answering while the control plane is stopped or
restarted, and the next control plane adopts it. Containers keep running too.
To stop the proxy as well: start with --stop-proxy, or run \`berth proxy stop\`.`;

/** What `berth serve --help` says about exposing the API: TLS beyond loopback, or a refusal. */
export const SERVE_TRANSPORT_HELP = `
Exposing the API: on loopback (127.0.0.0/8, ::1, localhost) it is plain HTTP. Anywhere else,
bearer tokens would cross the network, so the control plane needs --tls-cert and --tls-key
(HTTPS), and refuses plain HTTP (listen_insecure) unless --insecure-http is given; doctor then
warns. Clients set BERTH_URL=https://... and, for a private CA, BERTH_CA_CERT=<ca.pem>.
--public-url https://HOST (or BERTH_PUBLIC_URL) serves the API through the edge proxy at HOST:
with a loopback --listen and the edge's HTTPS listener (BERTH_HTTPS_LISTEN), the control plane
routes HOST on the edge to itself and the edge gets HOST's certificate by ACME, as for a
resource's domain (doctor shows its readiness; HTTP redirects once it is issued). HOST belongs to
the control plane: a resource domain of it is domain_conflict. With --tls-cert the control plane
serves HTTPS itself, and the certificate must name HOST.
`;
