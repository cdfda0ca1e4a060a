/**
 * The device side of ONVIF: what a client's SOAP 1.2 request asks. Pure, and written apart from
 * the hub's ONVIF core (adapters/onvif), so that the simulated devices check the adapter rather
 * than agree with it by construction.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** WS-Security UsernameToken fields as sent (UsernameToken Profile 1.0 §3.1). */
export interface UsernameTokenFields {
  readonly username: string;
  /** The Password element's `Type`, e.g. `…#PasswordDigest`; null when absent. */
  readonly passwordType: string | null;
  readonly password: string;
  /** Base64, as sent. */
  readonly nonce: string;
  readonly created: string;
}

/** A PTZ vector as sent: attribute texts, checked by the device. */
export interface RequestedPosition {
  readonly panTilt: { readonly x: string | null; readonly y: string | null; readonly space: string | null } | null;
  readonly zoom: { readonly x: string | null; readonly space: string | null } | null;
}

/** What the client asks; arguments the operation does not take are null. */
export interface OnvifDeviceRequest {
  /** Local name of the element in the SOAP Body, e.g. `GetProfiles`. */
  readonly operation: string;
  readonly usernameToken: UsernameTokenFields | null;
  readonly profileToken: string | null;
  readonly presetToken: string | null;
  /** GetCapabilities `Category`. */
  readonly category: string | null;
  /** AbsoluteMove `Position`. */
  readonly position: RequestedPosition | null;
}

export type ReadOnvifRequestResult = { readonly ok: true; readonly request: OnvifDeviceRequest } | { readonly ok: false; readonly detail: string };

const PARSER = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** Reads a SOAP request envelope; never throws. A DTD is refused (SOAP 1.2 Part 1 §5). */
export function readOnvifRequest(xml: string): ReadOnvifRequestResult {
  if (/<!DOCTYPE/i.test(xml)) return { ok: false, detail: 'a SOAP message must not contain a DTD' };
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { ok: false, detail: `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})` };
  let document: unknown;
  try {
    document = PARSER.parse(xml);
  } catch (error) {
    return { ok: false, detail: `not well-formed XML: ${error instanceof Error ? error.message : String(error)}` };
  }
  const envelope = child(document, 'Envelope');
  if (envelope === undefined) return { ok: false, detail: 'the root element is not a SOAP Envelope' };
  const body = child(envelope, 'Body');
  const operation = isRecord(body) ? Object.keys(body).find((key) => !key.startsWith('@_') && !key.startsWith('#')) : undefined;
  if (operation === undefined) return { ok: false, detail: 'the SOAP Body holds no request' };
  const call = first(isRecord(body) ? body[operation] : undefined);
  const vector = child(call, 'Position');
  return {
    ok: true,
    request: {
      operation,
      usernameToken: usernameTokenOf(child(child(child(envelope, 'Header'), 'Security'), 'UsernameToken')),
      profileToken: textOf(child(call, 'ProfileToken')),
      presetToken: textOf(child(call, 'PresetToken')),
      category: textOf(child(call, 'Category')),
      position:
        vector === undefined
          ? null
          : {
              panTilt: vectorOf(child(vector, 'PanTilt'), ['x', 'y']),
              zoom: vectorOf(child(vector, 'Zoom'), ['x']),
            },
    },
  };
}

function usernameTokenOf(token: unknown): UsernameTokenFields | null {
  if (token === undefined) return null;
  const password = child(token, 'Password');
  return {
    username: textOf(child(token, 'Username')) ?? '',
    passwordType: attribute(password, 'Type'),
    password: textOf(password) ?? '',
    nonce: textOf(child(token, 'Nonce')) ?? '',
    created: textOf(child(token, 'Created')) ?? '',
  };
}

function vectorOf<A extends 'x' | 'y'>(element: unknown, axes: readonly A[]): ({ [K in A]: string | null } & { space: string | null }) | null {
  if (element === undefined) return null;
  const vector = { space: attribute(element, 'space') } as { [K in A]: string | null } & { space: string | null };
  for (const axis of axes) (vector as Record<string, string | null>)[axis] = attribute(element, axis);
  return vector;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
/** A repeated element reads as its first occurrence. */
const first = (value: unknown): unknown => (Array.isArray(value) ? value[0] : value);

function child(parent: unknown, localName: string): unknown {
  return isRecord(parent) ? first(parent[localName]) : undefined;
}

function attribute(element: unknown, name: string): string | null {
  const value = isRecord(element) ? element[`@_${name}`] : undefined;
  return value === undefined ? null : String(value);
}

function textOf(element: unknown): string | null {
  if (element === undefined) return null;
  if (typeof element === 'string' || typeof element === 'number' || typeof element === 'boolean') return String(element);
  if (isRecord(element)) return element['#text'] === undefined ? '' : String(element['#text']);
  return null;
}
