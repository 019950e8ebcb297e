/** `/api/v1/red-lines`: the ledger of red-line violations and admins' waivers (docs/api.md "Red lines"). */
import { Router } from 'express';
import { RED_LINE_RULES, type RedLineRule } from '@ballast/contract';
import { RedLineService } from '../service/red-lines.js';
import { actorOf, requireRole } from './auth.js';
import { ParamReader } from './list-params.js';
import { errors, queryParam, type OpenApiPaths } from './openapi.js';
import type { ApiDeps, RouteModule } from './route-module.js';

export function redlineRoutes(deps: ApiDeps): RouteModule {
  const { tokens } = deps;
  const redLines = deps.redLines ?? new RedLineService(deps.store, deps.orgs);
  const router = Router();
  router.get('/red-lines/violations', requireRole(tokens, 'read'), async (req, res) => {
    const read = new ParamReader(req.query);
    const rules = read.list('rule');
    const unknown = rules.filter((r) => !(RED_LINE_RULES as readonly string[]).includes(r));
    if (unknown.length > 0)
      read.issues.push({ path: 'rule', message: `unknown rule "${unknown[0]}": one of ${RED_LINE_RULES.join(', ')}` });
    const team = read.list('team');
    const businessLine = read.list('businessLine');
    const query = {
      ...read.range(),
      ...(rules.length > 0 ? { rules: rules as RedLineRule[] } : {}),
      ...(team.length > 0 ? { teams: team } : {}),
      ...(businessLine.length > 0 ? { businessLines: businessLine } : {}),
      ...optional('waived', read.bool('waived')),
      ...read.page(),
    };
    read.done();
    res.json(await redLines.list(query));
  });
  router.post('/red-lines/violations/:id/waiver', requireRole(tokens, 'admin'), async (req, res) => {
    res.status(201).json(await redLines.waive(req.params.id as string, req.body, actorOf(res)));
  });
  return { router, paths: PATHS };
}

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

const violation =
  '{id, rule, collection, record, title, team, businessLine, owner, since, until?, waiver?: {by: {token, user?, name}, at, reason}}';

const PATHS: OpenApiPaths = {
  '/api/v1/red-lines/violations': {
    get: {
      summary:
        'The red-line ledger: breaches of the enabled rules computed from the records, latest first; with from/to, those in force at some moment of [from, to)',
      parameters: [
        queryParam('from'),
        queryParam('to'),
        queryParam('rule', `One or more of ${RED_LINE_RULES.join(', ')}`),
        queryParam('team'),
        queryParam('businessLine'),
        queryParam('waived', 'true: only waived violations; false: only unwaived ones'),
        queryParam('limit'),
        queryParam('offset'),
      ],
      responses: {
        200: { description: `{items: [${violation}], total, limit, offset}` },
        ...errors(400, 401, 403),
      },
    },
  },
  '/api/v1/red-lines/violations/{id}/waiver': {
    post: {
      summary: 'Waive a violation (admin): it stops counting everywhere; who, when and why are kept and audited',
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: '`<rule>:<record id>`' },
      ],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['reason'],
              additionalProperties: false,
              properties: { reason: { type: 'string', minLength: 1, maxLength: 2000 } },
            },
          },
        },
      },
      responses: {
        201: { description: `The violation with its waiver: ${violation}` },
        ...errors(400, 401, 403, 404, 409),
      },
    },
  },
};
