// A small ONNX graph builder: collects nodes, constants, inputs and outputs and encodes a
// ModelProto with protobufjs from models/onnx-subset.proto. Node and constant names come from a
// counter, so the same building steps always give the same bytes.

import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const root = protobuf.loadSync(fileURLToPath(new URL('./onnx-subset.proto', import.meta.url)));
export const ModelProto = root.lookupType('onnx.ModelProto');

/** ONNX TensorProto.DataType codes for the dtypes a graph here uses. */
export const ONNX_DTYPE = { float32: 1, int64: 7, int32: 6, double: 11 } as const;
export type OnnxDType = keyof typeof ONNX_DTYPE;

const ATTR_TYPE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, INTS: 7 } as const;

export type AttrValue = { int: number } | { float: number } | { string: string } | { ints: number[] } | { tensor: TensorValue };

export interface TensorValue {
  dtype: OnnxDType;
  dims: number[];
  values: number[];
}

function rawData(t: TensorValue): Uint8Array {
  switch (t.dtype) {
    case 'float32': return new Uint8Array(Float32Array.from(t.values).buffer);
    case 'double': return new Uint8Array(Float64Array.from(t.values).buffer);
    case 'int32': return new Uint8Array(Int32Array.from(t.values).buffer);
    case 'int64': return new Uint8Array(BigInt64Array.from(t.values, (v) => BigInt(v)).buffer);
  }
}

function tensorProto(name: string, t: TensorValue): object {
  return { name, dims: t.dims, dataType: ONNX_DTYPE[t.dtype], rawData: rawData(t) };
}

function attribute(name: string, v: AttrValue): object {
  if ('int' in v) return { name, type: ATTR_TYPE.INT, i: v.int };
  if ('float' in v) return { name, type: ATTR_TYPE.FLOAT, f: v.float };
  if ('string' in v) return { name, type: ATTR_TYPE.STRING, s: new TextEncoder().encode(v.string) };
  if ('ints' in v) return { name, type: ATTR_TYPE.INTS, ints: v.ints };
  return { name, type: ATTR_TYPE.TENSOR, t: tensorProto('', v.tensor) };
}

/** A value's declared type: dims are symbolic names (dynamic axes) or fixed sizes. */
function valueInfo(name: string, dtype: OnnxDType, dims: readonly (string | number)[]): object {
  return {
    name,
    type: {
      tensorType: {
        elemType: ONNX_DTYPE[dtype],
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

export class GraphBuilder {
  private readonly nodes: object[] = [];
  private readonly initializers: object[] = [];
  private readonly inputs: object[] = [];
  private readonly outputs: object[] = [];
  private counter = 0;

  input(name: string, dtype: OnnxDType, dims: readonly (string | number)[]): string {
    this.inputs.push(valueInfo(name, dtype, dims));
    return name;
  }

  output(name: string, dtype: OnnxDType, dims: readonly (string | number)[]): void {
    this.outputs.push(valueInfo(name, dtype, dims));
  }

  /** A constant tensor; a scalar when dims is []. */
  constant(dtype: OnnxDType, dims: number[], values: number[]): string {
    const name = `c${this.counter++}`;
    this.initializers.push(tensorProto(name, { dtype, dims, values }));
    return name;
  }

  /** Adds a node and returns its (first) output name; `name` fixes the output name. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, name?: string): string {
    const out = name ?? `t${this.counter++}`;
    this.nodes.push({
      opType,
      input: inputs,
      output: [out],
      name: `n${this.nodes.length}_${opType}`,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }

  encode(meta: { graphName: string; doc: string; opset: number; producer: string }): Uint8Array {
    const model = {
      irVersion: 8,
      producerName: meta.producer,
      producerVersion: '1',
      docString: meta.doc,
      opsetImport: [{ domain: '', version: meta.opset }],
      graph: {
        name: meta.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    };
    const err = ModelProto.verify(model);
    if (err) throw new Error(`ONNX model does not encode: ${err}`);
    return ModelProto.encode(ModelProto.fromObject(model)).finish();
  }
}
