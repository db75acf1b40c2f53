/**
 * MLflow's GraphQL schema (mlflow/server/graphql: the generated proto types, the run extension
 * with `experiment` and `modelVersions`, the `test` echo fields), field for field, in SDL.
 * `LongString` carries int64 values as strings (JavaScript loses precision above 2^53).
 */
export const MLFLOW_GRAPHQL_SDL = /* GraphQL */ `
  scalar LongString

  type Query {
    mlflowGetExperiment(input: MlflowGetExperimentInput): MlflowGetExperimentResponse
    mlflowGetMetricHistoryBulkInterval(
      input: MlflowGetMetricHistoryBulkIntervalInput
    ): MlflowGetMetricHistoryBulkIntervalResponse
    mlflowGetRun(input: MlflowGetRunInput): MlflowGetRunResponse
    mlflowListArtifacts(input: MlflowListArtifactsInput): MlflowListArtifactsResponse
    mlflowSearchModelVersions(input: MlflowSearchModelVersionsInput): MlflowSearchModelVersionsResponse
    "Simple echoing field"
    test(inputString: String): Test
  }

  type Mutation {
    mlflowSearchDatasets(input: MlflowSearchDatasetsInput): MlflowSearchDatasetsResponse
    mlflowSearchRuns(input: MlflowSearchRunsInput): MlflowSearchRunsResponse
    "Simple echoing field"
    testMutation(inputString: String): TestMutation
  }

  type Test {
    "Echoes the input string"
    output: String
  }

  type TestMutation {
    "Echoes the input string"
    output: String
  }

  type ErrorDetail {
    field: String
    message: String
  }

  type ApiError {
    code: String
    message: String
    helpUrl: String
    traceId: String
    errorDetails: [ErrorDetail]
  }

  enum MlflowModelVersionStatus {
    PENDING_REGISTRATION
    FAILED_REGISTRATION
    READY
  }

  enum MlflowRunStatus {
    RUNNING
    SCHEDULED
    FINISHED
    FAILED
    KILLED
  }

  enum MlflowViewType {
    ACTIVE_ONLY
    DELETED_ONLY
    ALL
  }

  type MlflowModelVersionTag {
    key: String
    value: String
  }

  type MlflowModelVersion {
    name: String
    version: String
    creationTimestamp: LongString
    lastUpdatedTimestamp: LongString
    userId: String
    currentStage: String
    description: String
    source: String
    runId: String
    status: MlflowModelVersionStatus
    statusMessage: String
    tags: [MlflowModelVersionTag!]
    runLink: String
    aliases: [String]
  }

  type MlflowSearchModelVersionsResponse {
    modelVersions: [MlflowModelVersion!]
    nextPageToken: String
    apiError: ApiError
  }

  type MlflowDatasetSummary {
    experimentId: String
    name: String
    digest: String
    context: String
  }

  type MlflowSearchDatasetsResponse {
    datasetSummaries: [MlflowDatasetSummary!]
    apiError: ApiError
  }

  type MlflowMetricWithRunId {
    key: String
    value: Float
    timestamp: LongString
    step: LongString
    runId: String
  }

  type MlflowGetMetricHistoryBulkIntervalResponse {
    metrics: [MlflowMetricWithRunId!]
    apiError: ApiError
  }

  type MlflowFileInfo {
    path: String
    isDir: Boolean
    fileSize: LongString
  }

  type MlflowListArtifactsResponse {
    rootUri: String
    files: [MlflowFileInfo!]
    nextPageToken: String
    apiError: ApiError
  }

  type MlflowDataset {
    name: String
    digest: String
    sourceType: String
    source: String
    schema: String
    profile: String
  }

  type MlflowInputTag {
    key: String
    value: String
  }

  type MlflowDatasetInput {
    tags: [MlflowInputTag!]
    dataset: MlflowDataset
  }

  type MlflowRunInputs {
    datasetInputs: [MlflowDatasetInput!]
  }

  type MlflowRunTag {
    key: String
    value: String
  }

  type MlflowParam {
    key: String
    value: String
  }

  type MlflowMetric {
    key: String
    value: Float
    timestamp: LongString
    step: LongString
  }

  type MlflowRunData {
    metrics: [MlflowMetric!]
    params: [MlflowParam!]
    tags: [MlflowRunTag!]
  }

  type MlflowRunInfo {
    runId: String
    runUuid: String
    runName: String
    experimentId: String
    userId: String
    status: MlflowRunStatus
    startTime: LongString
    endTime: LongString
    artifactUri: String
    lifecycleStage: String
  }

  type MlflowRunExtension {
    info: MlflowRunInfo
    data: MlflowRunData
    inputs: MlflowRunInputs
    experiment: MlflowExperiment
    modelVersions: [MlflowModelVersion!]
  }

  type MlflowSearchRunsResponse {
    runs: [MlflowRunExtension!]
    nextPageToken: String
    apiError: ApiError
  }

  type MlflowGetRunResponse {
    run: MlflowRunExtension
    apiError: ApiError
  }

  type MlflowExperimentTag {
    key: String
    value: String
  }

  type MlflowExperiment {
    experimentId: String
    name: String
    artifactLocation: String
    lifecycleStage: String
    lastUpdateTime: LongString
    creationTime: LongString
    tags: [MlflowExperimentTag!]
  }

  type MlflowGetExperimentResponse {
    experiment: MlflowExperiment
    apiError: ApiError
  }

  input MlflowSearchModelVersionsInput {
    filter: String
    maxResults: LongString
    orderBy: [String]
    pageToken: String
  }

  input MlflowSearchDatasetsInput {
    experimentIds: [String]
  }

  input MlflowGetMetricHistoryBulkIntervalInput {
    runIds: [String]
    metricKey: String
    startStep: Int
    endStep: Int
    maxResults: Int
  }

  input MlflowListArtifactsInput {
    runId: String
    runUuid: String
    path: String
    pageToken: String
  }

  input MlflowSearchRunsInput {
    experimentIds: [String]
    filter: String
    runViewType: MlflowViewType
    maxResults: Int
    orderBy: [String]
    pageToken: String
  }

  input MlflowGetRunInput {
    runId: String
    runUuid: String
  }

  input MlflowGetExperimentInput {
    experimentId: String
  }
`;
