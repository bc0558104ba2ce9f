// Source locations as users write them, and the form safe to show: a git URL may carry a
// token (https://user:token@host/repo), which must never reach summaries, errors or events.

/** scheme://... (https, ssh, git, file) or scp-like user@host:path. */
export function isRemoteGitUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location) || /^[^/@:\s]+@[^/:\s]+:/.test(location);
}

/** Removes user and password from URL-shaped locations; other text is returned unchanged. */
export function safeLocation(location: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    try {
      const url = new URL(location);
      url.username = '';
      url.password = '';
      return url.toString();
    } catch {
      // Not parseable: strip anything that looks like credentials before the host.
      return location.replace(/\/\/[^/@]*@/, '//');
    }
  }
  // scp-like: the part before "@" is an account name; drop it if it hides a password.
  return location.replace(/^[^/@:\s]+:[^/@\s]*@/, '');
}
