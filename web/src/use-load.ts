import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, get } from './api.js';
import type { ErrorObject } from './types.js';

/** GETs a path, with its catalogued error; `reload` reads it again. */
export function useLoad<T>(path: string): { data: T | null; error: ErrorObject | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ErrorObject | null>(null);
  const reload = useCallback(() => {
    get<T>(path).then(
      (d) => {
        setData(d);
        setError(null);
      },
      (err) => (err instanceof ApiError ? setError(err.error) : Promise.reject(err)),
    );
  }, [path]);
  useEffect(reload, [reload]);
  return { data, error, reload };
}
