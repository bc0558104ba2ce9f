// Why a dependency install failed, read from what the package manager printed. npm, yarn
// (classic and berry) and pnpm name the cause in a code or a fixed phrase; the first cause found
// in this order wins: a lockfile or auth error is often followed by network noise, and a failed
// native build by the 404 of a prebuilt binary it tried first.

export type InstallFailureReason = 'network' | 'tls' | 'auth' | 'not-found' | 'lockfile' | 'compile' | 'system-library' | 'unknown';

export interface InstallFailure {
  reason: InstallFailureReason;
  /** The missing shared library, for `system-library`. */
  library?: string;
  /** The lines that name the cause (first), then the last lines of the log; bounded. */
  logTail: string[];
}

const RULES: { reason: Exclude<InstallFailureReason, 'unknown'>; pattern: RegExp }[] = [
  { reason: 'system-library', pattern: /error while loading shared libraries: (\S+?\.so[.\d]*)/ },
  { reason: 'tls', pattern: /\b(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_[A-Z_]+|ERR_TLS_CERT_ALTNAME_INVALID)\b|self[- ]signed certificate|unable to get local issuer certificate/i },
  { reason: 'lockfile', pattern: /ERR_PNPM_OUTDATED_LOCKFILE|ERR_PNPM_LOCKFILE_CONFIG_MISMATCH|lock file's .* (do not match|does not satisfy)|Missing: \S+ from lock file|can only install packages when your package\.json and package-lock\.json|YN0028|lockfile would have been (modified|created)|Your lockfile needs to be updated/i },
  { reason: 'auth', pattern: /\b(E401|E403|ENEEDAUTH|ERR_PNPM_FETCH_40[13])\b|\b40[13] (Unauthorized|Forbidden)\b|Incorrect or missing password|authentication token not provided|YN0041/i },
  { reason: 'compile', pattern: /gyp ERR!|node-pre-gyp ERR!|prebuild-install err|make: \*\*\*/i },
  { reason: 'not-found', pattern: /\b(E404|ETARGET|ERR_PNPM_FETCH_404|ERR_PNPM_NO_MATCHING_VERSION)\b|No matching version found|404 Not Found|Couldn't find any versions for|YN0082/i },
  {
    reason: 'network',
    pattern: /\b(ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ESOCKETTIMEDOUT|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|EPIPE|ERR_SOCKET_TIMEOUT|ERR_PNPM_META_FETCH_FAIL|ERR_PNPM_FETCH_5\d\d|E5\d\d)\b|socket hang up|network (connectivity|error)|getaddrinfo|\b5\d\d (Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out)\b|YN0001.*(RequestError|ETIMEDOUT|ECONNRESET)/i,
  },
];

/** Lines of the cause, then the last lines; each list bounded so details stay small. */
const CAUSE_LINES = 8;
const LAST_LINES = 12;
const LINE_CHARS = 400;

export function classifyInstallFailure(lines: readonly string[]): InstallFailure {
  const trimmed = lines.map((l) => l.replace(/\s+$/, '')).filter(Boolean);
  for (const rule of RULES) {
    const matched = trimmed.filter((l) => rule.pattern.test(l));
    if (matched.length === 0) continue;
    const library = rule.reason === 'system-library' ? rule.pattern.exec(matched[0]!)?.[1] : undefined;
    return { reason: rule.reason, ...(library ? { library } : {}), logTail: tailWith(trimmed, matched) };
  }
  return { reason: 'unknown', logTail: tailWith(trimmed, []) };
}

function tailWith(lines: string[], cause: string[]): string[] {
  const first = [...new Set(cause)].slice(0, CAUSE_LINES);
  const last = lines.slice(-LAST_LINES).filter((l) => !first.includes(l));
  return [...first, ...last].map((l) => (l.length > LINE_CHARS ? `${l.slice(0, LINE_CHARS)}…` : l));
}
