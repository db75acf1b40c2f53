import { f, message } from '../../common/proto/fields';
import { modelName, RegisteredModelMsg, RegistryTagMsg, versionArg } from './registry-entities.dto';

export const CreateRegisteredModelReq = message({
  name: f.string().required().doc("Unique name; no '/', ':', '%' (hardening)", 'lstm-msft'),
  tags: f.repeated(f.message(RegistryTagMsg)),
  description: f.string().doc('Free text', 'LSTM forecaster of MSFT closing prices'),
});

export const NameReq = message({ name: modelName() });

export const RenameRegisteredModelReq = message({
  name: modelName(),
  new_name: f.string().required().doc('New unique name', 'lstm-msft-v2'),
});

export const UpdateRegisteredModelReq = message({
  name: modelName(),
  description: f.string().doc('New description (absent or empty clears it)', 'Daily closing-price forecaster'),
});

export const SearchRegisteredModelsReq = message({
  filter: f.string().doc('AND of name and tags.<key> comparisons (= != LIKE ILIKE)', "name LIKE 'lstm-%'"),
  max_results: f.int64().doc('Page size, 1..1000 (default 100)', 100),
  order_by: f.repeated(f.string()).doc('name | timestamp | last_updated_timestamp [ASC|DESC]', ['name ASC']),
  page_token: f.string().doc('Token from the previous page'),
});

export const SearchRegisteredModelsRes = message({
  registered_models: f.repeated(f.message(RegisteredModelMsg)),
  next_page_token: f.string(),
});

export const GetLatestVersionsReq = message({
  name: modelName(),
  stages: f.repeated(f.string()).doc('Stages (case-insensitive); empty means all four', ['Production']),
});

export const SetRegisteredModelTagReq = message({
  name: modelName(),
  key: f.string().required().doc('Tag key', 'team'),
  value: f.string().doc('Tag value (<= 5000 chars)', 'forecasting'),
});

export const DeleteRegisteredModelTagReq = message({
  name: modelName(),
  key: f.string().required().doc('Tag key', 'team'),
});

const aliasArg = () =>
  f.string().required().doc("Alias: letters, digits, _ and -; 'latest' and v<N> are reserved", 'champion');

export const SetAliasReq = message({ name: modelName(), alias: aliasArg(), version: versionArg() });
export const AliasReq = message({ name: modelName(), alias: aliasArg() });
