import { useQuery } from '@tanstack/react-query';
import type { Me } from '../lib/permissions';
import { ApiError, get } from './client';

/** A server without authentication (the auth app is not mounted): everyone may do everything. */
const OPEN: Me = {
  auth: false,
  username: null,
  is_admin: true,
  default_permission: 'MANAGE',
  experiments: [],
  registered_models: [],
};

/** The signed-in user and their grants (one query, shared by every view). */
export function useMe() {
  return useQuery({
    queryKey: ['me'],
    staleTime: 60_000,
    retry: false,
    queryFn: () =>
      get<Me>('/api/v1/auth/me').catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 404) return OPEN;
        throw err;
      }),
  });
}
