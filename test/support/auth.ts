import { http, startServer, TestServer } from './server';

export const basic = (u: string, p: string) => ({
  authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`,
});

/** A server in basic-auth mode with admin `admin` and the users `users` (password `<name>-password`). */
export async function startAuthServer(opts: {
  database: 'sqlite' | 'postgres';
  admin: { username: string; password: string };
  users: string[];
  env?: Record<string, string>;
}): Promise<TestServer> {
  const s = await startServer({
    database: opts.database,
    env: {
      TSFLOW_APP_NAME: 'basic-auth',
      TSFLOW_ADMIN_USERNAME: opts.admin.username,
      TSFLOW_ADMIN_PASSWORD: opts.admin.password,
      ...opts.env,
    },
  });
  const admin = basic(opts.admin.username, opts.admin.password);
  for (const username of opts.users) {
    const res = await http(
      s.url,
      'POST',
      '/api/2.0/mlflow/users/create',
      { username, password: `${username}-password` },
      admin,
    );
    if (res.status !== 200) throw new Error(`users/create ${username}: ${res.text}`);
  }
  return s;
}
