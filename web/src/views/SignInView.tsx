import { useQueryClient } from '@tanstack/react-query';
import { FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiError, get, session } from '../api/client';
import { ErrorBox } from '../components/ErrorBox';

/**
 * The sign-in form (shown when the server answers 401): the credentials are checked against
 * /api/v1/auth/me, then kept for this tab (sessionStorage) and sent as Basic auth by the API client.
 */
export function SignInView({ onSignedIn }: { onSignedIn?: () => void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    session.signIn(username, password);
    try {
      await get('/api/v1/auth/me');
      await qc.invalidateQueries();
      if (onSignedIn) onSignedIn();
      else navigate('/experiments');
    } catch (err) {
      session.signOut();
      setError(
        err instanceof ApiError && err.status === 401
          ? new ApiError(401, 'UNAUTHENTICATED', 'Wrong username or password.')
          : err,
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="sign-in">
      <form className="card" onSubmit={submit} aria-label="Sign in">
        <h1>Sign in</h1>
        <p className="muted">This server asks for a username and password.</p>
        <label>
          Username
          <input autoFocus autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label>
          Password
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <ErrorBox error={error} title="Could not sign in" />
        <button type="submit" className="primary" disabled={busy || !username || !password}>
          Sign in
        </button>
      </form>
    </section>
  );
}
