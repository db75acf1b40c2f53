import { ML, get } from './client';
import { History, toHistory } from '../lib/series';
import type { Metric } from './types';

const PAGE = 25_000;
const MAX_POINTS = 1_000_000;
const BULK_RUNS = 100;

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
 * One metric's histories for many runs in bulk: one get-history-bulk-interval request per 100
 * runs (never one per run), at most `perRun` points each, as columns per run id (each answer
 * is turned into typed arrays as it arrives, so no million point objects stay in memory).
 */
export async function bulkHistories(runIds: string[], key: string, perRun: number): Promise<Map<string, History>> {
  const batches: string[][] = [];
  for (let i = 0; i < runIds.length; i += BULK_RUNS) batches.push(runIds.slice(i, i + BULK_RUNS));
  const byRun = new Map<string, History>();
  await Promise.all(
    batches.map(async (ids) => {
      const answer = await get<{ metrics?: Metric[] }>(`${ML}/metrics/get-history-bulk-interval`, {
        run_ids: ids,
        metric_key: key,
        max_results: Math.max(1, Math.min(2500, perRun)),
      });
      const grouped = new Map<string, Metric[]>(ids.map((id) => [id, []]));
      for (const m of answer.metrics ?? []) grouped.get(m.run_id!)?.push(m);
      for (const [id, points] of grouped) byRun.set(id, toHistory(points));
    }),
  );
  return byRun;
}
