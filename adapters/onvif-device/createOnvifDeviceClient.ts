/**
 * One device's exchanges: build the request (core), POST it (edge), read the answer (core), and
 * sort every failure into what it means for the device's status.
 */
import {
  OnvifError,
  buildSoapRequest,
  faultHasSubcode,
  parseSoapResponse,
  type OnvifFailure,
  type OnvifOperation,
  type OnvifRequest,
  type OnvifResponses,
  type SoapRequest,
} from '../onvif';
import { postSoapRequest } from './postSoapRequest';

/** What a failure keeps of an answer refused for its size. */
const OVERSIZE_RAW_KEPT = 16 * 1024;

export interface OnvifDeviceClientOptions {
  readonly username: string;
  readonly password: string;
  readonly now: () => Date;
  readonly nonce: () => Uint8Array;
  readonly requestTimeoutMs: number;
  readonly maxResponseBytes: number;
  readonly signal: AbortSignal;
}

/**
 * - `unreachable`: no usable answer at all (timeout, refused or reset connection, HTTP 5xx without a SOAP Fault);
 * - `refused`: the device will not serve these credentials (SOAP Fault `ter:NotAuthorized`, HTTP 401/403);
 * - `bad-answer`: the device answered, with another SOAP Fault or a body that cannot be read;
 * - `bad-request`: the request could not be built from what it was given (e.g. a token over 64 characters);
 * - `stopped`: the adapter stopped while the exchange was under way.
 */
export type DeviceCallFailure =
  | { readonly kind: 'unreachable'; readonly operation: OnvifOperation; readonly detail: string }
  | {
      readonly kind: 'refused' | 'bad-answer';
      readonly operation: OnvifOperation;
      readonly failure: OnvifFailure;
      readonly httpStatus: number;
      /** The device's answer exactly as received (cut at the size limit for `too-large`). */
      readonly raw: string;
    }
  | { readonly kind: 'bad-request'; readonly operation: OnvifOperation; readonly detail: string }
  | { readonly kind: 'stopped'; readonly operation: OnvifOperation };

export type DeviceCallResult<T> =
  | { readonly ok: true; readonly value: T; readonly httpStatus: number; readonly raw: string }
  | { readonly ok: false; readonly failure: DeviceCallFailure };

export interface OnvifDeviceClient {
  /** Device clock minus local clock (ms), used to stamp WS-Security `Created`; set after GetSystemDateAndTime. */
  clockOffsetMs: number;
  /** Send `request` to the service at `url` and read the answer. Never throws. */
  call<O extends OnvifOperation>(url: string, request: Extract<OnvifRequest, { readonly operation: O }>): Promise<DeviceCallResult<OnvifResponses[O]>>;
}

/**
 * Core spec, Security, "User-based access control": every request carries a WS-Security
 * UsernameToken except GetSystemDateAndTime, which devices answer before authentication so
 * that clients can learn the device clock the token must be stamped in.
 */
export function createOnvifDeviceClient(options: OnvifDeviceClientOptions): OnvifDeviceClient {
  const { username, password, now, nonce, requestTimeoutMs, maxResponseBytes, signal } = options;
  const client: OnvifDeviceClient = {
    clockOffsetMs: 0,
    async call<O extends OnvifOperation>(url: string, request: Extract<OnvifRequest, { readonly operation: O }>) {
      const operation: O = request.operation;
      const usernameToken = operation === 'GetSystemDateAndTime' ? null : { username, password, now, nonce, clockOffsetMs: client.clockOffsetMs };
      let soap: SoapRequest;
      try {
        soap = buildSoapRequest({ request, usernameToken });
      } catch (error) {
        if (error instanceof OnvifError) return { ok: false, failure: { kind: 'bad-request', operation, detail: error.detail } };
        throw error;
      }
      const posted = await postSoapRequest(url, soap, { timeoutMs: requestTimeoutMs, signal, maxResponseBytes });
      if (!posted.ok) {
        if (posted.kind === 'stopped') return { ok: false, failure: { kind: 'stopped', operation } };
        if (posted.kind === 'too-large') {
          // Its head is evidence enough; megabytes of it in a dead letter would be the attack's.
          const failure: OnvifFailure = { ok: false, reason: 'too-large', detail: `${posted.detail} (the dead letter keeps its first ${OVERSIZE_RAW_KEPT} characters)` };
          return { ok: false, failure: { kind: 'bad-answer', operation, failure, httpStatus: posted.httpStatus, raw: posted.body.slice(0, OVERSIZE_RAW_KEPT) } };
        }
        return { ok: false, failure: { kind: 'unreachable', operation, detail: posted.detail } };
      }
      const { httpStatus, body } = posted;
      const parsed = parseSoapResponse(operation, body);
      if (parsed.ok) return { ok: true, value: parsed.value, httpStatus, raw: body };
      return { ok: false, failure: classify(operation, parsed, httpStatus, body) };
    },
  };
  return client;
}

/**
 * A SOAP Fault is an answer whatever the HTTP status (SOAP 1.2 Part 2 §7.5.1 sends faults with
 * 400 or 500). Without one, a 5xx means the device is not serving, and 401/403 means HTTP
 * authentication refused us (firmware that wants HTTP digest rather than WS-Security).
 */
function classify(operation: OnvifOperation, failure: OnvifFailure, httpStatus: number, raw: string): DeviceCallFailure {
  if (failure.reason === 'soap-fault') {
    const refused = failure.fault !== undefined && faultHasSubcode(failure.fault, 'NotAuthorized');
    return { kind: refused ? 'refused' : 'bad-answer', operation, failure, httpStatus, raw };
  }
  if (httpStatus >= 500) return { kind: 'unreachable', operation, detail: `HTTP ${httpStatus} without a SOAP Fault` };
  const withStatus: OnvifFailure = httpStatus === 200 ? failure : { ...failure, detail: `HTTP ${httpStatus}: ${failure.detail}` };
  return { kind: httpStatus === 401 || httpStatus === 403 ? 'refused' : 'bad-answer', operation, failure: withStatus, httpStatus, raw };
}
