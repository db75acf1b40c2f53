import { ErrorCode, MlflowError } from '../common/mlflow-error';
import type { Permission } from '../config/app-config';

export type { Permission };

/** MLflow's permission levels (mlflow/server/auth/permissions.py): each one a set of abilities. */
export const PERMISSIONS: Record<Permission, { read: boolean; update: boolean; delete: boolean; manage: boolean }> = {
  READ: { read: true, update: false, delete: false, manage: false },
  EDIT: { read: true, update: true, delete: false, manage: false },
  MANAGE: { read: true, update: true, delete: true, manage: true },
  NO_PERMISSIONS: { read: false, update: false, delete: false, manage: false },
};

/** What a route asks of the experiment or model it touches. */
export type Ability = 'read' | 'update' | 'delete' | 'manage';

export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(PERMISSIONS, value);
}

export function allows(permission: Permission, ability: Ability): boolean {
  return PERMISSIONS[permission][ability];
}

/** 403 as MLflow's auth app answers it (`Permission denied`), optionally saying why. */
export const permissionDenied = (why?: string) =>
  new MlflowError(ErrorCode.PERMISSION_DENIED, why ? `Permission denied: ${why}` : 'Permission denied');
