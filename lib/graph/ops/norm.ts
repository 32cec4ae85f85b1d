/**
 * The norm family: BatchNormalization (channels on axis 1, any rank >= 2) and
 * LayerNormalization (normalises the axes from `axis` on). Both keep their input's shape and run
 * in its buffer. Under the README's "How costs are counted": 0 MACs; BN params 2 x C (gamma and
 * beta; running statistics are not learned) and 0 flash (folded into the conv before it); LN
 * params 2 x prod(normalised shape) and as many flash bytes (int8, nothing to fold into).
 */
import { InputError } from '../../errors.js';
import { checkFloat, MAX_BN_EPSILON } from '../bounds.js';
import { expectMinRank, inputShape, product } from './common.js';
import type { AttrSpec, OpTable, Shape } from './spec.js';

const EPSILON_ATTR: AttrSpec = { key: 'eps', prop: 'epsilon', kind: 'float', expected: 'epsilon, a number like 0.5 or 1e-5 (inf and -inf allowed)' };

/** Epsilon above 0 (it keeps 1 / sqrt(var + eps) finite) and below MAX_BN_EPSILON (1). */
function checkEpsilon(node: string, epsilon: unknown): void {
  checkFloat(`${node}.epsilon`, epsilon, { above: 0, below: MAX_BN_EPSILON });
}

/** The normalised shape of a LayerNormalization: the input's axes from `axis` on. */
export function normalisedShape(input: Shape, axis: number): Shape {
  return input.slice(axis);
}

export const NORM_OPS: Pick<OpTable, 'BatchNormalization' | 'LayerNormalization'> = {
  BatchNormalization: {
    family: 'norm',
    arity: [1, 1],
    shape(node, [x]) {
      checkEpsilon(node.name, node.attrs.epsilon);
      return expectMinRank(node.name, 'input', x, 2);
    },
    cost: (node, graph) => ({ macs: 0, params: 2 * (inputShape(graph, node)[1] as number), flashBytes: 0 }),
    sram: 'inplace',
    onnx(node, graph) {
      const dims = [inputShape(graph, node)[1] as number];
      const stat = (suffix: string, init: 'bn-scale' | 'bn-bias' | 'bn-mean' | 'bn-var') => ({ weight: { suffix, dims, init } });
      return [
        {
          opType: 'BatchNormalization',
          inputs: [{ tensor: 0 }, stat('scale', 'bn-scale'), stat('bias', 'bn-bias'), stat('mean', 'bn-mean'), stat('var', 'bn-var')],
          attributes: { epsilon: { float: node.attrs.epsilon } },
        },
      ];
    },
    onnxImport: ['BatchNormalization'],
    dsl: [EPSILON_ATTR],
    kernelKind: () => 'activation',
    fusable: false,
    width: null,
    torch: 'nn.BatchNorm1d/nn.BatchNorm2d/nn.BatchNorm3d',
  },
  LayerNormalization: {
    family: 'norm',
    arity: [1, 1],
    shape(node, [x]) {
      const shape = expectMinRank(node.name, 'input', x, 2);
      const axis: unknown = node.attrs.axis;
      if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < 0 || axis >= shape.length) {
        throw new InputError(`${node.name}.axis`, axis, `an integer from 0 to ${shape.length - 1} (the first normalised axis)`);
      }
      checkEpsilon(node.name, node.attrs.epsilon);
      return shape;
    },
    cost(node, graph) {
      const normalised = product(normalisedShape(inputShape(graph, node), node.attrs.axis));
      return { macs: 0, params: 2 * normalised, flashBytes: 2 * normalised };
    },
    sram: 'inplace',
    // ONNX LayerNormalization is opset 17; the exporter writes the decomposition (or raises its opset) below that
    onnx(node, graph) {
      const dims = normalisedShape(inputShape(graph, node), node.attrs.axis);
      return [
        {
          opType: 'LayerNormalization',
          inputs: [{ tensor: 0 }, { weight: { suffix: 'scale', dims, init: 'ones' } }, { weight: { suffix: 'bias', dims, init: 'zeros' } }],
          attributes: { axis: node.attrs.axis, epsilon: { float: node.attrs.epsilon } },
        },
      ];
    },
    onnxImport: ['LayerNormalization'],
    dsl: [{ key: 'axis', prop: 'axis', kind: 'int', expected: 'the first normalised axis, a non-negative integer' }, EPSILON_ATTR],
    kernelKind: () => 'activation',
    fusable: false,
    width: null,
    torch: 'nn.LayerNorm',
  },
};
