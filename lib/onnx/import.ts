/** The ONNX importer lives in ./import/ (a handler per ONNX op); this path stays for its importers. */
export { decodeModel, FOLDED_OPS, IMPORTABLE_OPS, importModel, importOnnxFile, type ImportOptions } from './import/index.js';
