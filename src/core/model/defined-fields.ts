/** The fields of a partial change that were given: a PATCH leaves the others as they are (null is a value). */
export function definedFields<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Partial<T>;
}
