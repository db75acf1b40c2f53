import { Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ArtifactRepository } from './artifact-repository';
import { ArtifactRepositoryResolver } from './artifact-repository.resolver';
import { LocalArtifactRepository } from './local-artifact.repository';
import { createS3Client, parseS3Uri } from './s3/s3-client';
import { S3ArtifactRepository } from './s3/s3-artifact.repository';

export async function proxiedRepository(
  config: Pick<AppConfig, 'artifactsDestination' | 's3' | 'serveArtifacts'>,
): Promise<ArtifactRepository> {
  const logger = new Logger('StorageModule');
  const s3 = parseS3Uri(config.artifactsDestination);
  let repository: ArtifactRepository;
  if (s3) {
    const remote = new S3ArtifactRepository(createS3Client(config.s3), s3.bucket, s3.prefix, {
      partBytes: config.s3.multipartPartBytes,
    });
    // The store may come up after us (compose): say what is wrong, keep serving everything else.
    if (config.serveArtifacts) await remote.check().catch((err: Error) => logger.error(err.message));
    repository = remote;
  } else {
    const local = new LocalArtifactRepository(config.artifactsDestination);
    // With --no-serve-artifacts nothing is written through the proxy: do not create the directory.
    if (config.serveArtifacts) await local.init();
    repository = local;
  }
  logger.log(`artifact store: ${repository.location} (serving ${config.serveArtifacts ? 'on' : 'off'})`);
  return repository;
}

/**
 * Artifact storage: the ArtifactRepository contract's implementations (local filesystem, S3),
 * the proxied destination and the resolver by URI scheme. The REST API over them is ArtifactsModule.
 */
@Module({
  providers: [
    { provide: ArtifactRepository, useFactory: proxiedRepository, inject: [APP_CONFIG] },
    ArtifactRepositoryResolver,
  ],
  exports: [ArtifactRepository, ArtifactRepositoryResolver],
})
export class StorageModule implements OnApplicationShutdown {
  constructor(@Inject(ArtifactRepository) private readonly repository: ArtifactRepository) {}

  onApplicationShutdown(): void {
    if (this.repository instanceof LocalArtifactRepository) this.repository.close();
  }
}
