import { useQuery } from '@tanstack/react-query';
import type { Me } from '../lib/permissions';
import { get } from './client';

/** The signed-in user and their grants (one query, shared by every view). */
export function useMe() {
  return useQuery({ queryKey: ['me'], queryFn: () => get<Me>('/api/v1/auth/me'), staleTime: 60_000, retry: false });
}
