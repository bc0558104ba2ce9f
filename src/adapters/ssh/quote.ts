/**
 * One argument for a POSIX shell: single-quoted, a single quote written as '\''. sshd runs an
 * exec request through the user's login shell (`$SHELL -c <string>`), so an argv only stays an
 * argv when every element is quoted; nothing in it is ever expanded.
 */
export function shellQuote(arg: string): string {
  if (arg.includes('\0')) throw new TypeError('an argument cannot contain NUL');
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new TypeError('exec needs a program');
  return argv.map(shellQuote).join(' ');
}
