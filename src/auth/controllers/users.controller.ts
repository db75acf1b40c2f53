import { Controller } from '@nestjs/common';
import { Infer } from '../../common/proto/fields';
import { MlflowRpc, RpcArgs } from '../../common/proto/rpc.decorator';
import { AuthService } from '../auth.service';
import { CreateUserReq, EmptyRes, UpdateAdminReq, UpdatePasswordReq, UserReq, UserRes } from '../dtos/auth.dto';
import { userToWire } from '../dtos/auth.mapper';
import { PermissionsService } from '../permissions.service';

/** MLflow's basic-auth user API (`mlflow.server.auth`), under /api/2.0 and /ajax-api/2.0. */
@Controller()
export class UsersController {
  constructor(
    private readonly auth: AuthService,
    private readonly permissions: PermissionsService,
  ) {}

  @MlflowRpc({
    method: 'POST',
    path: 'users/create',
    request: CreateUserReq,
    response: UserRes,
    summary: 'Create a user (admins only)',
  })
  async create(@RpcArgs(CreateUserReq) a: Infer<typeof CreateUserReq>) {
    return { user: userToWire(await this.auth.createUser(a.username, a.password)) };
  }

  @MlflowRpc({
    method: 'GET',
    path: 'users/get',
    request: UserReq,
    response: UserRes,
    summary: 'A user and their grants (admins, or the user themself)',
  })
  async get(@RpcArgs(UserReq) a: Infer<typeof UserReq>) {
    const { user, experiments, models } = await this.permissions.userWithGrants(a.username);
    return { user: userToWire(user, experiments, models) };
  }

  @MlflowRpc({
    method: 'PATCH',
    path: 'users/update-password',
    request: UpdatePasswordReq,
    response: EmptyRes,
    summary: "Change a user's password (admins, or the user themself)",
  })
  async updatePassword(@RpcArgs(UpdatePasswordReq) a: Infer<typeof UpdatePasswordReq>) {
    await this.auth.updatePassword(a.username, a.password);
    return {};
  }

  @MlflowRpc({
    method: 'PATCH',
    path: 'users/update-admin',
    request: UpdateAdminReq,
    response: EmptyRes,
    summary: 'Make a user an admin or not (admins only)',
  })
  async updateAdmin(@RpcArgs(UpdateAdminReq) a: Infer<typeof UpdateAdminReq>) {
    await this.auth.updateAdmin(a.username, a.is_admin);
    return {};
  }

  @MlflowRpc({
    method: 'DELETE',
    path: 'users/delete',
    request: UserReq,
    response: EmptyRes,
    summary: 'Delete a user with their grants and tokens (admins only)',
  })
  async delete(@RpcArgs(UserReq) a: Infer<typeof UserReq>) {
    await this.auth.deleteUser(a.username);
    return {};
  }
}
