// Secrets never leave their store in clear (docs/architecture.md, invariant 3): operations seal values
// before the store sees them, and only the runner resolves them, into a container environment.

export interface SecretCipher {
  /** Encrypts a value; the result is safe to store. */
  seal(plain: string): string;
  open(sealed: string): string;
}

export interface SecretResolver {
  /** Values of the named secrets of a resource; names without a stored value are left out. */
  resolve(resourceId: string, names: readonly string[]): Promise<Record<string, string>>;
}
