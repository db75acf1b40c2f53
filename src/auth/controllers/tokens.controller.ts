import { Controller, Delete, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { MlflowError } from '../../common/mlflow-error';
import { Infer } from '../../common/proto/fields';
import { messageSchema } from '../../common/proto/openapi';
import { ERROR_SCHEMA, RpcArgs } from '../../common/proto/rpc.decorator';
import { authContext } from '../auth.guard';
import { AuthService } from '../auth.service';
import { RevokeTokenReq, TOKEN_SCHEMA } from '../dtos/auth.dto';

/** Bearer tokens for MLFLOW_TRACKING_TOKEN: issued to the user who asks (basic auth), revocable. */
@ApiTags('Authentication')
@Controller('api/v1/auth/tokens')
export class TokensController {
  constructor(private readonly auth: AuthService) {}

  private user(req: FastifyRequest) {
    const user = authContext(req)?.user;
    if (!user) throw MlflowError.invalid('Tokens exist only in basic-auth mode (--app-name basic-auth).');
    return user;
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Issue a bearer token for the calling user (send it as MLFLOW_TRACKING_TOKEN)' })
  @ApiOkResponse({ schema: TOKEN_SCHEMA })
  @ApiResponse({ status: 401, description: 'Not authenticated', schema: ERROR_SCHEMA })
  async issue(@Req() req: FastifyRequest) {
    const user = this.user(req);
    const { token, expiresAt } = await this.auth.issueToken(user);
    return { token, username: user.username, expires_at: expiresAt };
  }

  @Delete()
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a token of the calling user' })
  @ApiBody({ schema: messageSchema(RevokeTokenReq) })
  @ApiOkResponse({ schema: { type: 'object' } })
  @ApiResponse({ status: 404, description: 'Unknown token', schema: ERROR_SCHEMA })
  async revoke(@Req() req: FastifyRequest, @RpcArgs(RevokeTokenReq) a: Infer<typeof RevokeTokenReq>) {
    if (!(await this.auth.revokeToken(this.user(req), a.token))) throw MlflowError.notFound('Token not found.');
    return {};
  }
}
