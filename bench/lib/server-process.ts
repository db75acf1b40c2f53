import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { stopChild } from '../../scripts/lib/stop-child';

/**
 * The tsflow server as a child process, as benchmarks need it: a separate process (its own
 * event loop and heap, like production), on a free port, killed at the end. Shared by the
 * tracking, serving and artifacts benchmarks.
 */
export interface ServerProcess {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  port: number;
  pid: number;
  /** CPU time (user + system) the server has used so far, in ms; undefined off Linux. */
  cpuMs(): number | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface ServerProcessOptions {
  /** Arguments after the entry script, e.g. ['server', '--backend-store-uri', 'sqlite:///x.db']. */
  args?: string[];
  /** Extra environment, merged over process.env (LOG_LEVEL defaults to warn). */
  env?: Record<string, string>;
  /** Node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']. */
  nodeArgs?: string[];
  /** Entry script (default: <repo>/bin/tsflow.js). */
  entry?: string;
  /** Port to bind; a free one is picked when omitted (appended as `--port`). */
  port?: number;
  /** Path polled until it answers 200 (default /health). */
  readyPath?: string;
  readyTimeoutMs?: number;
}

/** The repository root: the nearest ancestor holding bin/tsflow.js (works from src and dist). */
export function repoRoot(from = __dirname): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, 'bin', 'tsflow.js'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`bin/tsflow.js not found above ${from}`);
    dir = parent;
  }
  return dir;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

let clockTicks: number | undefined;

/**
 * CPU time of a process from /proc (Linux): a measure of the server's own cost per request
 * that, unlike throughput, hardly depends on what else runs on a shared machine.
 */
export function processCpuMs(pid: number, thread?: number): number | undefined {
  try {
    const stat = fs.readFileSync(
      thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`,
      'utf8',
    );
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return undefined;
  }
}

/** Peak resident set size of a live process in MiB (VmHWM), or undefined once it is gone. */
export function processPeakRssMb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const live = new Set<ChildProcess>();
let guarded = false;

/**
 * Never leave an orphan server behind: kill live children when this process exits, also on
 * SIGINT/SIGTERM (which skip 'exit' handlers unless handled).
 */
function guardAgainstOrphans(): void {
  if (guarded) return;
  guarded = true;
  const killAll = () => live.forEach((c) => c.kill('SIGKILL'));
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

async function waitReady(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before becoming ready:\n${output()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`server not ready at ${url} after ${timeoutMs} ms:\n${output()}`);
}

function stopper(child: ChildProcess): (graceMs?: number) => Promise<void> {
  return (graceMs = 10_000) => stopChild(child, graceMs);
}

export async function startServerProcess(opts: ServerProcessOptions = {}): Promise<ServerProcess> {
  const root = repoRoot();
  const port = opts.port ?? (await freePort());
  const args = [...(opts.args ?? ['server']), '--host', '127.0.0.1', '--port', String(port)];
  const child = spawn(
    process.execPath,
    [...(opts.nodeArgs ?? []), opts.entry ?? path.join(root, 'bin', 'tsflow.js'), ...args],
    {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'warn', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // Keep the last output for error messages; forward warnings and errors as they come.
  let tail = '';
  const collect = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-8000);
    process.stderr.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  live.add(child);
  child.once('exit', () => live.delete(child));
  guardAgainstOrphans();

  const url = `http://127.0.0.1:${port}`;
  const stop = stopper(child);
  try {
    await waitReady(`${url}${opts.readyPath ?? '/health'}`, child, () => tail, opts.readyTimeoutMs ?? 180_000);
  } catch (err) {
    await stop(2000);
    throw err;
  }
  const pid = child.pid as number;
  return { url, port, pid, cpuMs: () => processCpuMs(pid), stop };
}
