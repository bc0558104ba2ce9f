import { z } from 'zod';

// GET inputs travel as query strings; these accept the string form and the typed form alike,
// so the same input works from the CLI, HTTP and MCP.
export const queryInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
export const queryBool = z.union([z.boolean(), z.stringbool()]);
