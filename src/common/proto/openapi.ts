import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { FieldDef, MessageSpec } from './fields';

function scalarSchema(def: FieldDef): SchemaObject {
  switch (def.kind) {
    case 'string':
      return { type: 'string' };
    case 'int64':
      return { type: 'integer', format: 'int64' };
    case 'int32':
      return { type: 'integer', format: 'int32' };
    case 'double':
      return {
        oneOf: [
          { type: 'number', format: 'double' },
          { type: 'string', enum: ['NaN', 'Infinity', '-Infinity'] },
        ],
      };
    case 'bool':
      return { type: 'boolean' };
    case 'enum':
      return { type: 'string', enum: [...(def.enumValues ?? [])] };
    case 'message':
      return messageSchema(def.message ?? {});
    case 'json':
      return { type: 'object', additionalProperties: true };
  }
}

export function fieldSchema(def: FieldDef): SchemaObject {
  const base = scalarSchema(def);
  const schema: SchemaObject = def.repeated ? { type: 'array', items: base } : { ...base };
  if (def.description) schema.description = def.description;
  if (def.example !== undefined) schema.example = def.example;
  return schema;
}

/** OpenAPI schema of a message spec (used for Swagger request and response bodies). */
export function messageSchema(spec: MessageSpec): SchemaObject {
  const properties: Record<string, SchemaObject> = {};
  const required: string[] = [];
  for (const [name, field] of Object.entries(spec)) {
    properties[name] = fieldSchema(field.def);
    if (field.def.required) required.push(name);
  }
  return required.length ? { type: 'object', properties, required } : { type: 'object', properties };
}
