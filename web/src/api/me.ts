import { useQuery } from '@tanstack/react-query';
import type { Me } from '../lib/permissions';
import { get } from './client';

/**
 * The signed-in user and their grants (one query, shared by every view). A server without
 * authentication answers it too: `auth: false`, everyone may do everything.
 */
export function useMe() {
  return useQuery({
    queryKey: ['me'],
    staleTime: 60_000,
    retry: false,
    queryFn: () => get<Me>('/api/v1/auth/me'),
  });
}
