/** The ONNX importer lives in ./import/ (a handler per ONNX op); this path stays for its importers. */
export { decodeModel, FOLDED_OPS, IMPORTABLE_OPS, IMPORTABLE_OPS_TEXT, importModel, importOnnxFile, type ImportOptions } from './import/index.js';
