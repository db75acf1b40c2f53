/**
 * The binary frame of `POST /api/v1/metrics/history-sampled` (application/octet-stream):
 *
 *   "TSH1" | u32 LE header length | header JSON (UTF-8) | zero padding to 8 bytes |
 *   per series, in header order: Float64 LE steps[points], values[points], timestamps[points] (when `timestamps`)
 *
 * The header lists `{run_id, key, points, total}` per series (`total`: points stored before
 * sampling). Values are float64, so NaN and ±Infinity travel as they are. The web UI decodes it
 * with web/src/api/frame.ts (typed-array views on the response buffer: no parsing per point).
 */
export const FRAME_MAGIC = 'TSH1';
export const FRAME_CONTENT_TYPE = 'application/octet-stream';

export interface FrameSeries {
  runId: string;
  key: string;
  /** Points stored before sampling. */
  total: number;
  steps: Float64Array;
  values: Float64Array;
  timestamps?: Float64Array;
}

export function encodeFrame(series: FrameSeries[], withTimestamps: boolean): Buffer {
  const header = Buffer.from(
    JSON.stringify({
      timestamps: withTimestamps,
      series: series.map((s) => ({ run_id: s.runId, key: s.key, points: s.steps.length, total: s.total })),
    }),
  );
  const start = Math.ceil((8 + header.length) / 8) * 8;
  const columns = withTimestamps ? 3 : 2;
  const points = series.reduce((n, s) => n + s.steps.length, 0);
  const out = Buffer.alloc(start + points * columns * 8);
  out.write(FRAME_MAGIC, 0, 'latin1');
  out.writeUInt32LE(header.length, 4);
  header.copy(out, 8);
  const body = new Float64Array(out.buffer, out.byteOffset + start, points * columns);
  let at = 0;
  for (const s of series) {
    body.set(s.steps, at);
    body.set(s.values, (at += s.steps.length));
    at += s.steps.length;
    if (withTimestamps) {
      body.set(s.timestamps ?? new Float64Array(s.steps.length), at);
      at += s.steps.length;
    }
  }
  return out;
}
