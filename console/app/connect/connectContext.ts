import type { ApiClient, ApiResult } from '../api/createApiClient';
import type { ConsoleOperationName } from '../api/consoleOperations';

/** What the owner pages' parts share: the API, the dialog, and a way to reload what they show. */
export interface ConnectContext {
  readonly api: ApiClient;
  /** The page's `#dialog`, for confirmations. */
  readonly dialog: HTMLElement;
  /** Says what was done in the page's status line (lists are redrawn after a change, their own lines with them). */
  announce(text: string): void;
  /** Reloads the owner, their cameras and requests, and redraws. */
  refresh(): Promise<void>;
}

/** The hub's refusal as one line: its message and code (e.g. "window too long (BAD_USER_INPUT)"). */
export function describeRefusal(result: ApiResult<unknown>): string {
  if (result.errors.length === 0) return 'the hub gave no answer';
  return result.errors.map((error) => (error.extensions?.code ? `${error.message} (${error.extensions.code})` : error.message)).join('; ');
}

/**
 * Runs a mutation and gives its field's value, or throws with the hub's reason: the forms show
 * the message and stay as they were.
 */
export async function mutate<T>(api: ApiClient, operation: ConsoleOperationName, field: string, variables: Record<string, unknown> = {}): Promise<T> {
  let result: ApiResult<Record<string, T | null>>;
  try {
    result = await api.request<Record<string, T | null>>(operation, variables);
  } catch (error) {
    throw new Error(`The hub could not be reached: ${(error as Error).message}`);
  }
  const value = result.data?.[field];
  if (value == null) throw new Error(describeRefusal(result));
  return value;
}
