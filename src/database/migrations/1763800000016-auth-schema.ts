import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './ddl';

/** The basic-auth app: users, their experiment and registered-model permissions, issued tokens. */
export class AuthSchema1763800000016 implements MigrationInterface {
  name = 'AuthSchema1763800000016';

  async up(qr: QueryRunner): Promise<void> {
    const d = ddl(qr);
    await d.run([
      `CREATE TABLE auth_users (
        id ${d.serialPk},
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        is_admin BOOLEAN NOT NULL DEFAULT FALSE
      )`,
      `CREATE TABLE auth_experiment_permissions (
        experiment_id TEXT NOT NULL,
        user_id BIGINT NOT NULL,
        permission TEXT NOT NULL,
        PRIMARY KEY (experiment_id, user_id)
      )`,
      `CREATE INDEX auth_experiment_permissions_user ON auth_experiment_permissions (user_id)`,
      `CREATE TABLE auth_model_permissions (
        name TEXT NOT NULL,
        user_id BIGINT NOT NULL,
        permission TEXT NOT NULL,
        PRIMARY KEY (name, user_id)
      )`,
      `CREATE INDEX auth_model_permissions_user ON auth_model_permissions (user_id)`,
      `CREATE TABLE auth_tokens (
        token_hash TEXT PRIMARY KEY,
        user_id BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      )`,
      `CREATE INDEX auth_tokens_user ON auth_tokens (user_id)`,
    ]);
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of ['auth_tokens', 'auth_model_permissions', 'auth_experiment_permissions', 'auth_users'])
      await qr.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
