import type { History } from '../lib/series';

/** One series of a sampled-history frame (src/experiments/history/frame.ts describes the layout). */
export interface FrameSeries {
  runId: string;
  key: string;
  /** Points stored on the server before sampling. */
  total: number;
  history: History;
}

interface Header {
  timestamps: boolean;
  groups: {
    key: string;
    shared: number;
    f32: boolean;
    series: { run_id: string; points: number; total: number }[];
  }[];
}

/**
 * Decodes the binary frame of `POST /api/v1/metrics/history-sampled`: steps and timestamps are
 * views on the response buffer (a shared grid is one view for every run of its group, so the
 * chart sees identical x columns), float32 values are widened to float64 (one pass, no parsing).
 * Without timestamps, `time` is zeros.
 */
export function decodeFrame(buffer: ArrayBuffer): FrameSeries[] {
  const bytes = new Uint8Array(buffer);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== 'TSH2') throw new Error('The server answered an unknown history format.');
  const headerLength = new DataView(buffer).getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Header;
  let at = Math.ceil((8 + headerLength) / 8) * 8;
  const f64 = (n: number) => {
    const view = new Float64Array(buffer, at, n);
    at += n * 8;
    return view;
  };
  const values = (n: number, f32: boolean) => {
    if (!f32) return f64(n);
    const out = new Float64Array(new Float32Array(buffer, at, n)); // a native widening copy
    at += n * 4;
    return out;
  };
  const align8 = () => (at = Math.ceil(at / 8) * 8);
  const out: FrameSeries[] = [];
  for (const g of header.groups) {
    const shared = g.shared > 0 ? f64(g.shared) : undefined;
    const zeros = shared && new Float64Array(g.shared);
    for (const s of g.series) {
      const step = shared ?? f64(s.points);
      const time = !shared && header.timestamps ? f64(s.points) : (zeros ?? new Float64Array(s.points));
      const value = values(s.points, g.f32);
      if (!shared) align8();
      out.push({ runId: s.run_id, key: g.key, total: s.total, history: { step, time, value } });
    }
    if (shared) align8();
  }
  return out;
}
