import type { ErrorCode } from '../../errors/hubErrors';

/** The JSON body of a refused public route (`/community/media`, `/community/alarm`): `{ error: { code, message } }`, the code from the registry. */
export function refusalBody(code: ErrorCode, message: string): { readonly error: { readonly code: ErrorCode; readonly message: string } } {
  return { error: { code, message } };
}
