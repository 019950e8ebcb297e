/**
 * One report rendered for one kind of destination: a JSON body for the webhook kinds, a subject
 * with HTML and text for email. The generic webhook gets the content itself, with the report's
 * identity so a receiver can drop a message it already has. Pure.
 */
import type { ReportContent } from '@ballast/contract';
import type { DestinationKind } from './reports-config.js';
import { renderMattermost, renderTeams } from './reports-chat.js';
import { renderEmail, type EmailMessage } from './reports-email.js';
import { renderSlack } from './reports-slack.js';

export type Rendered = { kind: 'json'; body: unknown } | { kind: 'email'; message: EmailMessage };

export function renderFor(kind: DestinationKind, report: ReportContent, reportId: string): Rendered {
  switch (kind) {
    case 'slack':
      return { kind: 'json', body: renderSlack(report) };
    case 'teams':
      return { kind: 'json', body: renderTeams(report) };
    case 'mattermost':
      return { kind: 'json', body: renderMattermost(report) };
    case 'webhook':
      return { kind: 'json', body: { type: 'ballast.report', version: 1, id: reportId, report } };
    case 'email':
      return { kind: 'email', message: renderEmail(report) };
  }
}
