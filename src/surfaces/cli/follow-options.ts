// The options of every command that follows an attempt (`berth up`, redeploy, retry, rollback):
// one list for the manifest's operation commands and for the commands written in code.

export const FOLLOW_OPTIONS: readonly { flags: string; description: string }[] = [
  { flags: '--no-wait', description: 'return once the attempt is created' },
  { flags: '--quiet', description: 'hide the build and pull output while following (phase and step lines stay)' },
];
