/** The one way the UI talks to the server: tsflow and MLflow REST APIs, errors as MLflow's `{error_code, message}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type Query = Record<string, string | number | boolean | undefined | (string | number)[]>;

export function queryString(q: Query = {}): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) s.append(k, String(item));
  }
  const text = s.toString();
  return text ? `?${text}` : '';
}

async function failure(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error_code?: string; message?: string };
    return new ApiError(res.status, body.error_code ?? `HTTP_${res.status}`, body.message ?? res.statusText);
  } catch {
    return new ApiError(res.status, `HTTP_${res.status}`, text.slice(0, 300) || res.statusText);
  }
}

const CREDENTIALS = 'tsflow.credentials';
/** Sent with every call: the server then answers 401 without the `WWW-Authenticate` challenge (no browser prompt). */
export const UI_HEADER = { 'x-requested-with': 'tsflow-ui' };

/** Signed-in user's Basic credentials, kept for this tab only (sessionStorage). */
export const session = {
  get: () => sessionStorage.getItem(CREDENTIALS) ?? undefined,
  signIn(username: string, password: string) {
    const bytes = new TextEncoder().encode(`${username}:${password}`);
    sessionStorage.setItem(CREDENTIALS, `Basic ${btoa(String.fromCharCode(...bytes))}`);
  },
  signOut: () => sessionStorage.removeItem(CREDENTIALS),
};

/** Raised on a 401 so the app shows the sign-in form (App listens for it). */
export const UNAUTHORIZED_EVENT = 'tsflow:unauthorized';

function headers(json: boolean): Record<string, string> {
  const auth = session.get();
  return {
    ...UI_HEADER,
    ...(json ? { 'content-type': 'application/json' } : {}),
    ...(auth ? { authorization: auth } : {}),
  };
}

async function send(method: string, path: string, body?: unknown, q?: Query): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path + queryString(q), {
      method,
      headers: headers(body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, 'NETWORK_ERROR', `The server could not be reached (${(err as Error).message}).`);
  }
  if (res.status === 401) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
  if (!res.ok) throw await failure(res);
  return res;
}

export async function request<T>(method: string, path: string, body?: unknown, q?: Query): Promise<T> {
  const text = await (await send(method, path, body, q)).text();
  return (text ? JSON.parse(text) : {}) as T;
}

/** A POST answered with bytes (the sampled metric histories). */
export async function binary(path: string, body: unknown): Promise<ArrayBuffer> {
  return (await send('POST', path, body)).arrayBuffer();
}

export const get = <T>(path: string, q?: Query) => request<T>('GET', path, undefined, q);
export const post = <T>(path: string, body: unknown = {}) => request<T>('POST', path, body);
export const patch = <T>(path: string, body: unknown = {}) => request<T>('PATCH', path, body);
export const del = <T>(path: string, body?: unknown, q?: Query) => request<T>('DELETE', path, body, q);

/** MLflow REST prefix used by the UI (the same routes as /api/2.0, plus MLflow's UI-only helpers). */
export const ML = '/ajax-api/2.0/mlflow';

/** Raw text or bytes of a run artifact (artifact previews). */
export async function artifactResponse(runId: string, path: string): Promise<Response> {
  return send('GET', '/get-artifact', undefined, { run_id: runId, path });
}
