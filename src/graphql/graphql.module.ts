import { Module } from '@nestjs/common';
import { ArtifactsModule } from '../artifacts/artifacts.module';
import { ExperimentsModule } from '../experiments/experiments.module';
import { RegistryModule } from '../registry/registry.module';
import { GraphqlController } from './graphql.controller';
import { GraphqlResolvers } from './graphql.resolvers';
import { GraphqlService } from './graphql.service';

/** MLflow's GraphQL endpoint over the tracking, registry and artifact services. */
@Module({
  imports: [ExperimentsModule, RegistryModule, ArtifactsModule],
  controllers: [GraphqlController],
  providers: [GraphqlService, GraphqlResolvers],
})
export class GraphqlModule {}
