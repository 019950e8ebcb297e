/**
 * A report rendered for each destination (src/domain/reports-slack.ts, reports-chat.ts,
 * reports-email.ts, reports-render.ts): the whole message for a small report, written out by hand,
 * the escaping of each format, and Slack's length limits. Pure.
 */
import { describe, expect, it } from 'vitest';
import type { ReportContent, ReportSection } from '@ballast/contract';
import { renderSlack, slackEscape, SLACK_TONE } from '../src/domain/reports-slack.js';
import { mdEscape, renderMattermost, renderTeams } from '../src/domain/reports-chat.js';
import { htmlEscape, renderEmail } from '../src/domain/reports-email.js';
import { renderFor } from '../src/domain/reports-render.js';

const section = (over: Partial<ReportSection>): ReportSection => ({
  id: 's',
  title: 'S',
  summary: 'sum',
  tone: 'neutral',
  link: 'https://g/s',
  items: [],
  more: 0,
  ...over,
});

/** One section of each tone; the first with a linked item with meta, a bare item and more. */
function report(): ReportContent {
  return {
    kind: 'daily',
    key: '2026-12-02',
    title: 'T',
    subtitle: 'Sub',
    link: 'https://g/a',
    sections: [
      section({
        id: 'a',
        title: 'Alerts',
        summary: '2 open',
        tone: 'bad',
        link: 'https://g/a/alerts',
        items: [{ text: 'X', meta: 'm', link: 'https://g/x' }, { text: 'Y' }],
        more: 3,
      }),
      section({ id: 'b', title: 'Freezes', summary: 'none', tone: 'good', link: 'https://g/a/f' }),
      section({ id: 'c', title: 'Changes', summary: '1', tone: 'warn', link: 'https://g/a/c', more: 2 }),
      section({ id: 'd', title: 'Volume', summary: 'v', tone: 'neutral', link: 'https://g/a/v' }),
    ],
  };
}

describe('Slack', () => {
  it('is a header, the subtitle with the link, a divider and one section block per section', () => {
    expect(SLACK_TONE).toEqual({
      bad: ':red_circle:',
      warn: ':large_yellow_circle:',
      good: ':large_green_circle:',
      neutral: ':white_circle:',
    });
    expect(renderSlack(report())).toEqual({
      text: 'T: Alerts 2 open; Freezes none; Changes 1; Volume v',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'T', emoji: true } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Sub <https://g/a|Open in Grafana>' }] },
        { type: 'divider' },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: ':red_circle: *<https://g/a/alerts|Alerts>*: 2 open\n• <https://g/x|X> — m\n• Y\n• <https://g/a/alerts|and 3 more>',
          },
        },
        { type: 'section', text: { type: 'mrkdwn', text: ':large_green_circle: *<https://g/a/f|Freezes>*: none' } },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: ':large_yellow_circle: *<https://g/a/c|Changes>*: 1\n• <https://g/a/c|and 2 more>',
          },
        },
        { type: 'section', text: { type: 'mrkdwn', text: ':white_circle: *<https://g/a/v|Volume>*: v' } },
      ],
    });
  });

  it('escapes &, < and > everywhere, | in link labels', () => {
    expect(slackEscape('a & b <c> &amp;')).toBe('a &amp; b &lt;c&gt; &amp;amp;');
    const r: ReportContent = {
      ...report(),
      subtitle: 'A & B',
      sections: [
        section({
          title: 'x|y',
          summary: '<!here>',
          items: [
            { text: 'a|b>c', meta: 'p&q' },
            { text: 'l|m', link: 'https://g/l' },
          ],
        }),
      ],
    };
    const blocks = renderSlack(r).blocks as Array<{ elements?: Array<{ text: string }>; text?: { text: string } }>;
    expect(blocks[1]!.elements![0]!.text).toBe('A &amp; B <https://g/a|Open in Grafana>');
    expect(blocks[3]!.text!.text).toBe(
      ':white_circle: *<https://g/s|x¦y>*: &lt;!here&gt;\n• a|b&gt;c — p&amp;q\n• <https://g/l|l¦m>'
    );
  });

  it('cuts the header at 150 characters and a section at 3000, marking the cut', () => {
    const header = (title: string) =>
      (renderSlack({ ...report(), title }).blocks[0] as { text: { text: string } }).text.text;
    expect(header('h'.repeat(150))).toBe('h'.repeat(150));
    expect(header('h'.repeat(151))).toBe(`${'h'.repeat(149)}…`);
    // ':white_circle: *<u|t>*: ' is 24 characters.
    const text = (summary: string) =>
      (
        renderSlack({ ...report(), sections: [section({ title: 't', link: 'u', summary })] }).blocks[3] as {
          text: { text: string };
        }
      ).text.text;
    expect(text('s'.repeat(2976))).toBe(`:white_circle: *<u|t>*: ${'s'.repeat(2976)}`);
    expect(text('s'.repeat(2977))).toBe(`:white_circle: *<u|t>*: ${'s'.repeat(2975)}…`);
  });
});

describe('Mattermost and Teams', () => {
  it('Mattermost: a Markdown heading, the subtitle with the link, a paragraph per section', () => {
    expect(renderMattermost(report())).toEqual({
      text: [
        '#### T\nSub [Open in Grafana](https://g/a)',
        '🔴 **[Alerts](https://g/a/alerts)**: 2 open\n- [X](https://g/x) — m\n- Y\n- [and 3 more](https://g/a/alerts)',
        '🟢 **[Freezes](https://g/a/f)**: none',
        '🟡 **[Changes](https://g/a/c)**: 1\n- [and 2 more](https://g/a/c)',
        '⚪ **[Volume](https://g/a/v)**: v',
      ].join('\n\n'),
    });
  });

  it("escapes Markdown's characters, and what would end a link's URL", () => {
    expect(mdEscape('\\`*_[]()<>#|a')).toBe('\\\\\\`\\*\\_\\[\\]\\(\\)\\<\\>\\#\\|a');
    const r: ReportContent = {
      ...report(),
      title: '# x',
      subtitle: '*s*',
      sections: [section({ summary: '_u_', items: [{ text: '[t]', link: 'https://g/p (1) (2)', meta: 'a|b' }] })],
    };
    expect(renderMattermost(r).text).toBe(
      '#### \\# x\n\\*s\\* [Open in Grafana](https://g/a)\n\n⚪ **[S](https://g/s)**: \\_u\\_\n- [\\[t\\]](https://g/p%20%281%29%20%282%29) — a\\|b'
    );
  });

  it('Teams: an Adaptive Card with the title, the subtitle, a text block per section and the link', () => {
    expect(renderTeams({ ...report(), sections: report().sections.slice(0, 2) })).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              { type: 'TextBlock', text: 'T', weight: 'Bolder', size: 'Large', wrap: true },
              { type: 'TextBlock', text: 'Sub', isSubtle: true, wrap: true, spacing: 'None' },
              {
                type: 'TextBlock',
                text: '🔴 **[Alerts](https://g/a/alerts)**: 2 open\n- [X](https://g/x) — m\n- Y\n- [and 3 more](https://g/a/alerts)',
                wrap: true,
                separator: true,
              },
              { type: 'TextBlock', text: '🟢 **[Freezes](https://g/a/f)**: none', wrap: true, separator: true },
            ],
            actions: [{ type: 'Action.OpenUrl', title: 'Open in Grafana', url: 'https://g/a' }],
          },
        },
      ],
    });
  });
});

/** An <a> as the email writes it (colour and no underline inline). */
const a = (href: string, label: string) => `<a href="${href}" style="color:#3274d9;text-decoration:none">${label}</a>`;
const dot = (color: string) =>
  `<span style="display:inline-block;width:10px;height:10px;border-radius:5px;background:${color};margin-right:6px"></span>`;
const row = (inner: string) => `<tr><td style="padding:10px 0;border-top:1px solid #e4e4e4">\n${inner}\n</td></tr>`;
const ul = (lis: string) => `<ul style="margin:6px 0 0 0;padding-left:22px;font-size:13px">${lis}</ul>`;
const li = (inner: string) => `<li style="margin:2px 0">${inner}</li>`;

describe('email', () => {
  it('is HTML with inline styles and the same as plain text, the title as subject', () => {
    const mail = renderEmail(report());
    expect(mail.subject).toBe('T');
    const sections = [
      row(
        `<div style="font-size:15px">${dot('#d44a3a')}<strong>${a('https://g/a/alerts', 'Alerts')}</strong>: 2 open</div>\n` +
          ul(
            li(`${a('https://g/x', 'X')} <span style="color:#6e6e6e">— m</span>`) +
              li('Y') +
              li(a('https://g/a/alerts', 'and 3 more'))
          )
      ),
      row(
        `<div style="font-size:15px">${dot('#299c46')}<strong>${a('https://g/a/f', 'Freezes')}</strong>: none</div>\n`
      ),
      row(
        `<div style="font-size:15px">${dot('#e0b400')}<strong>${a('https://g/a/c', 'Changes')}</strong>: 1</div>\n` +
          ul(li(a('https://g/a/c', 'and 2 more')))
      ),
      row(`<div style="font-size:15px">${dot('#8e8e8e')}<strong>${a('https://g/a/v', 'Volume')}</strong>: v</div>\n`),
    ];
    expect(mail.html).toBe(
      [
        '<!doctype html>',
        '<html><head><meta charset="utf-8"><title>T</title></head>',
        '<body style="margin:0;padding:16px;background:#f4f5f5;font-family:Inter,Helvetica,Arial,sans-serif;color:#24292e">',
        '<table role="presentation" width="100%" style="max-width:720px;margin:0 auto;background:#ffffff;border:1px solid #e4e4e4;border-radius:4px;padding:16px 20px;border-collapse:separate">',
        '<tr><td><h1 style="font-size:20px;margin:0 0 4px 0">T</h1>',
        `<div style="color:#6e6e6e;font-size:13px">Sub ${a('https://g/a', 'Open in Grafana')}</div></td></tr>`,
        ...sections,
        '</table></body></html>',
        '',
      ].join('\n')
    );
    expect(mail.text).toBe(
      [
        'T',
        'Sub',
        'Open in Grafana: https://g/a',
        '',
        '[!] Alerts: 2 open',
        '  https://g/a/alerts',
        '  - X — m',
        '    https://g/x',
        '  - Y',
        '  - and 3 more',
        '',
        '[ok] Freezes: none',
        '  https://g/a/f',
        '',
        '[~] Changes: 1',
        '  https://g/a/c',
        '  - and 2 more',
        '',
        '[-] Volume: v',
        '  https://g/a/v',
        '',
      ].join('\n')
    );
  });

  it('escapes HTML, & first, in the HTML part only', () => {
    expect(htmlEscape(`&lt; <a href="x">'</a>`)).toBe('&amp;lt; &lt;a href=&quot;x&quot;&gt;&#39;&lt;/a&gt;');
    const mail = renderEmail({
      ...report(),
      subtitle: 'a & b',
      sections: [section({ summary: '<s>', items: [{ text: '<i>', link: 'https://g/?a=1&b=2' }] })],
    });
    expect(mail.html).toContain('<div style="color:#6e6e6e;font-size:13px">a &amp; b ');
    expect(mail.html).toContain(': &lt;s&gt;</div>');
    expect(mail.html).toContain(li(a('https://g/?a=1&amp;b=2', '&lt;i&gt;')));
    expect(mail.text).toContain('\n[-] S: <s>\n  https://g/s\n  - <i>\n    https://g/?a=1&b=2\n');
  });
});

describe('renderFor', () => {
  it('gives each destination kind its format', () => {
    const r = report();
    const slack = renderFor('slack', r, 'id1');
    expect(slack.kind).toBe('json');
    expect((slack as { body: { blocks: Array<{ type: string }> } }).body.blocks[0]!.type).toBe('header');
    const teams = renderFor('teams', r, 'id1') as { kind: string; body: { type: string } };
    expect([teams.kind, teams.body.type]).toEqual(['json', 'message']);
    const mm = renderFor('mattermost', r, 'id1') as { kind: string; body: { text: string } };
    expect([mm.kind, mm.body.text.split('\n')[0]]).toEqual(['json', '#### T']);
    expect(renderFor('webhook', r, 'id1')).toEqual({
      kind: 'json',
      body: { type: 'ballast.report', version: 1, id: 'id1', report: r },
    });
    const mail = renderFor('email', r, 'id1') as { kind: string; message: { subject: string; text: string } };
    expect([mail.kind, mail.message.subject, mail.message.text.split('\n')[2]]).toEqual([
      'email',
      'T',
      'Open in Grafana: https://g/a',
    ]);
  });
});
