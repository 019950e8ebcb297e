/**
 * What the chaos receivers (LitmusChaos, Chaos Mesh) share: who a drill belongs to. A drill counts
 * for a team (drill coverage), so one that maps to no known service or team is refused.
 */
import { ValidationError } from '../service/errors.js';
import { resolveService } from './mapping.js';
import type { AdaptContext } from './pipeline.js';

/** The service named by the configured label, else the first application (target, object name) a rule or a service id matches, else the team label. */
export function drillOwner(
  labels: Record<string, string>,
  applications: string[],
  ctx: AdaptContext,
  path: string
): { service?: string; team: string } {
  const names = ctx.config.chaos.labels;
  const named = labels[names.service]?.trim() || undefined;
  const service = [named, ...applications]
    .map((application, i) =>
      resolveService(i === 0 ? { service: application, labels } : { application, labels }, ctx.config.services, ctx.org)
    )
    .find((s) => s !== undefined);
  if (service) return { service, team: ctx.org.services.get(service)!.team };
  const team = labels[names.team]?.trim();
  if (team && ctx.org.teams.has(team)) return { team };
  throw new ValidationError([
    {
      path,
      message: `no known service or team for [${applications.join(', ')}]: label the experiment with "${names.service}" or "${names.team}", or map it in ingestion.services`,
    },
  ]);
}
