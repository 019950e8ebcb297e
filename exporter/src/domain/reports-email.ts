/**
 * A report as an email: HTML (inline styles, since mail clients drop style sheets) and the same
 * content as plain text, for clients and filters that read only that. Pure.
 */
import type { ReportContent, ReportTone } from '@ballast/contract';

const TONE_COLOR: Record<ReportTone, string> = { bad: '#d44a3a', warn: '#e0b400', good: '#299c46', neutral: '#8e8e8e' };
const TONE_WORD: Record<ReportTone, string> = { bad: '[!]', warn: '[~]', good: '[ok]', neutral: '[-]' };

export const htmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const a = (url: string, label: string) =>
  `<a href="${htmlEscape(url)}" style="color:#3274d9;text-decoration:none">${htmlEscape(label)}</a>`;

export interface EmailMessage {
  subject: string;
  html: string;
  text: string;
}

export function renderEmail(report: ReportContent): EmailMessage {
  const sections = report.sections
    .map((s) => {
      const items = s.items
        .map(
          (i) =>
            `<li style="margin:2px 0">${i.link ? a(i.link, i.text) : htmlEscape(i.text)}${
              i.meta ? ` <span style="color:#6e6e6e">— ${htmlEscape(i.meta)}</span>` : ''
            }</li>`
        )
        .join('');
      const more = s.more > 0 ? `<li style="margin:2px 0">${a(s.link, `and ${s.more} more`)}</li>` : '';
      return `<tr><td style="padding:10px 0;border-top:1px solid #e4e4e4">
<div style="font-size:15px"><span style="display:inline-block;width:10px;height:10px;border-radius:5px;background:${TONE_COLOR[s.tone]};margin-right:6px"></span><strong>${a(s.link, s.title)}</strong>: ${htmlEscape(s.summary)}</div>
${items || more ? `<ul style="margin:6px 0 0 0;padding-left:22px;font-size:13px">${items}${more}</ul>` : ''}
</td></tr>`;
    })
    .join('\n');
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>${htmlEscape(report.title)}</title></head>
<body style="margin:0;padding:16px;background:#f4f5f5;font-family:Inter,Helvetica,Arial,sans-serif;color:#24292e">
<table role="presentation" width="100%" style="max-width:720px;margin:0 auto;background:#ffffff;border:1px solid #e4e4e4;border-radius:4px;padding:16px 20px;border-collapse:separate">
<tr><td><h1 style="font-size:20px;margin:0 0 4px 0">${htmlEscape(report.title)}</h1>
<div style="color:#6e6e6e;font-size:13px">${htmlEscape(report.subtitle)} ${a(report.link, 'Open in Grafana')}</div></td></tr>
${sections}
</table></body></html>
`;
  const text = [
    report.title,
    report.subtitle,
    `Open in Grafana: ${report.link}`,
    ...report.sections.map((s) =>
      [
        '',
        `${TONE_WORD[s.tone]} ${s.title}: ${s.summary}`,
        `  ${s.link}`,
        ...s.items.map((i) => `  - ${i.text}${i.meta ? ` — ${i.meta}` : ''}${i.link ? `\n    ${i.link}` : ''}`),
        ...(s.more > 0 ? [`  - and ${s.more} more`] : []),
      ].join('\n')
    ),
    '',
  ].join('\n');
  return { subject: report.title, html, text };
}
