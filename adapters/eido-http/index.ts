/** CAD adapter: NENA-STA-021 EIDO documents pushed over HTTP or polled from the CAD. */
export { type EidoHttpAdapter, type EidoHttpAdapterOptions, createEidoHttpAdapter } from './createEidoHttpAdapter';
export { type BearerVerdict, type EidoAuthentication, type VerifyBearer } from './createSenderCheck';
