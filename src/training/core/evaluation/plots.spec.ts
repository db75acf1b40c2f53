import { describe, expect, it } from 'vitest';
import { renderLossSvg, renderPredictionsSvg } from './plots';

describe('plots', () => {
  it('renders actual vs predicted as a standalone SVG', async () => {
    const svg = await renderPredictionsSvg([
      { date: '2024-07-01', actual: 456.7, predicted: 450.1, naive: 452 },
      { date: '2024-07-02', actual: 459.3, predicted: 455.2, naive: 456.7 },
      { date: '2024-07-03', actual: 460.8, predicted: 458.0, naive: 459.3 },
    ]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('Test period: actual vs predicted close');
    expect(svg).toContain('predicted');
    expect(svg).toContain('naive (last close)');
  });

  it('draws the prediction interval as a band when the points have one', async () => {
    const pts = [
      { date: '2024-07-01', actual: 456.7, predicted: 450.1, naive: 452 },
      { date: '2024-07-02', actual: 459.3, predicted: 455.2, naive: 456.7 },
    ];
    const plain = await renderPredictionsSvg(pts);
    const banded = await renderPredictionsSvg(
      pts.map((p) => ({ ...p, lower: p.predicted - 5, upper: p.predicted + 5 })),
    );
    expect(banded.match(/<path/g)!.length).toBe(plain.match(/<path/g)!.length + 1);
    expect(banded).toContain('opacity="0.18"');
  });

  it('renders loss and val_loss curves', async () => {
    const svg = await renderLossSvg([
      { epoch: 1, loss: 0.3, val_loss: 0.35 },
      { epoch: 2, loss: 0.2, val_loss: 0.25 },
    ]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('val_loss');
    expect(svg.match(/<path/g)!.length).toBeGreaterThanOrEqual(2);
  });
});
