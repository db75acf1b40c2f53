import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { ErrorCode, MlflowError } from '../common/mlflow-error';
import { AppConfig, AuthConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { AuthStore } from './auth.store';
import type { Principal, StoredUser, User } from './auth.types';
import { CredentialCache } from './credential-cache';
import { Credentials } from './credentials';
import { hashPassword, newToken, tokenHash, verifyPassword } from './passwords';
import type { Permission } from './permissions';

export const UNAUTHENTICATED_MESSAGE =
  'You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.';

export const unauthenticated = () => new MlflowError(ErrorCode.UNAUTHENTICATED, UNAUTHENTICATED_MESSAGE);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function validPassword(password: string): void {
  if (password.length < 8 || password.length > 1024)
    throw MlflowError.invalid('Password must be between 8 and 1024 characters long.');
}

export function validUsername(username: string): void {
  if (!/^[^\s:]{1,256}$/.test(username))
    throw MlflowError.invalid('Username must be 1 to 256 characters without spaces or colons.');
}

/** Who is calling (basic, bearer, scoring token), users, and their effective permissions. */
@Injectable()
export class AuthService implements OnModuleInit {
  private readonly logger = new Logger(AuthService.name);
  private readonly cache = new CredentialCache();
  private readonly auth: AuthConfig;

  constructor(
    private readonly store: AuthStore,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.auth = config.auth;
  }

  get enabled(): boolean {
    return this.auth.enabled;
  }

  get defaultPermission(): Permission {
    return this.auth.defaultPermission;
  }

  get scoringOpen(): boolean {
    return this.auth.scoringOpen;
  }

  async onModuleInit(): Promise<void> {
    if (!this.auth.enabled) return;
    const name = this.auth.adminUsername;
    if (await this.store.getUser(name)) return;
    if (!this.auth.adminPassword)
      throw new Error(`basic-auth: admin '${name}' does not exist yet: set TSFLOW_ADMIN_PASSWORD (8+ characters).`);
    try {
      await this.store.createUser(name, await hashPassword(this.auth.adminPassword), true);
      this.logger.log(`basic-auth: admin '${name}' created`);
    } catch (err) {
      // Another replica created it at the same time.
      if (!(err instanceof MlflowError && err.code === ErrorCode.RESOURCE_ALREADY_EXISTS)) throw err;
    }
  }

  /** The caller of a request; 401 for credentials that do not check out. */
  async authenticate(credentials: Credentials): Promise<Principal> {
    if (credentials.kind === 'none') return { kind: 'anonymous' };
    if (credentials.kind === 'malformed') throw unauthenticated();
    if (credentials.kind === 'bearer') {
      if (this.auth.scoringToken && sameSecret(credentials.token, this.auth.scoringToken)) return { kind: 'scoring' };
      const user = await this.store.userOfToken(tokenHash(credentials.token), Date.now());
      if (!user) throw unauthenticated();
      return { kind: 'user', user: publicUser(user) };
    }
    const { username, password } = credentials;
    const cached = this.cache.get(username, password);
    const user =
      cached !== undefined ? await this.store.getUserById(cached) : await this.checkPassword(username, password);
    if (!user || user.username !== username) throw unauthenticated();
    return { kind: 'user', user: publicUser(user) };
  }

  private async checkPassword(username: string, password: string): Promise<StoredUser | undefined> {
    if (username.length > 256 || password.length > 1024) return undefined;
    const user = await this.store.getUser(username);
    if (!user || !(await verifyPassword(password, user.passwordHash))) return undefined;
    this.cache.set(username, password, user.id);
    return user;
  }

  async experimentPermission(user: User, experimentId: string): Promise<Permission> {
    if (user.isAdmin) return 'MANAGE';
    return (await this.store.getExperimentPermission(experimentId, user.id)) ?? this.auth.defaultPermission;
  }

  async modelPermission(user: User, name: string): Promise<Permission> {
    if (user.isAdmin) return 'MANAGE';
    return (await this.store.getModelPermission(name, user.id)) ?? this.auth.defaultPermission;
  }

  async createUser(username: string, password: string): Promise<User> {
    validUsername(username);
    validPassword(password);
    return this.store.createUser(username, await hashPassword(password), false);
  }

  async user(username: string): Promise<StoredUser> {
    const user = await this.store.getUser(username);
    if (!user) throw MlflowError.notFound(`User with username=${username} not found`);
    return user;
  }

  async updatePassword(username: string, password: string): Promise<void> {
    validPassword(password);
    await this.store.updatePassword(username, await hashPassword(password));
    this.cache.forget(username);
  }

  async updateAdmin(username: string, isAdmin: boolean): Promise<void> {
    await this.store.updateAdmin(username, isAdmin);
    this.cache.forget(username);
  }

  async deleteUser(username: string): Promise<void> {
    await this.store.deleteUser(username);
    this.cache.forget(username);
  }

  async issueToken(user: User): Promise<{ token: string; expiresAt: number }> {
    const token = newToken();
    const expiresAt = Date.now() + this.auth.tokenTtlMs;
    await this.store.createToken(tokenHash(token), user.id, expiresAt);
    return { token, expiresAt };
  }

  /** Only the token's own user (or an admin) may revoke it. */
  async revokeToken(user: User, token: string): Promise<boolean> {
    const owner = await this.store.userOfToken(tokenHash(token), 0);
    if (!owner || (owner.id !== user.id && !user.isAdmin)) return false;
    return this.store.deleteToken(tokenHash(token));
  }
}

function publicUser(user: StoredUser): User {
  return { id: user.id, username: user.username, isAdmin: user.isAdmin };
}
