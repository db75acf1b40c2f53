import { describe, expect, it } from 'vitest';
import { canExperiment, canModel, Me } from './permissions';

const user = (over: Partial<Me> = {}): Me => ({
  auth: true,
  username: 'bob',
  is_admin: false,
  default_permission: 'READ',
  experiments: [{ experiment_id: '1', permission: 'EDIT' }],
  registered_models: [{ name: 'lstm', permission: 'MANAGE' }],
  ...over,
});

describe('permissions seen by the UI', () => {
  it('falls back to the default permission, grants win', () => {
    const me = user();
    expect(canExperiment(me, '1', 'update')).toBe(true);
    expect(canExperiment(me, '1', 'delete')).toBe(false);
    expect(canExperiment(me, '2', 'read')).toBe(true);
    expect(canExperiment(me, '2', 'update')).toBe(false);
    expect(canModel(me, 'lstm', 'manage')).toBe(true);
    expect(canModel(me, 'other', 'manage')).toBe(false);
  });

  it('lets admins and servers without auth do everything, and nobody before /me answered', () => {
    expect(canModel(user({ is_admin: true }), 'x', 'manage')).toBe(true);
    expect(canExperiment(user({ auth: false, username: null }), '9', 'delete')).toBe(true);
    expect(canModel(undefined, 'lstm', 'read')).toBe(false);
    expect(canModel(user({ default_permission: 'NO_PERMISSIONS' }), 'x', 'read')).toBe(false);
  });
});
