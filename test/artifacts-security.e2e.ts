import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAGING_DIR } from '../src/storage/local-artifact.repository';
import { ArtifactPath, lenientDecode } from '../src/storage/safe-path';
import { ACCEPTED_PATHS, REJECTED_PATHS } from './support/artifact-path-vectors';
import { RawResponse, rawRequest } from './support/raw-http';
import { http as call, startServer, TestServer } from './support/server';

/**
 * Every path-traversal / LFI vector (mlflow-api.md §13.2) against every artifact route, on
 * both prefixes, in two spellings: percent-encoded (as a well-behaved client sends it) and
 * raw in the URL (as exploit PoCs send it). Each must be a 400 JSON answer that touched
 * nothing: the artifact tree, a sentinel directory next to it and the naive traversal
 * targets are compared before and after.
 */
const PREFIXES = ['/api/2.0', '/ajax-api/2.0'] as const;
/** Vectors that only the filesystem can reveal (set up in beforeAll). */
const SYMLINK_VECTORS = ['escape', 'escape/secret.txt', 'escape/new.txt', 'secret-link'];
const RESERVED_VECTORS = [STAGING_DIR, `${STAGING_DIR}/x`];

/** Which routes a vector is fired at. */
interface Scope {
  t24: boolean;
  proxy: boolean;
  mpu: boolean;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Can the vector go into a request line unencoded (and not be cut at a `?`)? */
const sendableRaw = (v: string) => /^[\x21-\x7e]+$/.test(v) && !v.includes('?');

function hasMalformedEscape(s: string): boolean {
  try {
    decodeURIComponent(s);
    return false;
  } catch {
    return true;
  }
}

/** Recursive snapshot: relative path → type and content digest (symlinks by target). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(dir, rel))) {
      const r = path.join(rel, name);
      const st = fs.lstatSync(path.join(dir, r));
      if (st.isSymbolicLink()) out[r] = `link:${fs.readlinkSync(path.join(dir, r))}`;
      else if (st.isDirectory()) {
        out[r] = 'dir';
        walk(r);
      } else out[r] = `file:${sha(fs.readFileSync(path.join(dir, r)))}`;
    }
  };
  walk('');
  return out;
}

/** Where a naive server would have gone for `vector` (to prove it did not). */
function naiveTarget(root: string, vector: string): string {
  const decoded = (lenientDecode(vector) ?? vector).replace(/\\/g, '/').replace(/^file:\/*/i, '/');
  return path.resolve(root, decoded.replace(/[#?].*$/, '').replace(/\0.*$/, ''));
}

function existence(p: string): string {
  try {
    const st = fs.lstatSync(p);
    return `${st.isDirectory() ? 'dir' : 'file'}:${st.size}:${st.mtimeMs}`;
  } catch {
    return 'absent';
  }
}

function expectRejected(res: RawResponse, what: string, requestPath: string): void {
  expect(res.status, what).toBe(400);
  expect(String(res.headers['content-type']), what).toMatch(/^application\/json/);
  if (res.json?.code === 'FST_ERR_BAD_URL') {
    // Fastify refuses URLs with malformed escapes before routing; only acceptable for those.
    expect(hasMalformedEscape(requestPath), what).toBe(true);
    return;
  }
  expect(res.json, what).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid path' });
}

describe('artifact path security (every vector × every route × both prefixes)', () => {
  let server: TestServer;
  let root: string;
  let outside: string;
  let runId: string;
  let runDir: string;
  let before: { root: Record<string, string>; outside: Record<string, string>; naive: Record<string, string> };

  beforeAll(async () => {
    server = await startServer();
    root = server.config.artifactsDestination;
    outside = path.join(server.dir, 'outside');
    fs.mkdirSync(path.join(outside, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'top secret');
    fs.writeFileSync(path.join(outside, 'sub', 'file'), 'also secret');
    const run = await call(server.url, 'POST', '/api/2.0/mlflow/runs/create', { experiment_id: '0' });
    runId = run.body.run.info.run_id;
    runDir = path.join(root, '0', runId, 'artifacts');
    fs.mkdirSync(runDir, { recursive: true });
    fs.writeFileSync(path.join(runDir, 'ok.txt'), 'ok');
    for (const dir of [root, runDir]) {
      fs.symlinkSync(outside, path.join(dir, 'escape'));
      fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'secret-link'));
    }
    const naive: Record<string, string> = {};
    for (const v of REJECTED_PATHS) naive[naiveTarget(root, v)] = existence(naiveTarget(root, v));
    before = { root: snapshot(root), outside: snapshot(outside), naive };
  });

  afterAll(async () => {
    await server?.close();
  });

  /** The requests for one vector on one prefix: [description, method, request path, body?]. */
  function requestsFor(prefix: string, v: string, opts: Scope): Array<[string, string, string, string?]> {
    const out: Array<[string, string, string, string?]> = [];
    if (opts.proxy) out.push(['list', 'GET', `${prefix}/mlflow-artifacts/artifacts?path=${encodeURIComponent(v)}`]);
    if (opts.t24)
      out.push([
        'artifacts/list',
        'GET',
        `${prefix}/mlflow/artifacts/list?run_id=${runId}&path=${encodeURIComponent(v)}`,
      ]);
    if (!opts.proxy) return out;
    const spellings = [encodeURIComponent(v), ...(sendableRaw(v) ? [v] : [])];
    for (const s of spellings) {
      const tail = `${prefix}/mlflow-artifacts/artifacts/${s}`;
      out.push(['download', 'GET', tail]);
      out.push(['upload', 'PUT', tail, 'pwned']);
      out.push(['delete', 'DELETE', tail]);
      if (opts.mpu)
        out.push(['mpu/create', 'POST', `${prefix}/mlflow-artifacts/mpu/create/${s}`, '{"path":"x","num_parts":1}']);
    }
    return out;
  }

  async function fire(v: string, opts: Scope): Promise<void> {
    for (const prefix of PREFIXES) {
      for (const [what, method, requestPath, body] of requestsFor(prefix, v, opts)) {
        const headers: Record<string, string> =
          method === 'POST'
            ? { 'content-type': 'application/json' }
            : method === 'PUT'
              ? { 'content-type': 'text/plain' }
              : {};
        const res = await rawRequest(server.url, method, requestPath, body, headers);
        expectRejected(res, `${method} ${requestPath} (${what})`, requestPath);
      }
    }
  }

  it.each(REJECTED_PATHS.map((v) => [v]))('%j is rejected everywhere', async (v) => {
    // Safety net for the machine running the tests: never fire a mutating request with a
    // vector the in-process check would let through (the unit spec reports that case).
    expect(() => ArtifactPath.parse(v)).toThrow('Invalid path');
    await fire(v, { t24: true, proxy: true, mpu: true });
  });

  // The mpu routes never touch the filesystem (the path check, then 501), so only the
  // lexical vectors above apply to them.
  it.each(SYMLINK_VECTORS.map((v) => [v]))(
    '%j (symlink inside the root pointing outside) is rejected everywhere',
    async (v) => {
      await fire(v, { t24: true, proxy: true, mpu: false });
    },
  );

  it.each(RESERVED_VECTORS.map((v) => [v]))('%j (the upload staging area) is not addressable', async (v) => {
    await fire(v, { t24: false, proxy: true, mpu: false });
  });

  it('a stored artifact root that escapes the destination is refused by artifacts/list', async () => {
    const exp = await call(server.url, 'POST', '/api/2.0/mlflow/experiments/create', {
      name: 'evil-root',
      artifact_location: 'mlflow-artifacts:/../outside',
    });
    if (exp.status !== 200) {
      expect(exp.status).toBe(400);
      return;
    }
    const run = await call(server.url, 'POST', '/api/2.0/mlflow/runs/create', {
      experiment_id: exp.body.experiment_id,
    });
    const res = await rawRequest(
      server.url,
      'GET',
      `/api/2.0/mlflow/artifacts/list?run_id=${run.body.run.info.run_id}`,
    );
    expectRejected(res, 'artifacts/list on mlflow-artifacts:/../outside', '');
  });

  it('nothing inside or outside the root was created, changed or removed by the vectors', () => {
    expect(snapshot(outside)).toEqual(before.outside);
    expect(snapshot(root)).toEqual(before.root);
    for (const [target, state] of Object.entries(before.naive)) expect(existence(target), target).toBe(state);
    expect(fs.readdirSync(path.join(root, STAGING_DIR))).toEqual([]);
  });

  it.each(ACCEPTED_PATHS.map(([v, rel]) => [v, rel]))('accepted %j round-trips as %j', async (v, rel) => {
    const encoded = `safe/${encodeURIComponent(v)}`;
    const up = await rawRequest(
      server.url,
      'PUT',
      `/api/2.0/mlflow-artifacts/artifacts/${encoded}`,
      `content of ${rel}`,
      { 'content-type': 'text/plain' },
    );
    expect(up.status).toBe(200);
    expect(fs.readFileSync(path.join(root, 'safe', ...rel.split('/')), 'utf8')).toBe(`content of ${rel}`);
    const down = await rawRequest(server.url, 'GET', `/ajax-api/2.0/mlflow-artifacts/artifacts/${encoded}`);
    expect(down.body.toString()).toBe(`content of ${rel}`);
    expect((await rawRequest(server.url, 'DELETE', `/api/2.0/mlflow-artifacts/artifacts/safe`)).status).toBe(200);
  });
});
