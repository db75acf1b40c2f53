import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { from, mergeMap, Observable } from 'rxjs';
import { TrackingStore } from '../experiments/tracking.store';
import { authContext, AuthContext } from './auth.guard';
import { AuthStore } from './auth.store';
import type { User } from './auth.types';
import { allows, Permission } from './permissions';
import { AuthService } from './auth.service';
import type { ResultFilter } from './rules/route-rules';

type Json = Record<string, unknown>;

const FILTER_FIELDS: Record<ResultFilter, string> = {
  experiments: 'experiments',
  'registered-models': 'registered_models',
  'model-versions': 'model_versions',
};

const asJson = (v: unknown): Json => (v && typeof v === 'object' ? (v as Json) : {});

/**
 * What happens after an allowed request succeeded (MLflow's after-request hooks): creators get
 * MANAGE on what they created, model grants follow renames and deletes, and search answers
 * keep only what the caller can read.
 */
@Injectable()
export class AuthAfterInterceptor implements NestInterceptor {
  private readonly logger = new Logger(AuthAfterInterceptor.name);

  constructor(
    private readonly auth: AuthService,
    private readonly store: AuthStore,
    private readonly tracking: TrackingStore,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<{ body?: unknown; query?: unknown }>();
    return next.handle().pipe(
      mergeMap((result: unknown) => {
        const ctx = authContext(req);
        if (!ctx?.user) return [result];
        return from(this.afterSafely(ctx, ctx.user, asJson(req.body), result));
      }),
    );
  }

  /** The request itself succeeded: a failed grant is logged, never turned into an error answer. */
  private async afterSafely(ctx: AuthContext, user: User, body: Json, result: unknown): Promise<unknown> {
    try {
      return await this.after(ctx, user, body, result);
    } catch (err) {
      this.logger.warn(`after-request grants for ${user.username} failed: ${(err as Error).message}`);
      // A search answer must still not leak what the caller cannot read.
      if (ctx.rule.filter && !user.isAdmin) return { [FILTER_FIELDS[ctx.rule.filter]]: [] };
      return result;
    }
  }

  private async after(ctx: AuthContext, user: User, body: Json, result: unknown): Promise<unknown> {
    const res = asJson(result);
    for (const name of ctx.creations.experimentNames) {
      const experiment = await this.tracking.getExperimentByName(name);
      if (experiment) await this.store.upsertExperimentPermission(experiment.experimentId, user.id, 'MANAGE');
    }
    for (const name of ctx.creations.modelNames) await this.store.upsertModelPermission(name, user.id, 'MANAGE');
    switch (ctx.rule.after) {
      case 'grant-experiment':
        if (typeof res.experiment_id === 'string')
          await this.store.upsertExperimentPermission(res.experiment_id, user.id, 'MANAGE');
        break;
      case 'grant-model': {
        const name = asJson(res.registered_model).name;
        if (typeof name === 'string') await this.store.upsertModelPermission(name, user.id, 'MANAGE');
        break;
      }
      case 'rename-model':
        if (typeof body.name === 'string' && typeof body.new_name === 'string')
          await this.store.renameModelPermissions(body.name, body.new_name);
        break;
      case 'delete-model':
        if (typeof body.name === 'string') await this.store.deleteModelPermissions(body.name);
        break;
    }
    if (ctx.rule.filter && !user.isAdmin) return this.filtered(ctx, user, res);
    return result;
  }

  private async filtered(ctx: AuthContext, user: User, res: Json): Promise<Json> {
    const field = {
      experiments: 'experiments',
      'registered-models': 'registered_models',
      'model-versions': 'model_versions',
    }[ctx.rule.filter as string] as string;
    const items = Array.isArray(res[field]) ? (res[field] as Json[]) : [];
    const byExperiment = ctx.rule.filter === 'experiments';
    const grants = new Map<string, Permission>(
      byExperiment
        ? (await this.store.experimentPermissions(user.id)).map((p) => [p.experimentId, p.permission])
        : (await this.store.modelPermissions(user.id)).map((p) => [p.name, p.permission]),
    );
    const fallback = this.auth.defaultPermission;
    const kept = items.filter((item) => {
      const key = String(byExperiment ? item.experiment_id : item.name);
      return allows(grants.get(key) ?? fallback, 'read');
    });
    return { ...res, [field]: kept };
  }
}
