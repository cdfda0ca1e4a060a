import type { CommunityOwner, NotificationChannel } from '../api/communityTypes';
import { hasControlCharacters, labelledInput, labelledSelect, make, statusLine, textOrNull } from '../ui/formControls';
import { type ConnectContext, mutate } from './connectContext';

/** Lengths the form allows (the hub checks its own limits too). */
const MAX_NAME = 120;
const MAX_PHONE = 32;
const MAX_EMAIL = 254;
/** What a phone number may hold: digits, spaces, + ( ) - . */
const PHONE = /^\+?[0-9 ()\-.]{3,32}$/;

/**
 * The owner's profile (saveOwnerProfile): display name, who to ask, telephone, email, and how
 * footage requests reach them. Filled from what the hub holds; the first save creates it.
 */
export function renderOwnerProfileForm(container: HTMLElement, owner: CommunityOwner | null, context: ConnectContext): void {
  const form = make('form', 'stack');
  form.id = 'profile-form';
  // The page's own checks say what is wrong in the status line (read out), for every field alike.
  form.noValidate = true;
  const displayName = labelledInput({ id: 'profile-display-name', label: 'Display name (you or your business)', required: true, maxLength: MAX_NAME, autocomplete: 'organization', value: owner?.displayName ?? '' });
  const contactName = labelledInput({ id: 'profile-contact-name', label: 'Who police should ask', maxLength: MAX_NAME, autocomplete: 'name', value: owner?.contact?.name ?? '' });
  const phone = labelledInput({ id: 'profile-phone', label: 'Telephone', type: 'tel', maxLength: MAX_PHONE, autocomplete: 'tel', value: owner?.contact?.phone ?? '' });
  const email = labelledInput({ id: 'profile-email', label: 'Email', type: 'email', maxLength: MAX_EMAIL, autocomplete: 'email', value: owner?.contact?.email ?? '' });
  const notifyBy = labelledSelect(
    'profile-notify-by',
    'Tell me of footage requests by',
    [
      ['', 'Email if I give one, else text message'],
      ['EMAIL', 'Email'],
      ['SMS', 'Text message (SMS)'],
      ['NONE', 'Do not notify me (I check this page)'],
    ],
    owner?.contact?.notifyBy ?? '',
  );
  const save = make('button', 'primary', owner?.displayName ? 'Save profile' : 'Create my profile');
  save.type = 'submit';
  save.id = 'profile-save';
  const status = statusLine('profile-status');
  form.append(displayName.field, contactName.field, phone.field, email.field, notifyBy.field, save, status.element);
  container.replaceChildren(form);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (save.disabled) return;
    const name = displayName.input.value.trim();
    const texts = [name, contactName.input.value, phone.input.value, email.input.value];
    if (!name) return status.fail('A display name is needed.');
    if (texts.some((text) => hasControlCharacters(text))) return status.fail('Names and numbers cannot hold control characters or line breaks.');
    const phoneText = textOrNull(phone.input);
    if (phoneText && !PHONE.test(phoneText)) return status.fail('The telephone number may hold digits, spaces, + ( ) - . only.');
    const emailText = textOrNull(email.input);
    if (emailText && !email.input.checkValidity()) return status.fail('The email address is not valid.');
    const channel = (notifyBy.select.value || null) as NotificationChannel | null;
    if (channel === 'EMAIL' && !emailText) return status.fail('Give an email address to be notified by email.');
    if (channel === 'SMS' && !phoneText) return status.fail('Give a telephone number to be notified by text message.');
    save.disabled = true;
    status.ok('Saving…');
    mutate<CommunityOwner>(context.api, 'SaveOwnerProfile', 'saveOwnerProfile', {
      input: { displayName: name, contactName: textOrNull(contactName.input), phone: phoneText, email: emailText, notifyBy: channel },
    })
      .then(async () => {
        status.ok('Profile saved.');
        await context.refresh();
      })
      .catch((error: unknown) => status.fail(`Not saved: ${(error as Error).message}`))
      .finally(() => (save.disabled = false));
  });
}
