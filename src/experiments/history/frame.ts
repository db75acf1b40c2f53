/**
 * The binary frame of `POST /api/v1/metrics/history-sampled` (application/octet-stream):
 *
 *   "TSH2" | u32 LE header length | header JSON (UTF-8) | zero padding to 8 bytes | groups
 *
 * The header is `{timestamps, groups: [{key, shared, f32, series: [{run_id, points, total}]}]}`.
 * Each group is one metric key, in header order, then padded to 8 bytes:
 *  - `shared` > 0 (a step grid shared by the group's runs): float64 steps[shared] once, then per
 *    series values[shared];
 *  - `shared` = 0: per series float64 steps[points], float64 timestamps[points] (when
 *    `timestamps`), values[points], padded to 8 bytes.
 * Values are float32 when `f32` (every value of the group fits one: a chart cannot show the
 * difference), else float64; NaN and ±Infinity travel as they are. `total`: points stored before
 * sampling. The web UI decodes it with web/src/api/frame.ts (typed-array views on the buffer).
 */
export const FRAME_MAGIC = 'TSH2';
export const FRAME_CONTENT_TYPE = 'application/octet-stream';

export interface FrameSeries {
  runId: string;
  /** Points stored before sampling. */
  total: number;
  /** Omitted in a shared group (the group's steps). */
  steps?: Float64Array;
  values: Float64Array;
  timestamps?: Float64Array;
}

export interface FrameGroup {
  key: string;
  /** The steps every series of the group is on (values[i] at sharedSteps[i]). */
  sharedSteps?: Float64Array;
  series: FrameSeries[];
}

const F32_MAX = 3.4028234663852886e38;
const F32_MIN_NORMAL = 1.1754943508222875e-38;

/** float32 keeps every value to ~7 digits: out of its range (or subnormal) the group stays float64. */
function fitsFloat32(series: FrameSeries[]): boolean {
  for (const s of series)
    for (const v of s.values) {
      const a = Math.abs(v);
      if (Number.isFinite(a) && a !== 0 && (a > F32_MAX || a < F32_MIN_NORMAL)) return false;
    }
  return true;
}

const pad8 = (n: number) => Math.ceil(n / 8) * 8;

export function encodeFrame(groups: FrameGroup[], withTimestamps: boolean): Buffer {
  const plan = groups.map((g) => ({ g, f32: fitsFloat32(g.series) }));
  const header = Buffer.from(
    JSON.stringify({
      timestamps: withTimestamps,
      groups: plan.map(({ g, f32 }) => ({
        key: g.key,
        shared: g.sharedSteps?.length ?? 0,
        f32,
        series: g.series.map((s) => ({ run_id: s.runId, points: s.values.length, total: s.total })),
      })),
    }),
  );
  let size = pad8(8 + header.length);
  for (const { g, f32 } of plan) {
    const vb = f32 ? 4 : 8;
    if (g.sharedSteps) size += pad8(g.sharedSteps.length * 8 + g.series.length * g.sharedSteps.length * vb);
    else for (const s of g.series) size += pad8(s.values.length * ((withTimestamps ? 16 : 8) + vb));
  }
  const out = Buffer.alloc(size);
  out.write(FRAME_MAGIC, 0, 'latin1');
  out.writeUInt32LE(header.length, 4);
  header.copy(out, 8);
  let at = pad8(8 + header.length);
  const put = (a: Float64Array, f32: boolean) => {
    const view = f32
      ? new Float32Array(out.buffer, out.byteOffset + at, a.length)
      : new Float64Array(out.buffer, out.byteOffset + at, a.length);
    view.set(a);
    at += a.length * (f32 ? 4 : 8);
  };
  for (const { g, f32 } of plan) {
    if (g.sharedSteps) {
      put(g.sharedSteps, false);
      for (const s of g.series) put(s.values, f32);
      at = pad8(at);
      continue;
    }
    for (const s of g.series) {
      put(s.steps ?? new Float64Array(s.values.length), false);
      if (withTimestamps) put(s.timestamps ?? new Float64Array(s.values.length), false);
      put(s.values, f32);
      at = pad8(at);
    }
  }
  return out;
}
