/**
 * A scoring request may name its model inside a JSON body that is read only by the handler, after
 * the auth guard ran (/invocations streams its body). The guard leaves a check on the request for
 * that name (auth on); the handler runs it once it knows the name. Auth off: nothing to check.
 */
const MODEL_CHECK = Symbol('tsflow.modelCheck');

type ModelCheck = (model: string) => Promise<void>;

export function setModelCheck(req: object, check: ModelCheck): void {
  (req as { [MODEL_CHECK]?: ModelCheck })[MODEL_CHECK] = check;
}

export async function checkNamedModel(req: object, model: string | undefined): Promise<void> {
  const check = (req as { [MODEL_CHECK]?: ModelCheck })[MODEL_CHECK];
  if (check && model !== undefined) await check(model);
}
