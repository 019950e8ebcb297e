/**
 * A small, faithful HTML rendering of a Slack Block Kit message, for screenshots of what a Slack
 * channel shows (there is no Slack here). It covers what Ballast sends: header, context, divider
 * and section blocks with mrkdwn (links `<url|label>`, `*bold*`, emoji codes, Slack's &amp;/&lt;/&gt;
 * escaping), laid out like Slack's message view: the app's name and time above the blocks.
 * Slack's formatting rules: https://api.slack.com/reference/surfaces/formatting
 */
type Block = { type: string; text?: { type: string; text: string }; elements?: Array<{ type: string; text: string }> };

/** Slack draws these emoji as images; drawn here as the same coloured discs (no emoji font is installed). */
const EMOJI: Record<string, string> = {
  red_circle: '#dd2e44',
  large_yellow_circle: '#fdcb58',
  large_green_circle: '#78b159',
  white_circle: '#e6e7e8',
};
const disc = (color: string) => `<span class="emoji" style="background:${color}"></span>`;

const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Slack mrkdwn (already Slack-escaped) → HTML. */
export function mrkdwn(text: string): string {
  const parts: string[] = [];
  // Links first: their label is Slack-escaped text; everything outside them too.
  const re = /<([^|>]+)\|([^>]*)>/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    parts.push(inline(text.slice(last, m.index)));
    parts.push(`<a href="${html(m[1]!)}">${inline(m[2]!)}</a>`);
    last = m.index! + m[0].length;
  }
  parts.push(inline(text.slice(last)));
  return parts
    .join('')
    .replace(/\*([^*\n]+)\*/g, '<b>$1</b>')
    .replace(/\n/g, '<br>');
}

/** Text outside links: Slack's escapes undone, then HTML-escaped, emoji codes replaced. */
function inline(s: string): string {
  const plain = s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return html(plain).replace(/:([a-z0-9_]+):/g, (m, name: string) => (EMOJI[name] ? disc(EMOJI[name]) : m));
}

export function blockKitPage(message: { blocks: Block[] }, options: { app: string; time: string }): string {
  const blocks = message.blocks
    .map((b) => {
      switch (b.type) {
        case 'header':
          return `<div class="header">${html(b.text!.text)}</div>`;
        case 'context':
          return `<div class="context">${b.elements!.map((e) => mrkdwn(e.text)).join(' ')}</div>`;
        case 'divider':
          return '<hr>';
        case 'section':
          return `<div class="section">${mrkdwn(b.text!.text)}</div>`;
        default:
          return `<div class="unknown">[${html(b.type)} block]</div>`;
      }
    })
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;background:#fff;font-family:Lato,"Helvetica Neue",Helvetica,Arial,sans-serif;font-size:15px;color:#1d1c1d}
.channel{border-bottom:1px solid #ddd;padding:10px 20px;font-weight:900;font-size:18px}
.msg{display:flex;gap:8px;padding:12px 20px;max-width:760px}
.avatar{width:36px;height:36px;border-radius:6px;background:#3d1c4a;color:#fff;font-weight:700;display:flex;align-items:center;justify-content:center;flex:none}
.who{font-weight:900}.app{background:#ddd;color:#555;font-size:10px;padding:1px 3px;border-radius:2px;margin:0 4px;font-weight:700}
.time{color:#616061;font-size:12px}
.header{font-size:18px;font-weight:900;margin:6px 0 4px}
.context{color:#616061;font-size:13px;margin-bottom:6px}
.section{line-height:1.46668;margin:8px 0}
hr{border:0;border-top:1px solid #ddd;margin:8px 0}
a{color:#1264a3;text-decoration:none}
.emoji{display:inline-block;width:15px;height:15px;border-radius:50%;vertical-align:-2px;border:1px solid rgba(0,0,0,.08)}
</style></head><body>
<div class="channel"># stability</div>
<div class="msg"><div class="avatar">B</div><div>
<div><span class="who">${html(options.app)}</span><span class="app">APP</span><span class="time">${html(options.time)}</span></div>
${blocks}
</div></div></body></html>`;
}
