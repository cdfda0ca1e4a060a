import { type AlarmWebhook, formatTime } from '../api/communityTypes';
import { confirmChoice } from '../ui/confirmChoice';
import { button, make, statusLine } from '../ui/formControls';
import { type ConnectContext, mutate } from './connectContext';

/**
 * The owner's alarm webhook: where their alarm system posts, whether a secret is set, whether an
 * alarm keeps sharing open now, and "New secret", which shows the new secret once with a copy
 * button (the hub keeps no way to show it again).
 */
export function renderAlarmWebhookPanel(container: HTMLElement, webhook: AlarmWebhook, context: ConnectContext): void {
  const facts = make('dl');
  const url = make('code', 'alarm-url', webhook.url);
  url.id = 'alarm-url';
  const urlValue = make('dd');
  urlValue.append(url);
  facts.append(make('dt', undefined, 'Webhook URL'), urlValue);
  facts.append(make('dt', undefined, 'Secret'), make('dd', 'alarm-configured', webhook.configured ? 'set' : 'not set yet'));
  facts.append(make('dt', undefined, 'Alarm'), make('dd', 'alarm-active', webhook.activeUntil ? `sharing open until ${formatTime(webhook.activeUntil)}` : 'not active'));
  const how = make(
    'p',
    'hint',
    'Your alarm system POSTs {"active": true} to the URL with the headers x-rtcc-timestamp (Unix seconds) and x-rtcc-signature: sha256=<HMAC-SHA256 of "timestamp.body" with the secret>.',
  );
  const rotate = button(webhook.configured ? 'New secret' : 'Create a secret', 'rotate-secret');
  rotate.id = 'alarm-rotate';
  const shown = make('div', 'secret-shown');
  shown.id = 'alarm-secret-box';
  const status = statusLine('alarm-status');
  container.replaceChildren(facts, how, rotate, shown, status.element);
  rotate.addEventListener('click', () => {
    const ask = webhook.configured
      ? confirmChoice({ container: context.dialog, id: 'rotate', title: 'A new alarm secret', explanation: 'The current secret stops working at once: your alarm system needs the new one.', confirmLabel: 'Make a new secret' })
      : Promise.resolve('yes' as const);
    void ask.then(async (choice) => {
      if (choice === null) return;
      rotate.disabled = true;
      try {
        const next = await mutate<AlarmWebhook>(context.api, 'RotateAlarmSecret', 'rotateAlarmSecret');
        showSecretOnce(shown, next.secret ?? '');
        status.ok('New secret made: copy it now, it is shown only once.');
      } catch (error) {
        status.fail(`No new secret: ${(error as Error).message}`);
      } finally {
        rotate.disabled = false;
      }
    });
  });
}

function showSecretOnce(container: HTMLElement, secret: string): void {
  const label = make('label', undefined, 'Your new secret (shown once)');
  label.htmlFor = 'alarm-secret';
  const field = make('input');
  field.id = 'alarm-secret';
  field.readOnly = true;
  field.value = secret;
  field.autocomplete = 'off';
  field.spellcheck = false;
  const copy = button('Copy', 'copy-secret');
  copy.id = 'alarm-copy';
  const copied = statusLine();
  copy.addEventListener('click', () => {
    field.select();
    const done = () => copied.ok('Copied.');
    if (navigator.clipboard) navigator.clipboard.writeText(secret).then(done, () => copied.fail('Copying failed: select the text and copy it.'));
    else copied.fail('Copying is not available here: select the text and copy it.');
  });
  container.replaceChildren(label, field, copy, copied.element);
  field.focus();
  field.select();
}
