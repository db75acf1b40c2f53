import { Controller, Get, Module } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

/** What `GET /api/v1/auth/me` answers on a server without authentication: everyone may do everything. */
export const OPEN_ME = {
  auth: false,
  username: null,
  is_admin: true,
  default_permission: 'MANAGE',
  experiments: [],
  registered_models: [],
} as const;

/**
 * `GET /api/v1/auth/me` when authentication is off (the auth app and its guard are not mounted):
 * the web UI asks it on every page, and a 404 there was a console error in every view.
 */
@ApiTags('Authentication')
@Controller('api/v1/auth/me')
export class OpenMeController {
  @Get()
  @ApiOperation({ summary: 'The calling user and grants (authentication off: anyone, every action)' })
  @ApiOkResponse({ schema: { type: 'object', example: OPEN_ME } })
  me() {
    return OPEN_ME;
  }
}

@Module({ controllers: [OpenMeController] })
export class OpenMeModule {}
