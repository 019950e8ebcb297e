/**
 * The OpenAPI 3.1 document, generated from the zod schemas that validate requests, so the
 * document and the validation cannot drift apart.
 */
import { z } from 'zod';
import { orgSchema } from '../domain/org.js';
import { COLLECTIONS, incidentStepSchema, recordSchemas, type Collection } from '../domain/records.js';

const jsonSchema = (schema: z.ZodType) => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const errorResponse = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), errorResponse]));
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const pascal = (c: Collection) => c[0]!.toUpperCase() + c.slice(1, -1);

const LIST_PARAMS = ['from', 'to', 'businessLine', 'team', 'service', 'limit', 'offset'];

export function openApiDocument(version: string, extraPaths: OpenApiPaths = {}): object {
  const schemas: Record<string, object> = {
    Error: {
      type: 'object',
      required: ['error', 'message'],
      properties: {
        error: { type: 'string' },
        message: { type: 'string' },
        issues: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
    Org: jsonSchema(orgSchema),
    IncidentStep: jsonSchema(incidentStepSchema),
  };
  const paths: Record<string, object> = {
    '/api/v1/health': { get: { summary: 'Health, version and store', security: [], responses: { 200: { description: 'OK' } } } },
    '/api/v1/openapi.json': { get: { summary: 'This document', security: [], responses: { 200: { description: 'OK' } } } },
    '/api/v1/org': {
      get: { summary: 'The org: business lines, teams, services, change systems, goals, policy', responses: { 200: json(ref('Org')), ...errors(401, 403) } },
      put: {
        summary: 'Replace the org (admin)',
        requestBody: { required: true, ...json(ref('Org')) },
        responses: { 200: { description: 'Replaced' }, ...errors(400, 401, 403, 409, 413, 415) },
      },
    },
  };
  for (const collection of COLLECTIONS) {
    const name = pascal(collection);
    schemas[name] = jsonSchema(recordSchemas[collection]);
    const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
    paths[`/api/v1/${collection}`] = {
      get: {
        summary: `List ${collection}`,
        parameters: LIST_PARAMS.map((p) => ({ name: p, in: 'query', schema: { type: 'string' } })),
        responses: { 200: { description: '{items, total, limit, offset}' }, ...errors(400, 401, 403) },
      },
    };
    paths[`/api/v1/${collection}/{id}`] = {
      get: { summary: `One ${name.toLowerCase()}`, parameters: [idParam], responses: { 200: { description: 'The record' }, ...errors(401, 403, 404) } },
      put: {
        summary: `Create or update a ${name.toLowerCase()} (idempotent)`,
        parameters: [idParam],
        requestBody: { required: true, ...json(ref(name)) },
        responses: { 200: { description: 'Updated or unchanged' }, 201: { description: 'Created' }, ...errors(400, 401, 403, 413, 415) },
      },
      ...(collection === 'freezes'
        ? { delete: { summary: 'Delete a freeze window (admin)', parameters: [idParam], responses: { 204: { description: 'Deleted' }, ...errors(401, 403, 404) } } }
        : {}),
    };
    paths[`/api/v1/${collection}/batch`] = {
      post: {
        summary: `Write up to 10,000 ${collection} in one transaction (all or nothing)`,
        requestBody: {
          required: true,
          ...json({ type: 'object', required: ['records'], properties: { records: { type: 'array', maxItems: 10000, items: ref(name) } } }),
        },
        responses: { 200: { description: '{created, updated, unchanged}' }, ...errors(400, 401, 403, 413, 415) },
      },
    };
  }
  paths['/api/v1/freeze-occurrences'] = {
    get: {
      summary: 'Each time a freeze window is open within [from, to), recurring windows expanded, by start',
      parameters: ['from', 'to', 'businessLine', 'team', 'service'].map((p) => ({ name: p, in: 'query', required: p === 'from' || p === 'to', schema: { type: 'string' } })),
      responses: { 200: { description: '{items: [{freeze, name, reason, scope, startsAt, endsAt}], truncated}' }, ...errors(400, 401, 403) },
    },
  };
  paths['/api/v1/incidents/{id}/steps'] = {
    post: {
      summary: 'Append an incident process step (the same step at the same time is not added twice)',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      requestBody: { required: true, ...json(ref('IncidentStep')) },
      responses: { 200: { description: 'Already there' }, 201: { description: 'Added' }, ...errors(400, 401, 403, 404) },
    },
  };
  return {
    openapi: '3.1.0',
    info: { title: 'Ballast exporter API', version, description: 'Stability records, KPIs and governance. See docs/api.md.' },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths: { ...paths, ...extraPaths },
  };
}

/** Lets other modules (KPIs, ingestion) add their paths to the document. */
export type OpenApiPaths = Record<string, object>;
