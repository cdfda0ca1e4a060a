/** Camera lists exported by a VMS as CSV: pure translation, and an adapter that imports and watches the files. */
export {
  translateCameraCsv,
  fileStemOf,
  isFileRejection,
  type CameraCsvOptions,
  type CameraCsvRejection,
  type CameraCsvRejectionReason,
  type CameraCsvTranslation,
  type CameraDefaults,
} from './translateCameraCsv';
export { detectColumnMapping, type ColumnMapping } from './detectColumnMapping';
export {
  createCameraCsvAdapter,
  type CameraCsvAdapter,
  type CameraCsvAdapterOptions,
  type CameraCsvFile,
} from './createCameraCsvAdapter';
