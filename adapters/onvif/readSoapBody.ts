/**
 * The SOAP layer of a device answer: Envelope → Body → the one response element, or the Fault.
 *
 * Elements are matched by local name and namespace URIs are not checked, so undeclared or
 * unusual prefixes (`SOAP-ENV:`, `s:`, `env:`) all read the same way.
 */
import { clip, fail, succeed, type OnvifResult, type SoapFault } from './onvifErrors';
import { attributeOf, childNamed, childrenNamed, deepTextOf, parseXmlDocument, textOf, type XmlElement } from './parseXmlDocument';

/**
 * The element inside the SOAP Body, checked to be `expectedLocalName` (e.g. `GetProfilesResponse`).
 * A Body holding a Fault becomes a `soap-fault` failure that names what the device answered.
 */
export function readSoapBody(xml: unknown, expectedLocalName: string): OnvifResult<XmlElement> {
  const document = parseXmlDocument(xml);
  if (!document.ok) return document;
  const envelope = document.value;
  if (envelope.localName !== 'Envelope') return fail('not-soap', `root element is "${clip(envelope.name, 80)}", not a SOAP Envelope`);
  const body = childNamed(envelope, 'Body');
  if (body === undefined) return fail('not-soap', 'the SOAP Envelope has no Body');
  const payload = body.children[0];
  if (payload === undefined) return fail('unexpected-response', `the SOAP Body is empty; expected ${expectedLocalName}`);
  if (payload.localName === 'Fault') {
    const fault = readFault(payload);
    return fail('soap-fault', describeFault(fault), fault);
  }
  if (payload.localName !== expectedLocalName) {
    return fail('unexpected-response', `the SOAP Body holds ${clip(payload.name, 80)}; expected ${expectedLocalName}`);
  }
  return succeed(payload);
}

/** SOAP 1.2 Part 1 §5.4 (Code/Value, nested Subcode, Reason/Text, Node, Role, Detail); SOAP 1.1 §4.4 otherwise. */
function readFault(fault: XmlElement): SoapFault {
  const soap12Code = childNamed(fault, 'Code');
  if (soap12Code === undefined && childNamed(fault, 'faultcode') !== undefined) {
    return {
      soapVersion: '1.1',
      code: optionalText(childNamed(fault, 'faultcode')),
      subcodes: [],
      reason: optionalText(childNamed(fault, 'faultstring')),
      node: null,
      role: optionalText(childNamed(fault, 'faultactor')),
      detail: detailText(childNamed(fault, 'detail')),
    };
  }
  const subcodes: string[] = [];
  let subcode = soap12Code === undefined ? undefined : childNamed(soap12Code, 'Subcode');
  // §5.4.1.3: Subcode nests recursively; bound the walk like everything else read from a device.
  while (subcode !== undefined && subcodes.length < 16) {
    const value = optionalText(childNamed(subcode, 'Value'));
    if (value !== null) subcodes.push(value);
    subcode = childNamed(subcode, 'Subcode');
  }
  return {
    soapVersion: '1.2',
    code: soap12Code === undefined ? null : optionalText(childNamed(soap12Code, 'Value')),
    subcodes,
    reason: reasonText(childNamed(fault, 'Reason')),
    node: optionalText(childNamed(fault, 'Node')),
    role: optionalText(childNamed(fault, 'Role')),
    detail: detailText(childNamed(fault, 'Detail')),
  };
}

/** §5.4.2: one Text per language; prefer English, else the first. */
function reasonText(reason: XmlElement | undefined): string | null {
  if (reason === undefined) return null;
  const texts = childrenNamed(reason, 'Text');
  const english = texts.find((text) => /^en\b/i.test(attributeOf(text, 'lang') ?? ''));
  return optionalText(english ?? texts[0]);
}

function detailText(detail: XmlElement | undefined): string | null {
  if (detail === undefined) return null;
  const content = deepTextOf(detail).replace(/\s+/g, ' ').trim();
  return content === '' ? null : clip(content, 500);
}

function optionalText(element: XmlElement | undefined): string | null {
  if (element === undefined) return null;
  const text = textOf(element).replace(/\s+/g, ' ');
  return text === '' ? null : clip(text, 500);
}

/** "the device answered SOAP Fault env:Sender / ter:InvalidArgVal / ter:NoProfile: No such profile". */
export function describeFault(fault: SoapFault): string {
  const codes = [fault.code ?? '(no code)', ...fault.subcodes].map((code) => clip(code, 80)).join(' / ');
  return `the device answered SOAP ${fault.soapVersion} Fault ${codes}: ${clip(fault.reason ?? '(no reason)')}`;
}

/** Whether the fault's innermost subcodes name this ONVIF error (`ter:NotAuthorized` → `NotAuthorized`). */
export function faultHasSubcode(fault: SoapFault, localName: string): boolean {
  return fault.subcodes.some((subcode) => subcode.slice(subcode.indexOf(':') + 1) === localName);
}
