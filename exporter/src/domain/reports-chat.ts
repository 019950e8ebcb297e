/**
 * A report for Microsoft Teams (an Adaptive Card message, as Teams workflow webhooks take it:
 * https://learn.microsoft.com/en-us/connectors/teams/?tabs=text1#microsoft-teams-webhook) and for
 * Mattermost incoming webhooks (`{text}` in Markdown:
 * https://developers.mattermost.com/integrate/webhooks/incoming/). Pure.
 */
import type { ReportContent, ReportTone } from '@ballast/contract';

const TONE_MARK: Record<ReportTone, string> = { bad: '🔴', warn: '🟡', good: '🟢', neutral: '⚪' };

/** Markdown's link and emphasis characters escaped, so a record's title cannot forge a link. */
export const mdEscape = (s: string) => s.replace(/([\\`*_[\]()<>#|])/g, '\\$1');
/** The URL is already encoded (appLink); only what would end the Markdown link is escaped. */
const mdLink = (url: string, label: string) =>
  `[${mdEscape(label)}](${url.replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/ /g, '%20')})`;

/** Each section as Markdown lines: the title linked, its summary, its items. */
function markdownSections(report: ReportContent): string[][] {
  return report.sections.map((s) => {
    const lines = [`${TONE_MARK[s.tone]} **${mdLink(s.link, s.title)}**: ${mdEscape(s.summary)}`];
    for (const item of s.items) {
      const label = item.link ? mdLink(item.link, item.text) : mdEscape(item.text);
      lines.push(`- ${label}${item.meta ? ` — ${mdEscape(item.meta)}` : ''}`);
    }
    if (s.more > 0) lines.push(`- ${mdLink(s.link, `and ${s.more} more`)}`);
    return lines;
  });
}

export function renderMattermost(report: ReportContent): { text: string } {
  const head = `#### ${mdEscape(report.title)}\n${mdEscape(report.subtitle)} ${mdLink(report.link, 'Open in Grafana')}`;
  return { text: [head, ...markdownSections(report).map((l) => l.join('\n'))].join('\n\n') };
}

export function renderTeams(report: ReportContent) {
  const body: Array<Record<string, unknown>> = [
    { type: 'TextBlock', text: report.title, weight: 'Bolder', size: 'Large', wrap: true },
    { type: 'TextBlock', text: report.subtitle, isSubtle: true, wrap: true, spacing: 'None' },
    ...markdownSections(report).map((lines) => ({
      type: 'TextBlock',
      // Adaptive Card TextBlocks take a Markdown subset; a list needs its lines separated by \n.
      text: lines.join('\n'),
      wrap: true,
      separator: true,
    })),
  ];
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          actions: [{ type: 'Action.OpenUrl', title: 'Open in Grafana', url: report.link }],
        },
      },
    ],
  };
}
