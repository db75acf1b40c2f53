import { describe, expect, it } from 'vitest';
import { evalResultsTable, parsePromptlabRequest, promptlabModel } from './promptlab';

const full = {
  experiment_id: '1',
  prompt_template: 'Answer {{q}}',
  prompt_parameters: [{ key: 'q', value: 7 }],
  model_route: 'chat',
  model_input: 'Answer 7',
  mlflow_version: '2.12.1',
};

describe('prompt-lab runs', () => {
  it("requires MLflow's arguments in MLflow's order, with MLflow's message", () => {
    const body: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(full)) {
      expect(() => parsePromptlabRequest(body)).toThrow(`CreatePromptlabRun request must specify ${key}.`);
      body[key] = value;
    }
    expect(() => parsePromptlabRequest({ ...full, prompt_parameters: [] })).toThrow(/must specify prompt_parameters/);
    expect(() => parsePromptlabRequest({ ...full, start_time: -1 })).toThrow(/start_time/);
    expect(() => parsePromptlabRequest({ ...full, tags: 'x' })).toThrow(/tags must be a list/);
    expect(parsePromptlabRequest(full, 1234)).toMatchObject({ userId: 'unknown', startTime: 1234, tags: [] });
  });

  it('builds the eval table (parameters, prompt, output, output parameters) and the MLmodel', () => {
    const spec = parsePromptlabRequest({
      ...full,
      model_output: 'Seven.',
      model_output_parameters: [{ key: 'latency', value: 100 }],
    });
    expect(JSON.parse(evalResultsTable(spec))).toEqual({
      columns: ['q', 'prompt', 'output', 'latency'],
      data: [['7', 'Answer 7', 'Seven.', '100']],
    });
    const { summary, mlmodel } = promptlabModel(spec, 'r1', new Date('2026-12-07T13:00:00.123Z'));
    expect(summary).toEqual({
      artifact_path: 'model',
      run_id: 'r1',
      utc_time_created: '2026-12-07 13:00:00.123000',
      flavors: {},
    });
    expect(mlmodel).toContain('loader_module: mlflow._promptlab');
    expect(mlmodel).toContain('run_id: r1');
  });
});
