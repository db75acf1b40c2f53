import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('tsflow')
    .setDescription(
      'MLflow-compatible tracking server and model registry with a TensorFlow.js time-series training engine. ' +
        'Every MLflow route is served under /api/2.0/mlflow and /ajax-api/2.0/mlflow; errors are {error_code, message}.',
    )
    .setVersion('0.1.0')
    .build();
  return SwaggerModule.createDocument(app, config);
}

export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApi(app), { jsonDocumentUrl: 'docs/openapi.json' });
}
