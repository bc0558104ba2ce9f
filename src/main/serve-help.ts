// Its own module: the CLI shows it in `berth serve --help` without loading the control plane.

/** What `berth serve --help` says about stopping: the edge proxy outlives the control plane. */
export const SERVE_STOPPING_HELP = `
Stopping (SIGINT/SIGTERM): the control plane lets running attempts finish their current step
(up to 30 s), then exits. The edge proxy (two Caddy processes under $BERTH_HOME/proxy) keeps
running, so every deployed site keeps answering while the control plane is stopped or
restarted, and the next control plane adopts it. Containers keep running too.
To stop the proxy as well: start with --stop-proxy, or run \`berth proxy stop\`.`;
