/** Camera lists exported by a VMS as CSV, translated by pure functions; `adapters/camera-csv-file` imports and watches the files. */
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
