import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAGING_DIR } from '../src/storage/local-artifact.repository';
import { rawRequest } from './support/raw-http';
import { http as call, startServer, TestServer } from './support/server';

const PREFIXES = ['/api/2.0', '/ajax-api/2.0'] as const;
type Prefix = (typeof PREFIXES)[number];
const MULTIPART_MESSAGE = 'Multipart upload is not supported for the current artifact repository';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** How the MLflow client quotes an artifact path into the URL (`/` kept). */
const quote = (p: string) => p.split('/').map(encodeURIComponent).join('/');

describe('mlflow-artifacts proxy (sqlite, local storage)', () => {
  let server: TestServer;
  const url = (prefix: Prefix, p: string) => `${prefix}/mlflow-artifacts/artifacts/${quote(p)}`;
  const put = (p: string, body: Buffer | string, headers: Record<string, string> = {}, prefix: Prefix = PREFIXES[0]) =>
    rawRequest(server.url, 'PUT', url(prefix, p), body, headers);
  const get = (p: string, prefix: Prefix = PREFIXES[0]) => rawRequest(server.url, 'GET', url(prefix, p));
  const list = (p?: string, prefix: Prefix = PREFIXES[0]) =>
    call(
      server.url,
      'GET',
      `${prefix}/mlflow-artifacts/artifacts${p === undefined ? '' : `?path=${encodeURIComponent(p)}`}`,
    );
  const stagingEntries = () => fs.readdirSync(path.join(server.config.artifactsDestination, STAGING_DIR));

  beforeAll(async () => {
    server = await startServer({ env: { TSFLOW_LOCAL_ARTIFACT_ROOTS: 'local-roots' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each(PREFIXES)('%s: uploads, downloads with the right headers, lists and deletes', async (prefix) => {
    const dir = `e2e${prefix.replace(/\W/g, '')}/run/artifacts`;
    const up = await put(`${dir}/notes.txt`, 'hello artifacts\n', { 'content-type': 'text/plain' }, prefix);
    expect(up.status).toBe(200);
    expect(up.json).toEqual({});
    const down = await get(`${dir}/notes.txt`, prefix);
    expect(down.status).toBe(200);
    expect(down.body.toString()).toBe('hello artifacts\n');
    expect(down.headers['content-type']).toBe('text/plain');
    expect(down.headers['content-length']).toBe('16');
    expect(down.headers['content-disposition']).toBe('attachment; filename=notes.txt');
    expect(down.headers['x-content-type-options']).toBe('nosniff');
    expect((await list(dir, prefix)).body).toEqual({ files: [{ path: 'notes.txt', is_dir: false, file_size: 16 }] });
    expect((await rawRequest(server.url, 'DELETE', url(prefix, `${dir}/notes.txt`))).json).toEqual({});
    const gone = await get(`${dir}/notes.txt`, prefix);
    expect(gone.status).toBe(404);
    expect(gone.headers['content-type']).toMatch(/^application\/json/);
    expect(gone.json).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: `Artifact '${dir}/notes.txt' does not exist.`,
    });
  });

  it('stores binary bodies of any content type byte for byte and guesses the download type as MLflow does', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(3000)]);
    const cases: Array<[string, Buffer, string | undefined, string]> = [
      ['bin/plot.png', png, 'image/png', 'image/png'],
      ['bin/model.pkl', randomBytes(5000), 'application/octet-stream', 'application/octet-stream'],
      ['bin/MLmodel', Buffer.from('artifact_path: model\n'), 'application/x-yaml', 'text/plain'],
      ['bin/MLproject', Buffer.from('name: p\n'), undefined, 'text/plain'],
      ['bin/conda.yaml', Buffer.from('name: env\n'), undefined, 'text/plain'],
      ['bin/data.json', Buffer.from('{"a":1}'), 'application/json', 'text/plain'],
      ['bin/notes.md', Buffer.from('# x'), undefined, 'text/plain'],
      ['bin/page.html', Buffer.from('<p>'), undefined, 'text/html'],
      ['bin/plot.svg', Buffer.from('<svg/>'), undefined, 'image/svg+xml'],
      ['bin/nul.bin', Buffer.from([0, 0, 0, 255, 0]), 'text/plain', 'application/octet-stream'],
    ];
    for (const [p, body, sent, expected] of cases) {
      expect((await put(p, body, sent ? { 'content-type': sent } : {})).status).toBe(200);
      const down = await get(p);
      expect(down.body.equals(body)).toBe(true);
      expect(down.headers['content-type']).toBe(expected);
      expect(down.headers['content-length']).toBe(String(body.length));
    }
  });

  it('an empty body makes an empty file; a second PUT replaces the content', async () => {
    expect((await rawRequest(server.url, 'PUT', url(PREFIXES[0], 'empty/file'))).status).toBe(200);
    expect((await list('empty')).body).toEqual({ files: [{ path: 'file', is_dir: false, file_size: 0 }] });
    expect((await get('empty/file')).body.length).toBe(0);
    await put('empty/file', 'now with content');
    expect((await get('empty/file')).body.toString()).toBe('now with content');
  });

  it('round-trips 20 MB of random bytes identically (streamed both ways)', async () => {
    const data = randomBytes(20 * 1024 * 1024);
    const up = await fetch(`${server.url}${url(PREFIXES[0], 'big/random.bin')}`, {
      method: 'PUT',
      body: data,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(up.status).toBe(200);
    const down = await fetch(`${server.url}${url(PREFIXES[0], 'big/random.bin')}`);
    expect(down.headers.get('content-length')).toBe(String(data.length));
    const back = Buffer.from(await down.arrayBuffer());
    expect(back.length).toBe(data.length);
    expect(sha(back)).toBe(sha(data));
    expect((await list('big')).body.files).toEqual([{ path: 'random.bin', is_dir: false, file_size: data.length }]);
  });

  it('nested listing: basenames only, directories without size, sorted; files and missing paths list as {}', async () => {
    const root = '7/0a1b2c/artifacts';
    for (const [p, body] of [
      [`${root}/model/MLmodel`, 'flavors: {}'],
      [`${root}/model/data/weights.bin`, 'w'],
      [`${root}/metrics.csv`, 'a,b'],
      [`${root}/a plot.png`, 'p'],
    ]) {
      expect((await put(p, body)).status).toBe(200);
    }
    for (const prefix of PREFIXES) {
      expect((await list(root, prefix)).body).toEqual({
        files: [
          { path: 'a plot.png', is_dir: false, file_size: 1 },
          { path: 'metrics.csv', is_dir: false, file_size: 3 },
          { path: 'model', is_dir: true },
        ],
      });
      expect((await list(`${root}/model`, prefix)).body.files.map((f: { path: string }) => f.path)).toEqual([
        'MLmodel',
        'data',
      ]);
      expect((await list(`${root}/model/MLmodel`, prefix)).body).toEqual({});
      expect((await list(`${root}/nope`, prefix)).body).toEqual({});
    }
    const top = (await list()).body.files.map((f: { path: string }) => f.path);
    expect(top).toContain('7');
    expect(top).not.toContain(STAGING_DIR);
  });

  it('keeps unusual but safe names exactly (percent signs, unicode) and encodes Content-Disposition', async () => {
    expect((await put('names/dog%step%100%timestamp%100', 'x')).status).toBe(200);
    expect((await put('names/naïve résumé.txt', 'y')).status).toBe(200);
    const names = (await list('names')).body.files.map((f: { path: string }) => f.path);
    expect(names).toEqual(['dog%step%100%timestamp%100', 'naïve résumé.txt']);
    const down = await get('names/naïve résumé.txt');
    expect(down.body.toString()).toBe('y');
    expect(down.headers['content-disposition']).toBe(
      `attachment; filename="na_ve r_sum_.txt"; filename*=UTF-8''${encodeURIComponent('naïve résumé.txt')}`,
    );
  });

  it('deletes directories recursively; deleting a missing path answers {}', async () => {
    await put('tree/a/b/c.txt', '1');
    await put('tree/a/d.txt', '2');
    expect((await rawRequest(server.url, 'DELETE', url(PREFIXES[1], 'tree/a'))).json).toEqual({});
    expect((await list('tree')).body).toEqual({});
    const again = await rawRequest(server.url, 'DELETE', url(PREFIXES[0], 'tree/a'));
    expect(again.status).toBe(200);
    expect(again.json).toEqual({});
  });

  it('client mistakes are 400s: download a directory, upload over a directory or below a file', async () => {
    await put('shape/file.txt', 'f');
    const dirDownload = await get('shape');
    expect(dirDownload.status).toBe(400);
    expect(dirDownload.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await put('shape', 'x')).status).toBe(400);
    expect((await put('shape/file.txt/below', 'x')).status).toBe(400);
    expect(stagingEntries()).toEqual([]);
  });

  it.each(PREFIXES)(
    '%s: multipart upload routes answer 501 with the message the client falls back on',
    async (prefix) => {
      for (const op of ['create', 'complete', 'abort']) {
        const res = await call(server.url, 'POST', `${prefix}/mlflow-artifacts/mpu/${op}/1/run/artifacts`, {
          path: 'big.bin',
          num_parts: 3,
        });
        expect(res.status).toBe(501);
        expect(res.body).toEqual({ error_code: 'NOT_IMPLEMENTED', message: MULTIPART_MESSAGE });
      }
    },
  );

  it('concurrent uploads to one path: the final file is exactly one writer’s full content, readers never see a torn file', async () => {
    const writers = Array.from({ length: 6 }, (_, i) => randomBytes(3 * 1024 * 1024 + i));
    const digests = new Set(writers.map(sha));
    let reading = true;
    const seen: string[] = [];
    const reader = (async () => {
      while (reading) {
        const res = await get('race/target.bin');
        if (res.status === 200) seen.push(sha(res.body));
        else expect(res.status).toBe(404);
      }
    })();
    const results = await Promise.all(
      writers.map((w) => put('race/target.bin', w, { 'content-type': 'application/octet-stream' })),
    );
    reading = false;
    await reader;
    expect(results.map((r) => r.status)).toEqual(writers.map(() => 200));
    const final = await get('race/target.bin');
    expect(writers.filter((w) => w.equals(final.body))).toHaveLength(1);
    for (const d of seen) expect(digests.has(d)).toBe(true);
    expect(stagingEntries()).toEqual([]);
  });

  it('an upload cut off mid-body leaves nothing visible and no temp file; an existing file keeps its content', async () => {
    await put('abort/kept.bin', 'original');
    for (const target of ['abort/new/partial.bin', 'abort/kept.bin']) {
      // Cut the connection only once the server is demonstrably streaming into a temp file.
      await abortedUpload(server.url, url(PREFIXES[0], target), 8 * 1024 * 1024, () =>
        waitFor(() => stagingEntries().length === 1),
      );
      await waitFor(() => stagingEntries().length === 0);
    }
    expect((await list('abort')).body).toEqual({ files: [{ path: 'kept.bin', is_dir: false, file_size: 8 }] });
    expect((await get('abort/kept.bin')).body.toString()).toBe('original');
    expect((await get('abort/new/partial.bin')).status).toBe(404);
    expect((await list()).body.files.map((f: { path: string }) => f.path)).not.toContain(STAGING_DIR);
  });

  it('a download abandoned by the client releases its file handle', async () => {
    await put('leak/big.bin', randomBytes(16 * 1024 * 1024));
    // This process hosts the server: count its descriptors open on the artifact.
    const openOnArtifact = () =>
      fs.readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return fs.readlinkSync(`/proc/self/fd/${fd}`).endsWith(path.join('leak', 'big.bin'));
        } catch {
          return false;
        }
      }).length;
    for (let i = 0; i < 5; i++) await abandonedDownload(server.url, url(PREFIXES[0], 'leak/big.bin'));
    await waitFor(() => openOnArtifact() === 0);
    expect((await get('leak/big.bin')).body.length).toBe(16 * 1024 * 1024);
  });

  describe('tracking API artifacts/list (T24)', () => {
    let runId: string;
    let rootUri: string;
    beforeAll(async () => {
      const run = await call(server.url, 'POST', '/api/2.0/mlflow/runs/create', { experiment_id: '0' });
      runId = run.body.run.info.run_id;
      rootUri = run.body.run.info.artifact_uri;
      const base = rootUri.replace('mlflow-artifacts:/', '');
      await put(`${base}/model/MLmodel`, 'artifact_path: model\n');
      await put(`${base}/model/data/model.keras`, 'k');
      await put(`${base}/metrics.txt`, '0.1');
    });

    it.each(PREFIXES)('%s: lists the run root and sub-directories with root-relative paths', async (prefix) => {
      expect(rootUri).toBe(`mlflow-artifacts:/0/${runId}/artifacts`);
      const top = await call(server.url, 'GET', `${prefix}/mlflow/artifacts/list?run_id=${runId}`);
      expect(top.status).toBe(200);
      expect(top.body).toEqual({
        root_uri: rootUri,
        files: [
          { path: 'metrics.txt', is_dir: false, file_size: 3 },
          { path: 'model', is_dir: true },
        ],
      });
      const model = await call(server.url, 'GET', `${prefix}/mlflow/artifacts/list?run_uuid=${runId}&path=model/`);
      expect(model.body).toEqual({
        root_uri: rootUri,
        files: [
          { path: 'model/MLmodel', is_dir: false, file_size: 21 },
          { path: 'model/data', is_dir: true },
        ],
      });
      const nested = await call(server.url, 'GET', `${prefix}/mlflow/artifacts/list?run_id=${runId}&path=model%2Fdata`);
      expect(nested.body.files).toEqual([{ path: 'model/data/model.keras', is_dir: false, file_size: 1 }]);
    });

    it('a file or a missing path lists as root_uri only; GET with a JSON body works too', async () => {
      expect(
        (await call(server.url, 'GET', `/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=metrics.txt`)).body,
      ).toEqual({ root_uri: rootUri });
      expect((await call(server.url, 'GET', `/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=none`)).body).toEqual({
        root_uri: rootUri,
      });
      const viaBody = await rawRequest(
        server.url,
        'GET',
        '/api/2.0/mlflow/artifacts/list',
        JSON.stringify({ run_id: runId, path: 'model' }),
        {
          'content-type': 'application/json',
        },
      );
      expect(viaBody.json.files, viaBody.body.toString()).toHaveLength(2);
    });

    it('unknown run → 404, missing run_id → 400', async () => {
      const missing = await call(
        server.url,
        'GET',
        '/api/2.0/mlflow/artifacts/list?run_id=0123456789abcdef0123456789abcdef',
      );
      expect(missing.status).toBe(404);
      expect(missing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
      const noId = await call(server.url, 'GET', '/api/2.0/mlflow/artifacts/list?path=model');
      expect(noId.status).toBe(400);
      expect(noId.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    });

    it('lists runs of an experiment with a local file: artifact location directly', async () => {
      const location = pathToFileURL(path.join(server.dir, 'local-roots', 'local-exp')).href;
      const exp = await call(server.url, 'POST', '/api/2.0/mlflow/experiments/create', {
        name: 'local-files',
        artifact_location: location,
      });
      expect(exp.status, exp.text).toBe(200);
      const run = await call(server.url, 'POST', '/api/2.0/mlflow/runs/create', {
        experiment_id: exp.body.experiment_id,
      });
      const info = run.body.run.info;
      expect(info.artifact_uri).toBe(`${location}/${info.run_id}/artifacts`);
      const dir = path.join(server.dir, 'local-roots', 'local-exp', info.run_id, 'artifacts', 'plots');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'loss.png'), 'png');
      const res = await call(server.url, 'GET', `/api/2.0/mlflow/artifacts/list?run_id=${info.run_id}&path=plots`);
      expect(res.body).toEqual({
        root_uri: info.artifact_uri,
        files: [{ path: 'plots/loss.png', is_dir: false, file_size: 3 }],
      });
    });
  });
});

describe('mlflow-artifacts with serving disabled (MLFLOW_SERVE_ARTIFACTS=false)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { MLFLOW_SERVE_ARTIFACTS: 'false' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each(PREFIXES)('%s: every mlflow-artifacts route answers 503 and nothing is written', async (prefix) => {
    const requests: Array<[string, string, string?, Record<string, string>?]> = [
      ['GET', `${prefix}/mlflow-artifacts/artifacts?path=x`],
      ['GET', `${prefix}/mlflow-artifacts/artifacts/x/file.txt`],
      ['PUT', `${prefix}/mlflow-artifacts/artifacts/x/file.txt`, 'data', { 'content-type': 'text/plain' }],
      ['DELETE', `${prefix}/mlflow-artifacts/artifacts/x`],
      ['POST', `${prefix}/mlflow-artifacts/mpu/create/x`, '{}', { 'content-type': 'application/json' }],
    ];
    for (const [method, p, body, headers] of requests) {
      const res = await rawRequest(server.url, method, p, body, headers);
      expect(res.status, `${method} ${p}`).toBe(503);
      expect(res.json.error_code).toBe('TEMPORARILY_UNAVAILABLE');
      expect(res.json.message).toContain('--no-serve-artifacts');
    }
    expect(fs.existsSync(server.config.artifactsDestination)).toBe(false);
  });
});

/** Send the headers and half of a `total`-byte body, wait for `beforeCut`, then destroy the socket. */
function abortedUpload(base: string, urlPath: string, total: number, beforeCut: () => Promise<void>): Promise<void> {
  const { hostname, port } = new URL(base);
  const req = http.request({
    host: hostname,
    port,
    method: 'PUT',
    path: urlPath,
    agent: false,
    headers: { 'content-length': String(total), 'content-type': 'application/octet-stream' },
  });
  const settled = new Promise<void>((resolve) => {
    req.on('error', () => resolve());
    req.on('close', () => resolve());
  });
  req.on('response', () => {
    throw new Error('the server answered a request whose body was never completed');
  });
  req.write(randomBytes(total / 2));
  return beforeCut().then(
    () => {
      req.destroy();
      return settled;
    },
    (err) => {
      req.destroy();
      throw err;
    },
  );
}

/** Start a download, read its first chunk, then drop the connection. */
function abandonedDownload(base: string, urlPath: string): Promise<void> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.get({ host: hostname, port, path: urlPath, agent: false }, (res) => {
      expect(res.statusCode).toBe(200);
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (err) => (req.destroyed ? resolve() : reject(err)));
  });
}

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
