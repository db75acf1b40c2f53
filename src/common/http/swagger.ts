import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** tsflow's own API first, then MLflow's, in the order a user meets them. */
const TAGS: [string, string][] = [
  ['Training', 'Train one model (queued job), hyperparameters, uploaded CSV datasets'],
  ['Grid searches', 'Grid searches run by workers: status, progress events, cancellation, promotion'],
  ['Compare runs', 'Side-by-side comparison of runs'],
  ['Models', 'Champion promotion (the alias serving follows)'],
  ['Serving', '/predict and the MLflow scoring protocol'],
  ['Service', 'Health, version, Prometheus metrics'],
];

export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('tsflow')
    .setDescription(
      'MLflow-compatible tracking server and model registry with a TensorFlow.js time-series training engine. ' +
        'Every MLflow route listed under /api/2.0 is also served under /ajax-api/2.0 (as `mlflow server` does); ' +
        "errors are `{error_code, message}` with MLflow's HTTP statuses.",
    )
    .setVersion('0.1.0');
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const doc = SwaggerModule.createDocument(app, builder.build(), { autoTagControllers: false });
  // The /ajax-api twins are identical: document each route once.
  doc.paths = Object.fromEntries(Object.entries(doc.paths).filter(([p]) => !p.startsWith('/ajax-api/')));
  return doc;
}

export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApi(app), { jsonDocumentUrl: 'docs/openapi.json' });
}
