import { z } from 'zod';

// Resource secrets are environment variables: their names follow the POSIX shell rule, so a
// name can never smuggle `=` or a newline into a container's environment.
export const secretName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and _, not starting with a digit');
