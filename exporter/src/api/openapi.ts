/**
 * The OpenAPI 3.1 document: components generated from the zod schemas that validate requests (so
 * the document and the validation cannot drift apart), paths from each route module.
 */
import { z } from 'zod';
import { orgSchema } from '../domain/org.js';
import { COLLECTIONS, incidentStepSchema, recordSchemas, type Collection } from '../domain/records.js';

/** Paths a route module adds to the document. */
export type OpenApiPaths = Record<string, object>;

const jsonSchema = (schema: z.ZodType) => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
};

export const errorResponse = {
  description: 'Error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};
export const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), errorResponse]));
export const json = (schema: object) => ({ content: { 'application/json': { schema } } });
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
/** `alerts` → `Alert`: the component schema of a collection's records. */
export const schemaName = (c: Collection) => c[0]!.toUpperCase() + c.slice(1, -1);
export const queryParam = (name: string, description?: string, required = false) => ({
  name,
  in: 'query',
  ...(required ? { required } : {}),
  ...(description ? { description } : {}),
  schema: { type: 'string' },
});

export function openApiDocument(version: string, paths: OpenApiPaths): object {
  const schemas: Record<string, object> = {
    Error: {
      type: 'object',
      required: ['error', 'message'],
      properties: {
        error: { type: 'string' },
        message: { type: 'string' },
        issues: {
          type: 'array',
          items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
    Org: jsonSchema(orgSchema),
    IncidentStep: jsonSchema(incidentStepSchema),
    ...Object.fromEntries(COLLECTIONS.map((c) => [schemaName(c), jsonSchema(recordSchemas[c])])),
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Ballast exporter API',
      version,
      description: 'Stability records, KPIs and governance. See docs/api.md.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
