/**
 * Reason codes, result shape and error class shared by the ONVIF protocol core.
 *
 * Parsers never throw: they answer an {@link OnvifResult}. Builders and `aimCamera` throw an
 * {@link OnvifError} for caller mistakes. Reason codes double as `Rejection.reason`.
 */
import { type Rejection } from '../../contract';

/** Every reason an ONVIF exchange can fail, with what it means for the caller. */
export const ONVIF_REASONS = {
  'malformed-xml':
    'The payload is not well-formed XML: unbalanced or misnamed tags, bad attributes, undefined entities, a DTD, or forbidden characters.',
  'too-large': 'The payload exceeds the size or nesting limit.',
  'not-soap': 'Well-formed XML, but not a SOAP Envelope with a Body.',
  'soap-fault': 'The device answered with a SOAP Fault; `fault` holds its code, subcodes and reason.',
  'unexpected-response': 'The SOAP Body holds another element than the response that was asked for.',
  'missing-field': 'A required element or attribute of the response is absent.',
  'bad-value': 'A field is present but is not a valid number, boolean, date-time, URI or enumeration value.',
  'bad-input': 'The caller passed an argument that is missing or out of range.',
} as const;

export type OnvifReason = keyof typeof ONVIF_REASONS;

/** A SOAP Fault as the device sent it (SOAP 1.2 Part 1 §5.4; SOAP 1.1 §4.4 for old firmware). */
export interface SoapFault {
  readonly soapVersion: '1.1' | '1.2';
  /** Code/Value (1.2) or faultcode (1.1), e.g. `env:Sender`; null when the device sent none. */
  readonly code: string | null;
  /** Subcode values from outermost to innermost, e.g. `['ter:InvalidArgVal', 'ter:NoProfile']`. */
  readonly subcodes: readonly string[];
  /** Reason/Text (the English one when several are given) or faultstring. */
  readonly reason: string | null;
  readonly node: string | null;
  readonly role: string | null;
  /** Text content of Detail/detail, whitespace collapsed. */
  readonly detail: string | null;
}

export interface OnvifFailure {
  readonly ok: false;
  readonly reason: OnvifReason;
  readonly detail: string;
  /** Present when `reason` is `soap-fault`. */
  readonly fault?: SoapFault;
}

export type OnvifResult<T> = { readonly ok: true; readonly value: T } | OnvifFailure;

export const succeed = <T>(value: T): OnvifResult<T> => ({ ok: true, value });

export const fail = (reason: OnvifReason, detail: string, fault?: SoapFault): OnvifFailure =>
  fault === undefined ? { ok: false, reason, detail } : { ok: false, reason, detail, fault };

/** A typed ONVIF error: thrown for bad caller input, or made from a failure at the transport edge. */
export class OnvifError extends Error {
  readonly code: OnvifReason;
  readonly detail: string;
  readonly fault: SoapFault | null;

  constructor(code: OnvifReason, detail: string, fault: SoapFault | null = null) {
    super(`ONVIF ${code}: ${detail}`);
    this.name = 'OnvifError';
    this.code = code;
    this.detail = detail;
    this.fault = fault;
  }
}

/** The error to throw for a failed result, e.g. when a transport call must reject. */
export function onvifErrorFrom(failure: OnvifFailure): OnvifError {
  return new OnvifError(failure.reason, failure.detail, failure.fault ?? null);
}

/** The contract's {@link Rejection} for a device payload that could not be translated. */
export function rejectionFrom(
  failure: OnvifFailure,
  received: { readonly source: string; readonly raw: string; readonly receivedAt: string },
): Rejection {
  return { source: received.source, reason: failure.reason, detail: failure.detail, raw: received.raw, receivedAt: received.receivedAt };
}

/** Device-supplied text bound for logs and details: control characters removed, length capped. */
export function clip(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
