import type { OutboxMessage } from './createOutboxNotifier';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/**
 * The development outbox as a small accessible page: a titled table (caption, header cells with
 * scope), newest first, every value escaped (the text comes from police and owners).
 */
export function renderOutboxPage(messages: readonly OutboxMessage[]): string {
  const rows = messages
    .map(
      (m) =>
        `<tr><td><time datetime="${m.queuedAt.toISOString()}">${m.queuedAt.toISOString()}</time></td>` +
        `<td>${escapeHtml(m.channel)}</td><td>${escapeHtml(m.to)}</td><td>${escapeHtml(m.subject)}</td>` +
        `<td><pre>${escapeHtml(m.text)}</pre></td><td>${escapeHtml(m.topic)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Notification outbox — Community Connect (development)</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1rem; color: #111; background: #fff; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #767676; padding: .4rem; text-align: left; vertical-align: top; }
pre { white-space: pre-wrap; margin: 0; font: inherit; }
</style>
</head>
<body>
<main>
<h1>Notification outbox</h1>
<p>Messages the hub would have sent to camera owners (COMMUNITY_NOTIFIER=outbox). Nothing here left this machine.</p>
<table>
<caption>${messages.length === 0 ? 'No messages yet' : `${messages.length} newest messages`}</caption>
<thead><tr><th scope="col">Queued</th><th scope="col">Channel</th><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Text</th><th scope="col">About</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</main>
</body>
</html>
`;
}
