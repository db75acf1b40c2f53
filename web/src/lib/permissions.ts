/** What the signed-in user may do (GET /api/v1/auth/me), so the UI hides actions the server would refuse. */
export interface Me {
  auth: boolean;
  username: string | null;
  is_admin: boolean;
  default_permission: string;
  experiments: { experiment_id: string; permission: string }[];
  registered_models: { name: string; permission: string }[];
}

export type Ability = 'read' | 'update' | 'delete' | 'manage';

// MLflow's levels (src/auth/permissions.ts): each one a set of abilities.
const LEVELS: Record<string, Ability[]> = {
  READ: ['read'],
  EDIT: ['read', 'update'],
  MANAGE: ['read', 'update', 'delete', 'manage'],
  NO_PERMISSIONS: [],
};

const allows = (permission: string, ability: Ability) => (LEVELS[permission] ?? []).includes(ability);

/** May `me` do `ability` on experiment `id`? Unknown (still loading) counts as no. */
export function canExperiment(me: Me | undefined, id: string | undefined, ability: Ability): boolean {
  if (!me) return false;
  if (!me.auth || me.is_admin) return true;
  const grant = me.experiments.find((p) => p.experiment_id === id)?.permission;
  return allows(grant ?? me.default_permission, ability);
}

/** May `me` do `ability` on registered model `name`? */
export function canModel(me: Me | undefined, name: string | undefined, ability: Ability): boolean {
  if (!me) return false;
  if (!me.auth || me.is_admin) return true;
  const grant = me.registered_models.find((p) => p.name === name)?.permission;
  return allows(grant ?? me.default_permission, ability);
}
