import type { ExperimentPermission, ModelPermission, StoredUser, User } from './auth.types';
import type { Permission } from './permissions';

/**
 * Users, grants and tokens (MLflow's auth SqlAlchemyStore is the model). Lookups answer
 * undefined for what does not exist; writes on a missing row throw RESOURCE_DOES_NOT_EXIST,
 * a second grant of the same pair RESOURCE_ALREADY_EXISTS.
 */
export abstract class AuthStore {
  abstract createUser(username: string, passwordHash: string, isAdmin: boolean): Promise<User>;
  abstract getUser(username: string): Promise<StoredUser | undefined>;
  abstract getUserById(id: number): Promise<StoredUser | undefined>;
  abstract updatePassword(username: string, passwordHash: string): Promise<void>;
  abstract updateAdmin(username: string, isAdmin: boolean): Promise<void>;
  /** Removes the user with its grants and tokens, in one transaction. */
  abstract deleteUser(username: string): Promise<void>;

  abstract experimentPermissions(userId: number): Promise<ExperimentPermission[]>;
  abstract modelPermissions(userId: number): Promise<ModelPermission[]>;
  abstract getExperimentPermission(experimentId: string, userId: number): Promise<Permission | undefined>;
  abstract getModelPermission(name: string, userId: number): Promise<Permission | undefined>;
  abstract createExperimentPermission(experimentId: string, userId: number, permission: Permission): Promise<void>;
  abstract createModelPermission(name: string, userId: number, permission: Permission): Promise<void>;
  /** Create or replace (grants made for the creator of a resource). */
  abstract upsertExperimentPermission(experimentId: string, userId: number, permission: Permission): Promise<void>;
  abstract upsertModelPermission(name: string, userId: number, permission: Permission): Promise<void>;
  abstract updateExperimentPermission(experimentId: string, userId: number, permission: Permission): Promise<void>;
  abstract updateModelPermission(name: string, userId: number, permission: Permission): Promise<void>;
  abstract deleteExperimentPermission(experimentId: string, userId: number): Promise<void>;
  abstract deleteModelPermission(name: string, userId: number): Promise<void>;
  /** A registered model renamed or deleted: its grants follow (MLflow's after-request hooks). */
  abstract renameModelPermissions(name: string, newName: string): Promise<void>;
  abstract deleteModelPermissions(name: string): Promise<void>;

  abstract createToken(tokenHash: string, userId: number, expiresAt: number): Promise<void>;
  /** The user of an unexpired token. */
  abstract userOfToken(tokenHash: string, now: number): Promise<StoredUser | undefined>;
  abstract deleteToken(tokenHash: string): Promise<boolean>;
}
