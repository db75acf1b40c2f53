import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { authContext } from '../auth/auth.guard';
import { AuthService } from '../auth/auth.service';
import { allows } from '../auth/permissions';
import type { GraphqlContext } from './graphql.resolvers';
import { graphqlRequest } from '../common/graphql-request';
import { GraphqlService } from './graphql.service';

const ROUTES = ['graphql', 'ajax-api/graphql'];

/** MLflow's `/graphql` (the UI's run and experiment pages): `{query, variables, operationName}` → `{data, errors}`. */
@ApiTags('MLflow GraphQL')
@Controller()
export class GraphqlController {
  constructor(
    private readonly graphql: GraphqlService,
    private readonly moduleRef: ModuleRef,
  ) {}

  @Post(ROUTES)
  @HttpCode(200)
  @ApiOperation({ summary: "MLflow's GraphQL API (mlflowGetExperiment, mlflowGetRun, mlflowSearchRuns, ...)" })
  @ApiBody({
    schema: {
      type: 'object',
      example: { query: 'query q { mlflowGetExperiment(input: {experimentId: "0"}) { experiment { name } } }' },
    },
  })
  post(@Body() body: unknown, @Req() req: object) {
    const args = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    return this.graphql.run(graphqlRequest(args), this.context(req));
  }

  @Get(ROUTES)
  @ApiOperation({ summary: 'The same over GET: ?query=...&variables=<JSON>&operationName=...' })
  get(@Query() query: Record<string, unknown>, @Req() req: object) {
    return this.graphql.run(graphqlRequest(query), this.context(req));
  }

  /** In basic-auth mode a non-admin sees only the model versions of models they can read. */
  private context(req: object): GraphqlContext {
    const user = authContext(req)?.user;
    if (!user || user.isAdmin) return {};
    const auth = this.moduleRef.get(AuthService, { strict: false });
    const cache = new Map<string, Promise<boolean>>();
    return {
      canReadModel: (name) => {
        let allowed = cache.get(name);
        if (!allowed) {
          allowed = auth.modelPermission(user, name).then((p) => allows(p, 'read'));
          cache.set(name, allowed);
        }
        return allowed;
      },
    };
  }
}
