import { Controller, Get, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { authContext } from '../auth.guard';
import { AuthService } from '../auth.service';
import { OPEN_ME } from '../open-me.controller';
import { PermissionsService } from '../permissions.service';

/**
 * Who the caller is and what they may do, for the web UI to hide the actions it would refuse
 * (the server still checks every request). Without authentication everyone may do everything.
 */
@ApiTags('Authentication')
@Controller('api/v1/auth/me')
export class MeController {
  constructor(
    private readonly auth: AuthService,
    private readonly permissions: PermissionsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The calling user, admin flag, default permission and grants per experiment and model' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      example: {
        auth: true,
        username: 'alice',
        is_admin: false,
        default_permission: 'READ',
        experiments: [{ experiment_id: '1', permission: 'EDIT' }],
        registered_models: [{ name: 'lstm', permission: 'MANAGE' }],
      },
    },
  })
  async me(@Req() req: FastifyRequest) {
    const user = authContext(req)?.user;
    if (!this.auth.enabled || !user) return OPEN_ME;
    const grants = await this.permissions.userWithGrants(user.username);
    return {
      auth: true,
      username: user.username,
      is_admin: user.isAdmin,
      default_permission: this.auth.defaultPermission,
      experiments: grants.experiments.map((p) => ({ experiment_id: p.experimentId, permission: p.permission })),
      registered_models: grants.models.map((p) => ({ name: p.name, permission: p.permission })),
    };
  }
}
