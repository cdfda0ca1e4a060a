/** The adapter kit: run every adapter, or a vendor's new one, through the same checks. */
export { type AdapterConformanceOptions, type AdapterHarness, defineAdapterConformanceSuite } from './defineAdapterConformanceSuite';
export { type RecordingSink, createRecordingSink } from './createRecordingSink';
