import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MetricsService } from '../src/common/metrics/metrics.service';

const read = (p: string) => fs.readFileSync(path.join(__dirname, '..', p), 'utf8');

/** The monitors dashboard sits beside the main one (same provisioning) and queries only exposed series. */
describe('Grafana monitors dashboard', () => {
  it('queries only monitor metrics the server exposes and covers the required panels', async () => {
    const dash = JSON.parse(read('deploy/grafana/dashboards/tsflow-monitors.json'));
    expect(dash.uid).toBe('tsflow-monitors');
    const exposed = new Set((await new MetricsService().registry.getMetricsAsJSON()).map((m) => m.name));
    const exprs: string[] = dash.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr));
    const used = new Set(exprs.flatMap((e) => e.match(/\btsflow_[a-z_]+(?=\{)/g) ?? []));
    expect([...used].sort()).toEqual([
      'tsflow_monitor_champion_version',
      'tsflow_monitor_days_since_training',
      'tsflow_monitor_drift',
      'tsflow_monitor_last_check_success',
      'tsflow_monitor_last_check_timestamp_seconds',
      'tsflow_monitor_last_decision_retrain',
      'tsflow_monitor_live_mae',
      'tsflow_monitor_live_skill',
      'tsflow_monitor_naive_mae',
      'tsflow_monitor_scored_days',
    ]);
    for (const name of used) expect(exposed.has(name)).toBe(true);
    for (const p of dash.panels) expect(p.datasource.uid).toBe('prometheus');
    const titles = dash.panels.map((p: any) => p.title).join(' | ');
    for (const t of [
      'Live skill',
      'Live MAE',
      'Drift: PSI',
      'Drift: Kolmogorov-Smirnov',
      'Days since training',
      'Last check age',
    ])
      expect(titles).toContain(t);
    // Provisioned like the main dashboard: the provider loads every file of the mounted directory.
    expect(read('docker-compose.yml')).toContain('./deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro');
  });
});
