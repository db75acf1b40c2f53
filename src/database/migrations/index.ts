import { TrackingSchema1763800000000 } from './1763800000000-tracking-schema';
import { RegistrySchema1763800000001 } from './1763800000001-registry-schema';
import { TrainingSchema1763800000002 } from './1763800000002-training-schema';
import { Mlflow3Schema1763800000003 } from './1763800000003-mlflow3-schema';
import { MonitorsSchema1763800000004 } from './1763800000004-monitors-schema';
import { AuthSchema1763800000016 } from './1763800000016-auth-schema';
import { AssessmentsSchema1763800000021 } from './1763800000021-assessments-schema';
import { SearchOrderIndexes1763800000022 } from './1763800000022-search-order-indexes';
import { ImportState1763800000030 } from './1763800000030-import-state';
import { MetricSummaries1763800000031 } from './1763800000031-metric-summaries';
import { RunNameOrderIndex1763800000032 } from './1763800000032-run-name-order-index';
import { ClusteredParamsTags1763800000033 } from './1763800000033-clustered-params-tags';
import { ParamsTagsStartTime1763800000034 } from './1763800000034-params-tags-start-time';
import { MetricRecent1763800000035 } from './1763800000035-metric-recent';

/** Every migration, in order. New migrations are appended here. */
export const MIGRATIONS = [
  TrackingSchema1763800000000,
  RegistrySchema1763800000001,
  TrainingSchema1763800000002,
  Mlflow3Schema1763800000003,
  MonitorsSchema1763800000004,
  AuthSchema1763800000016,
  AssessmentsSchema1763800000021,
  SearchOrderIndexes1763800000022,
  ImportState1763800000030,
  MetricSummaries1763800000031,
  RunNameOrderIndex1763800000032,
  ClusteredParamsTags1763800000033,
  ParamsTagsStartTime1763800000034,
  MetricRecent1763800000035,
];
