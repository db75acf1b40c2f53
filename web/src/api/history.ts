import { binary, ML, get } from './client';
import { decodeFrame } from './frame';
import type { History } from '../lib/series';
import type { Metric } from './types';

const PAGE = 25_000;
const MAX_POINTS = 1_000_000;

/** Every point of one metric of one run (paged get-history), capped at a million points. */
export async function fullHistory(runId: string, key: string): Promise<Metric[]> {
  const out: Metric[] = [];
  let token: string | undefined;
  do {
    const page = await get<{ metrics?: Metric[]; next_page_token?: string }>(`${ML}/metrics/get-history`, {
      run_id: runId,
      metric_key: key,
      max_results: PAGE,
      page_token: token,
    });
    out.push(...(page.metrics ?? []));
    token = page.next_page_token;
  } while (token && out.length < MAX_POINTS);
  return out;
}

/**
 * Chart-ready histories of many runs and metrics in one call (`POST /api/v1/metrics/history-sampled`):
 * each series reduced on the server to about `points` points keeping its shape, sent as one
 * binary frame (a few bytes per point instead of MLflow's ~120 bytes of JSON), decoded into
 * typed-array views. Returns per metric key, per run id.
 */
export async function sampledHistories(
  runIds: string[],
  keys: string[],
  points: number,
  timestamps = false,
): Promise<Map<string, Map<string, History>>> {
  const buffer = await binary('/api/v1/metrics/history-sampled', {
    run_ids: runIds,
    metric_keys: keys,
    points: Math.max(8, Math.min(10_000, Math.round(points))),
    timestamps,
  });
  const out = new Map<string, Map<string, History>>(keys.map((k) => [k, new Map()]));
  for (const s of decodeFrame(buffer)) out.get(s.key)?.set(s.runId, s.history);
  return out;
}
