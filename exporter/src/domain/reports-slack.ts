/**
 * A report as a Slack incoming-webhook message (Block Kit): a header, the subtitle as context,
 * then one section block per report section with its items, linking into the Grafana app.
 * Slack's limits (https://api.slack.com/reference/block-kit/blocks): header text 150 characters,
 * section text 3000, 50 blocks per message; mrkdwn needs &, < and > escaped. Pure.
 */
import type { ReportContent, ReportTone } from '@ballast/contract';

export const SLACK_TONE: Record<ReportTone, string> = {
  bad: ':red_circle:',
  warn: ':large_yellow_circle:',
  good: ':large_green_circle:',
  neutral: ':white_circle:',
};

/** Slack mrkdwn escaping (https://api.slack.com/reference/surfaces/formatting#escaping). */
export const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** A link's label must not contain `|` or `>` (it would end the label or the link). */
const slackLink = (url: string, label: string) => `<${url}|${slackEscape(label).replace(/\|/g, '¦')}>`;
const cut = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

export interface SlackMessage {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

export function renderSlack(report: ReportContent): SlackMessage {
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: cut(report.title, 150), emoji: true } },
    {
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: `${slackEscape(report.subtitle)} ${slackLink(report.link, 'Open in Grafana')}` },
      ],
    },
    { type: 'divider' },
  ];
  for (const s of report.sections) {
    const lines = [`${SLACK_TONE[s.tone]} *${slackLink(s.link, s.title)}*: ${slackEscape(s.summary)}`];
    for (const item of s.items) {
      const label = item.link ? slackLink(item.link, item.text) : slackEscape(item.text);
      lines.push(`• ${label}${item.meta ? ` — ${slackEscape(item.meta)}` : ''}`);
    }
    if (s.more > 0) lines.push(`• ${slackLink(s.link, `and ${s.more} more`)}`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(lines.join('\n'), 3000) } });
  }
  // `text` is what notifications and screen readers show.
  return { text: `${report.title}: ${report.sections.map((s) => `${s.title} ${s.summary}`).join('; ')}`, blocks };
}
