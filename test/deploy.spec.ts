import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { MetricsService } from '../src/common/metrics/metrics.service';

/**
 * The deployment files cannot run here (no Docker engine): check what can be checked
 * statically, so a renamed metric or a lost setting fails CI instead of a deployment.
 */
const ROOT = path.resolve(__dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

describe('docker-compose.yml, Dockerfile, Prometheus and Grafana provisioning', () => {
  const compose = yaml.load(read('docker-compose.yml')) as any;

  it('has the api, worker, redis, postgres, minio, prometheus and grafana services wired together', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'api',
      'grafana',
      'minio',
      'minio-bucket',
      'postgres',
      'prometheus',
      'redis',
      'worker',
    ]);
    for (const name of ['api', 'worker']) {
      const s = compose.services[name];
      expect(s.environment.REDIS_URL).toBe('redis://redis:6379');
      expect(s.environment.DATABASE_URL).toMatch(
        /^postgresql:\/\/tsflow:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\/tsflow$/,
      );
      // API and workers share the artifact store (workers write models, the API serves them), on any host.
      expect(s.environment).toMatchObject({
        MLFLOW_ARTIFACTS_DESTINATION: 's3://tsflow/artifacts',
        MLFLOW_S3_ENDPOINT_URL: 'http://minio:9000',
      });
      expect(s.environment.AWS_SECRET_ACCESS_KEY).toMatch(/^\$\{MINIO_ROOT_PASSWORD:\?.+\}$/);
      expect(s.volumes).toBeUndefined();
      expect(s.build).toBe('.');
    }
    expect(compose.services.api.command).toEqual([
      'node',
      'bin/tsflow.js',
      'server',
      '--host',
      '0.0.0.0',
      '--port',
      '5000',
    ]);
    expect(compose.services.worker.command).toEqual(['node', 'bin/tsflow.js', 'worker']);
    expect(compose.services.worker.depends_on.api.condition).toBe('service_healthy');
    expect(compose.services.api.depends_on['minio-bucket'].condition).toBe('service_completed_successfully');
    expect(compose.services['minio-bucket'].entrypoint.join(' ')).toContain('mc mb --ignore-existing local/tsflow');
  });

  it('the API runs with basic-auth, its admin password from the environment only', () => {
    const env = compose.services.api.environment;
    expect(env.TSFLOW_APP_NAME).toBe('basic-auth');
    expect(env.TSFLOW_ADMIN_PASSWORD).toMatch(/^\$\{TSFLOW_ADMIN_PASSWORD:\?.+\}$/);
    // The shared anchor still reaches the API (database, Redis, artifact store).
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    expect(compose.services.worker.environment.TSFLOW_ADMIN_PASSWORD).toBeUndefined();
  });

  it('grafana has no default admin password: it must come from the environment', () => {
    const env = compose.services.grafana.environment;
    expect(env.GF_SECURITY_ADMIN_PASSWORD).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD:\?.+\}$/);
    expect(JSON.stringify(compose)).not.toMatch(/admin\/admin|PASSWORD: admin|PASSWORD=admin/);
    expect(compose.services.grafana.volumes).toContain('./deploy/grafana/provisioning:/etc/grafana/provisioning:ro');
  });

  it('prometheus scrapes /metrics on every api replica', () => {
    const prom = yaml.load(read('deploy/prometheus.yml')) as any;
    const job = prom.scrape_configs.find((j: any) => j.job_name === 'tsflow-api');
    expect(job.metrics_path).toBe('/metrics');
    expect(job.dns_sd_configs[0]).toMatchObject({ names: ['api'], type: 'A', port: 5000 });
    expect(compose.services.prometheus.volumes).toContain('./deploy/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
  });

  it('the dashboard queries only metrics the server exposes and covers the required panels', async () => {
    const dash = JSON.parse(read('deploy/grafana/dashboards/tsflow.json'));
    const ds = yaml.load(read('deploy/grafana/provisioning/datasources/prometheus.yml')) as any;
    expect(ds.datasources[0]).toMatchObject({ uid: 'prometheus', type: 'prometheus', url: 'http://prometheus:9090' });
    const provider = yaml.load(read('deploy/grafana/provisioning/dashboards/tsflow.yml')) as any;
    expect(provider.providers[0].options.path).toBe('/var/lib/grafana/dashboards');
    const exposed = new Set((await new MetricsService().registry.getMetricsAsJSON()).map((m) => m.name));
    const exprs: string[] = dash.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr));
    const used = new Set(
      exprs.flatMap(
        (e) => e.match(/\b(http_request_duration_seconds|tsflow_[a-z_]+?)(?=_bucket|_count|_sum|\{|\[|\))/g) ?? [],
      ),
    );
    expect([...used].sort()).toEqual([
      'http_request_duration_seconds',
      'tsflow_champion_version',
      'tsflow_model_loads_total',
      'tsflow_prediction_duration_seconds',
      'tsflow_queue_depth',
      'tsflow_training_jobs',
    ]);
    for (const name of used) expect(exposed.has(name)).toBe(true);
    for (const p of dash.panels) expect(p.datasource.uid).toBe('prometheus');
    const titles = dash.panels.map((p: any) => p.title).join(' | ');
    for (const t of ['/predict latency', 'Requests per second', 'Champion version', 'Training jobs', 'Queue depth'])
      expect(titles).toContain(t);
  });

  it('the image builds from a lock file and runs the server as a non-root user', () => {
    const docker = read('Dockerfile');
    expect(docker).toMatch(/^FROM node:20-bookworm-slim AS build$/m);
    expect(docker).toContain('RUN npm ci');
    // The whole build (WASM engine, server, web UI) runs in the image, from the sources it copies.
    expect(docker).toContain('RUN npm run build');
    for (const dir of ['src', 'assembly', 'web']) expect(docker).toContain(`COPY ${dir} ./${dir}`);
    expect(docker).toMatch(/^USER node$/m);
    expect(docker).toContain('CMD ["node", "bin/tsflow.js", "server", "--host", "0.0.0.0"]');
  });
});
