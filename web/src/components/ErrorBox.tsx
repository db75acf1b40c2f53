import { ApiError } from '../api/client';

/** An API or network failure as a message (never a blank page). */
export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="error" role="alert">
      <strong>{title ?? 'Request failed'}</strong>
      {code && <code>{code}</code>} {message}
    </div>
  );
}

export function Loading({ what }: { what?: string }) {
  return <div className="muted loading">Loading{what ? ` ${what}` : ''}…</div>;
}
