/**
 * The LAMDA architecture text: a compact, line-oriented, canonical serialization of any Graph
 * (paper section 4.1), its parser with line/column errors, and the structural equality the round
 * trip parse(serialize(g)) = g is defined by. Grammar and example: docs/dsl-grammar.md.
 */
export {
  serializeGraph,
  serializeNodeLines,
  canonicalGraph,
  graphsEqual,
  graphDifference,
  OP_ATTRS,
  type AttrSpec,
  type AttrKind,
  type CanonicalGraph,
  type CanonicalNode,
  type EqualityOptions,
} from './dsl-write.js';
export { parseGraph, DslSyntaxError, type ParseOptions } from './dsl-read.js';
