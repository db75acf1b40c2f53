import type { Permission } from './permissions';

export interface User {
  id: number;
  username: string;
  isAdmin: boolean;
}

export interface StoredUser extends User {
  passwordHash: string;
}

export interface ExperimentPermission {
  experimentId: string;
  userId: number;
  permission: Permission;
}

export interface ModelPermission {
  name: string;
  userId: number;
  permission: Permission;
}

/** Who sent a request: a user, the scoring token, or nobody (auth off, or a public route). */
export type Principal = { kind: 'user'; user: User } | { kind: 'scoring' } | { kind: 'anonymous' };
