import { expect } from 'vitest';
import { http, startServer, TestServer } from './server';

export const ADMIN = { username: 'root', password: 'admin-secret-1' };

/** Basic credentials (plus a JSON content type) for raw-HTTP calls. */
export const basicAuth = (username: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
  'content-type': 'application/json',
});

export const adminAuth = () => basicAuth(ADMIN.username, ADMIN.password);

/**
 * A server in `--app-name basic-auth` mode where a user without a grant has no permission
 * (`NO_PERMISSIONS`), with the given users created by the admin (password `<name>-password`).
 */
export async function startNoGrantServer(users: string[]): Promise<TestServer> {
  const server = await startServer({
    env: {
      TSFLOW_APP_NAME: 'basic-auth',
      TSFLOW_ADMIN_USERNAME: ADMIN.username,
      TSFLOW_ADMIN_PASSWORD: ADMIN.password,
      TSFLOW_DEFAULT_PERMISSION: 'NO_PERMISSIONS',
    },
  });
  for (const username of users) {
    const res = await http(
      server.url,
      'POST',
      '/api/2.0/mlflow/users/create',
      { username, password: `${username}-password` },
      adminAuth(),
    );
    expect(res.status, res.text).toBe(200);
  }
  return server;
}
