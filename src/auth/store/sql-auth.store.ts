import { Injectable } from '@nestjs/common';
import { MlflowError } from '../../common/mlflow-error';
import { Db, SqlRunner } from '../../database/db';
import { isUniqueViolation } from '../../database/sql-helpers';
import { AuthStore } from '../auth.store';
import type { ExperimentPermission, ModelPermission, StoredUser, User } from '../auth.types';
import type { Permission } from '../permissions';

interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  is_admin: boolean | number;
}

const USER_COLUMNS = 'id, username, password_hash, is_admin';

function toUser(row: UserRow): StoredUser {
  return { id: Number(row.id), username: row.username, passwordHash: row.password_hash, isAdmin: !!row.is_admin };
}

const userNotFound = (username: string) => MlflowError.notFound(`User with username=${username} not found`);

/** Experiment grants and model grants differ only in table and key column. */
const GRANTS = {
  experiment: { table: 'auth_experiment_permissions', key: 'experiment_id', label: 'experiment_id' },
  model: { table: 'auth_model_permissions', key: 'name', label: 'name' },
} as const;
type GrantKind = keyof typeof GRANTS;

@Injectable()
export class SqlAuthStore extends AuthStore {
  constructor(private readonly db: Db) {
    super();
  }

  async createUser(username: string, passwordHash: string, isAdmin: boolean): Promise<User> {
    try {
      await this.db.query('INSERT INTO auth_users (username, password_hash, is_admin) VALUES (?, ?, ?)', [
        username,
        passwordHash,
        isAdmin,
      ]);
    } catch (err) {
      if (isUniqueViolation(err)) throw MlflowError.exists(`User '${username}' already exists.`);
      throw err;
    }
    const user = await this.getUser(username);
    if (!user) throw userNotFound(username);
    return { id: user.id, username: user.username, isAdmin: user.isAdmin };
  }

  async getUser(username: string): Promise<StoredUser | undefined> {
    const rows = await this.db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM auth_users WHERE username = ?`, [username]);
    return rows[0] && toUser(rows[0]);
  }

  async getUserById(id: number): Promise<StoredUser | undefined> {
    const rows = await this.db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM auth_users WHERE id = ?`, [id]);
    return rows[0] && toUser(rows[0]);
  }

  private async updateUser(username: string, column: 'password_hash' | 'is_admin', value: unknown): Promise<void> {
    const rows = await this.db.query(`UPDATE auth_users SET ${column} = ? WHERE username = ? RETURNING id`, [
      value,
      username,
    ]);
    if (rows.length === 0) throw userNotFound(username);
  }

  updatePassword(username: string, passwordHash: string): Promise<void> {
    return this.updateUser(username, 'password_hash', passwordHash);
  }

  updateAdmin(username: string, isAdmin: boolean): Promise<void> {
    return this.updateUser(username, 'is_admin', isAdmin);
  }

  deleteUser(username: string): Promise<void> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<{ id: number }>('DELETE FROM auth_users WHERE username = ? RETURNING id', [username]);
      if (rows.length === 0) throw userNotFound(username);
      const id = Number(rows[0].id);
      for (const table of ['auth_experiment_permissions', 'auth_model_permissions', 'auth_tokens'])
        await tx.query(`DELETE FROM ${table} WHERE user_id = ?`, [id]);
    });
  }

  async experimentPermissions(userId: number): Promise<ExperimentPermission[]> {
    const rows = await this.db.query<{ experiment_id: string; permission: Permission }>(
      'SELECT experiment_id, permission FROM auth_experiment_permissions WHERE user_id = ? ORDER BY experiment_id',
      [userId],
    );
    return rows.map((r) => ({ experimentId: r.experiment_id, userId, permission: r.permission }));
  }

  async modelPermissions(userId: number): Promise<ModelPermission[]> {
    const rows = await this.db.query<{ name: string; permission: Permission }>(
      'SELECT name, permission FROM auth_model_permissions WHERE user_id = ? ORDER BY name',
      [userId],
    );
    return rows.map((r) => ({ name: r.name, userId, permission: r.permission }));
  }

  private async getGrant(kind: GrantKind, key: string, userId: number): Promise<Permission | undefined> {
    const g = GRANTS[kind];
    const rows = await this.db.query<{ permission: Permission }>(
      `SELECT permission FROM ${g.table} WHERE ${g.key} = ? AND user_id = ?`,
      [key, userId],
    );
    return rows[0]?.permission;
  }

  private async createGrant(kind: GrantKind, key: string, userId: number, permission: Permission): Promise<void> {
    const g = GRANTS[kind];
    try {
      await this.db.query(`INSERT INTO ${g.table} (${g.key}, user_id, permission) VALUES (?, ?, ?)`, [
        key,
        userId,
        permission,
      ]);
    } catch (err) {
      if (isUniqueViolation(err))
        throw MlflowError.exists(`Permission on ${g.label}=${key} for user_id=${userId} already exists.`);
      throw err;
    }
  }

  private async upsertGrant(kind: GrantKind, key: string, userId: number, permission: Permission): Promise<void> {
    const g = GRANTS[kind];
    await this.db.query(
      `INSERT INTO ${g.table} (${g.key}, user_id, permission) VALUES (?, ?, ?)
       ON CONFLICT (${g.key}, user_id) DO UPDATE SET permission = excluded.permission`,
      [key, userId, permission],
    );
  }

  private async changeGrant(
    run: (tx: SqlRunner) => Promise<unknown[]>,
    kind: GrantKind,
    key: string,
    userId: number,
  ): Promise<void> {
    const rows = await run(this.db);
    if (rows.length === 0)
      throw MlflowError.notFound(`Permission on ${GRANTS[kind].label}=${key} for user_id=${userId} not found.`);
  }

  private updateGrant(kind: GrantKind, key: string, userId: number, permission: Permission): Promise<void> {
    const g = GRANTS[kind];
    return this.changeGrant(
      (db) =>
        db.query(`UPDATE ${g.table} SET permission = ? WHERE ${g.key} = ? AND user_id = ? RETURNING user_id`, [
          permission,
          key,
          userId,
        ]),
      kind,
      key,
      userId,
    );
  }

  private deleteGrant(kind: GrantKind, key: string, userId: number): Promise<void> {
    const g = GRANTS[kind];
    return this.changeGrant(
      (db) => db.query(`DELETE FROM ${g.table} WHERE ${g.key} = ? AND user_id = ? RETURNING user_id`, [key, userId]),
      kind,
      key,
      userId,
    );
  }

  getExperimentPermission(experimentId: string, userId: number) {
    return this.getGrant('experiment', experimentId, userId);
  }
  getModelPermission(name: string, userId: number) {
    return this.getGrant('model', name, userId);
  }
  createExperimentPermission(experimentId: string, userId: number, permission: Permission) {
    return this.createGrant('experiment', experimentId, userId, permission);
  }
  createModelPermission(name: string, userId: number, permission: Permission) {
    return this.createGrant('model', name, userId, permission);
  }
  upsertExperimentPermission(experimentId: string, userId: number, permission: Permission) {
    return this.upsertGrant('experiment', experimentId, userId, permission);
  }
  upsertModelPermission(name: string, userId: number, permission: Permission) {
    return this.upsertGrant('model', name, userId, permission);
  }
  updateExperimentPermission(experimentId: string, userId: number, permission: Permission) {
    return this.updateGrant('experiment', experimentId, userId, permission);
  }
  updateModelPermission(name: string, userId: number, permission: Permission) {
    return this.updateGrant('model', name, userId, permission);
  }
  deleteExperimentPermission(experimentId: string, userId: number) {
    return this.deleteGrant('experiment', experimentId, userId);
  }
  deleteModelPermission(name: string, userId: number) {
    return this.deleteGrant('model', name, userId);
  }

  async renameModelPermissions(name: string, newName: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      // Grants left on the new name (a model of that name deleted outside the API) give way.
      await tx.query('DELETE FROM auth_model_permissions WHERE name = ?', [newName]);
      await tx.query('UPDATE auth_model_permissions SET name = ? WHERE name = ?', [newName, name]);
    });
  }

  async deleteModelPermissions(name: string): Promise<void> {
    await this.db.query('DELETE FROM auth_model_permissions WHERE name = ?', [name]);
  }

  async createToken(tokenHash: string, userId: number, expiresAt: number): Promise<void> {
    await this.db.query('INSERT INTO auth_tokens (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)', [
      tokenHash,
      userId,
      Date.now(),
      expiresAt,
    ]);
  }

  async userOfToken(tokenHash: string, now: number): Promise<StoredUser | undefined> {
    const rows = await this.db.query<UserRow>(
      `SELECT u.id, u.username, u.password_hash, u.is_admin FROM auth_tokens t JOIN auth_users u ON u.id = t.user_id
       WHERE t.token_hash = ? AND t.expires_at > ?`,
      [tokenHash, now],
    );
    return rows[0] && toUser(rows[0]);
  }

  async deleteToken(tokenHash: string): Promise<boolean> {
    const rows = await this.db.query('DELETE FROM auth_tokens WHERE token_hash = ? RETURNING user_id', [tokenHash]);
    return rows.length > 0;
  }
}
