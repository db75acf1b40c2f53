import { TrackingSchema1763800000000 } from './1763800000000-tracking-schema';

/** Every migration, in order. New migrations are appended here. */
export const MIGRATIONS = [TrackingSchema1763800000000];
