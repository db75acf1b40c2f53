import type { History } from '../lib/series';

/** One series of a sampled-history frame (src/experiments/history/frame.ts describes the layout). */
export interface FrameSeries {
  runId: string;
  key: string;
  /** Points stored on the server before sampling. */
  total: number;
  history: History;
}

/**
 * Decodes the binary frame of `POST /api/v1/metrics/history-sampled`: typed-array views on the
 * response buffer (no copy, nothing parsed per point). Without timestamps, `time` is zeros.
 */
export function decodeFrame(buffer: ArrayBuffer): FrameSeries[] {
  const bytes = new Uint8Array(buffer);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== 'TSH1') throw new Error('The server answered an unknown history format.');
  const headerLength = new DataView(buffer).getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as {
    timestamps: boolean;
    series: { run_id: string; key: string; points: number; total: number }[];
  };
  let at = Math.ceil((8 + headerLength) / 8) * 8;
  const column = (n: number) => {
    const view = new Float64Array(buffer, at, n);
    at += n * 8;
    return view;
  };
  return header.series.map((s) => {
    const step = column(s.points);
    const value = column(s.points);
    const time = header.timestamps ? column(s.points) : new Float64Array(s.points);
    return { runId: s.run_id, key: s.key, total: s.total, history: { step, time, value } };
  });
}
