import type { ScoredDay } from '../monitor.types';

const W = 720;
const H = 280;
const PAD = 40;

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A self-contained SVG: the champion's absolute error per live day against persistence's. */
export function errorPlotSvg(title: string, days: readonly ScoredDay[]): string {
  const model = days.map((d) => Math.abs(d.actual - d.predicted));
  const naive = days.map((d) => Math.abs(d.actual - d.naive));
  const top = Math.max(1e-9, ...model, ...naive);
  const x = (i: number) => PAD + (days.length <= 1 ? 0 : (i * (W - 2 * PAD)) / (days.length - 1));
  const y = (v: number) => H - PAD - (v / top) * (H - 2 * PAD);
  const line = (vs: number[], color: string) =>
    `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${vs.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`;
  const first = days[0]?.date ?? '';
  const last = days.at(-1)?.date ?? '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${PAD}" y="18" font-size="13">${esc(title)}</text>`,
    `<line x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${H - PAD}" stroke="#999"/>`,
    `<line x1="${PAD}" y1="${PAD}" x2="${PAD}" y2="${H - PAD}" stroke="#999"/>`,
    `<text x="${PAD}" y="${H - PAD + 16}">${esc(first)}</text>`,
    `<text x="${W - PAD}" y="${H - PAD + 16}" text-anchor="end">${esc(last)}</text>`,
    `<text x="${PAD - 4}" y="${PAD}" text-anchor="end">${top.toPrecision(3)}</text>`,
    line(naive, '#9e9e9e'),
    line(model, '#d32f2f'),
    `<text x="${W - PAD}" y="18" text-anchor="end"><tspan fill="#d32f2f">| model error |</tspan> <tspan fill="#9e9e9e">| persistence error |</tspan></text>`,
    '</svg>',
  ].join('\n');
}
