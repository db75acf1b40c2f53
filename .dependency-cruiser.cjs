/**
 * The import graph runs one way (checked in `npm test`, see README "Architecture"):
 *   entry points (main, cli, train.cli, app.module, worker/)
 *     → domains (experiments, registry, artifacts, training, serving, monitoring, ...)
 *       → database, the storage floor (ArtifactRepository and its implementations)
 *         → common, config
 * training/core is a pure library (no Nest, nothing outside itself) that any floor may use:
 * the exception filter maps its errors.
 */
/** Every folder of src/ above the floors is a domain (new ones included: tracing/, auth/, monitors/, ...). */
const DOMAINS = '^src/(?!(common|config|database)/)[^/]+/';
const ENTRY_POINTS = '^src/(main|cli|train\\.cli|app\\.module)\\.ts$|^src/worker/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle makes two modules one: split the shared part out or invert the dependency.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'entry-points-on-top',
      comment: 'Nothing imports an entry point (the worker folder included) but another entry point.',
      severity: 'error',
      from: { path: '^src/', pathNot: ENTRY_POINTS },
      to: { path: ENTRY_POINTS },
    },
    {
      name: 'lower-floors-stay-down',
      comment: 'common, config and database never import a domain (the pure training core aside).',
      severity: 'error',
      from: { path: '^src/(common|config|database)/' },
      to: { path: DOMAINS, pathNot: '^src/training/core/' },
    },
    {
      name: 'storage-floor-stays-down',
      comment: 'Artifact repositories sit below the domains that store artifacts.',
      severity: 'error',
      from: { path: '^src/storage/' },
      to: { path: DOMAINS, pathNot: '^src/storage/|^src/training/core/' },
    },
    {
      name: 'config-is-the-floor',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/', pathNot: '^src/config/' },
    },
    {
      name: 'common-below-database',
      severity: 'error',
      from: { path: '^src/common/' },
      to: { path: '^src/database/' },
    },
    {
      name: 'training-core-is-pure',
      comment: 'training/core runs in sandboxes and unit tests: no Nest, nothing of the app outside itself.',
      severity: 'error',
      from: { path: '^src/training/core/' },
      to: { path: '^src/(?!training/core/)|@nestjs' },
    },
    {
      name: 'nothing-imports-monitoring',
      comment: 'Monitoring looks at the other domains; they record metrics into common/metrics.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/monitoring/|^src/app\\.module\\.ts$' },
      to: { path: '^src/monitoring/' },
    },
    {
      name: 'serving-uses-only-core-and-data-of-training',
      severity: 'error',
      from: { path: '^src/serving/' },
      to: { path: '^src/training/', pathNot: '^src/training/(core|data)/' },
    },
    {
      name: 'jobs-below-execution',
      comment:
        'The job lifecycle and queues know neither the executor, nor the REST layer (GridCloser inverts the finalizer).',
      severity: 'error',
      from: { path: '^src/training/jobs/' },
      to: { path: '^src/training/', pathNot: '^src/training/(jobs|core|data)/|^src/training/training\\.types\\.ts$' },
    },
    {
      name: 'execution-below-the-api',
      severity: 'error',
      from: { path: '^src/training/execution/' },
      to: {
        path: '^src/training/',
        pathNot: '^src/training/(execution|jobs|core|data)/|^src/training/training\\.types\\.ts$',
      },
    },
    {
      name: 'data-below-jobs',
      severity: 'error',
      from: { path: '^src/training/data/' },
      to: { path: '^src/training/', pathNot: '^src/training/(data|core)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
