import type { ForecastModel, ForecastModelFactory } from '../forecast-model';
import type { EngineName } from '../hyperparams';
import { FusedLstmModel, fusedLstmFactory } from './fused/fused-lstm.model';
import { UnsupportedModelError } from './fused/layers-format';
import { TfjsLstmModel, tfjsLstmFactory } from './tfjs/tfjs-lstm.model';

/** The factory behind each value of the `engine` parameter. */
export const ENGINE_FACTORIES: Readonly<Record<EngineName, ForecastModelFactory>> = {
  fused: fusedLstmFactory,
  tfjs: tfjsLstmFactory,
};

/**
 * Loading for serving: every saved model (either engine writes the tfjs layers format) runs on
 * the fused forward pass; a model it cannot run (other layers or activations) loads in tfjs.
 */
export const servingModelFactory: ForecastModelFactory = {
  build: (spec) => fusedLstmFactory.build(spec),
  load: async (dir: string): Promise<ForecastModel> => {
    try {
      return await FusedLstmModel.load(dir);
    } catch (err) {
      if (err instanceof UnsupportedModelError) return TfjsLstmModel.load(dir);
      throw err;
    }
  },
};
