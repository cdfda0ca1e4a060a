/** Camera lists exported by a VMS as CSV: pure translation, and an adapter that imports and watches the files. */
export {
  DEFAULT_MAX_CAMERA_CSV_ROWS,
  translateCameraCsv,
  translateCameraCsvInSlices,
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
  DEFAULT_MAX_CAMERA_CSV_FILE_BYTES,
  createCameraCsvAdapter,
  type CameraCsvAdapter,
  type CameraCsvAdapterOptions,
  type CameraCsvFile,
} from './createCameraCsvAdapter';
