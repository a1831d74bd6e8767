// The model contract (models/README.md is its user-facing description; keep the two in step):
// the names, dtypes and axes of the ONNX inputs that describe a problem as a factor graph plus
// the current soft domains, and of the one output, per-variable per-value logits.
//
// Axes are symbolic (dynamic) in every input: a model must not fix any of them.
//
// Version 2 (CONTRACT_VERSION) added the feedback inputs: what the device last reported, each
// optional on its own, so a version-1 model (without them) loads and runs unchanged.

import type { InferenceSession } from 'onnxruntime-node';
import { InputError } from '../model/errors.ts';

/** The logit of a value the domain mask excludes. The sampler also masks by itself. */
export const MASKED_LOGIT = -1e9;

export type TensorDType = 'float32' | 'int64';

/** The contract's version: 1 had no feedback inputs; 2 added them, all optional. */
export const CONTRACT_VERSION = 2;

/**
 * Input groups: `core` is required; a model takes each factor group whole or not at all. The
 * sampler feeds a model only the groups it declares; constraints it does not see are still
 * checked by the validator, so leaving a group out costs guidance, never correctness.
 * `feedback` inputs are each optional on their own (a model declares any of them); one that
 * describes a factor group's rows (`needs`) may only be declared with that group.
 */
export type InputGroup = 'core' | 'pair' | 'clause' | 'linear' | 'feedback';

export interface InputSpec {
  name: string;
  dtype: TensorDType;
  /** Symbolic axis names, e.g. ['vars', 'values']. */
  axes: readonly string[];
  group: InputGroup;
  /** Feedback inputs: the factor group whose rows the input has one entry per. */
  needs?: InputGroup;
}

export const MODEL_INPUTS: readonly InputSpec[] = [
  { name: 'domain_mask', dtype: 'float32', axes: ['vars', 'values'], group: 'core' },
  { name: 'soft_domains', dtype: 'float32', axes: ['vars', 'values'], group: 'core' },
  { name: 'pair_src', dtype: 'int64', axes: ['pairs'], group: 'pair' },
  { name: 'pair_dst', dtype: 'int64', axes: ['pairs'], group: 'pair' },
  { name: 'pair_kind', dtype: 'int64', axes: ['pairs'], group: 'pair' },
  { name: 'pair_shift', dtype: 'int64', axes: ['pairs'], group: 'pair' },
  { name: 'pair_flip', dtype: 'float32', axes: ['pairs'], group: 'pair' },
  { name: 'pair_weight', dtype: 'float32', axes: ['pairs'], group: 'pair' },
  { name: 'lit_clause', dtype: 'int64', axes: ['literals'], group: 'clause' },
  { name: 'lit_var', dtype: 'int64', axes: ['literals'], group: 'clause' },
  { name: 'lit_mask', dtype: 'float32', axes: ['literals', 'values'], group: 'clause' },
  { name: 'clause_weight', dtype: 'float32', axes: ['clauses'], group: 'clause' },
  { name: 'term_con', dtype: 'int64', axes: ['terms'], group: 'linear' },
  { name: 'term_var', dtype: 'int64', axes: ['terms'], group: 'linear' },
  { name: 'term_coef', dtype: 'float32', axes: ['terms'], group: 'linear' },
  { name: 'linear_lo', dtype: 'float32', axes: ['linears'], group: 'linear' },
  { name: 'linear_hi', dtype: 'float32', axes: ['linears'], group: 'linear' },
  { name: 'linear_weight', dtype: 'float32', axes: ['linears'], group: 'linear' },
  // Feedback (version 2): the last state a device reported on, and what it violates.
  { name: 'state', dtype: 'float32', axes: ['vars', 'values'], group: 'feedback' },
  { name: 'pair_violated', dtype: 'float32', axes: ['pairs'], group: 'feedback', needs: 'pair' },
  { name: 'clause_violated', dtype: 'float32', axes: ['clauses'], group: 'feedback', needs: 'clause' },
  { name: 'linear_violated', dtype: 'float32', axes: ['linears'], group: 'feedback', needs: 'linear' },
  { name: 'found', dtype: 'float32', axes: ['vars', 'values'], group: 'feedback' },
];

/** The version-1 inputs: every input but the feedback ones. */
export const V1_INPUTS: readonly InputSpec[] = MODEL_INPUTS.filter((s) => s.group !== 'feedback');

export const MODEL_OUTPUT = { name: 'logits', dtype: 'float32', axes: ['vars', 'values'] } as const;

/** A model file that does not meet the contract. An input error: the user chose the file. */
export class ModelContractError extends InputError {
  constructor(modelPath: string, problem: string) {
    super(`model ${modelPath} does not meet the model contract (models/README.md): ${problem}`);
    this.name = 'ModelContractError';
  }
}

type Metadata = InferenceSession['inputMetadata'][number];

function checkTensor(modelPath: string, what: string, meta: Metadata | undefined, dtype: TensorDType, axes: readonly string[]): void {
  if (!meta) throw new ModelContractError(modelPath, `missing ${what}`);
  if (!meta.isTensor) throw new ModelContractError(modelPath, `${what} must be a tensor`);
  if (meta.type !== dtype) throw new ModelContractError(modelPath, `${what} has dtype ${meta.type}, expected ${dtype}`);
  if (meta.shape.length !== axes.length) {
    throw new ModelContractError(modelPath,
      `${what} has rank ${meta.shape.length} (shape [${meta.shape.join(', ')}]), expected rank ${axes.length} [${axes.join(', ')}]`);
  }
  meta.shape.forEach((dim, i) => {
    if (typeof dim === 'number' && dim >= 0) {
      throw new ModelContractError(modelPath, `${what} axis ${i} (${axes[i]}) is fixed at ${dim}; it must be dynamic`);
    }
  });
}

/** What a model takes: its factor groups (with core) and the names of every input it declares. */
export interface ModelInputs {
  groups: Set<InputGroup>;
  names: Set<string>;
}

/**
 * Checks a loaded session against the contract and returns the inputs it takes. Throws a
 * ModelContractError naming the first missing input, unknown input, feedback input without its
 * factor group, or wrong dtype or shape.
 */
export function checkContract(modelPath: string, session: Pick<InferenceSession, 'inputMetadata' | 'outputMetadata'>): ModelInputs {
  const declared = new Map(session.inputMetadata.map((m) => [m.name, m]));
  for (const name of declared.keys()) {
    if (!MODEL_INPUTS.some((s) => s.name === name)) {
      throw new ModelContractError(modelPath, `unknown input '${name}' (the contract's inputs are ${MODEL_INPUTS.map((s) => s.name).join(', ')})`);
    }
  }
  const groups = new Set<InputGroup>(['core']);
  for (const spec of V1_INPUTS) {
    if (spec.group !== 'core' && declared.has(spec.name)) groups.add(spec.group);
  }
  for (const spec of V1_INPUTS) {
    if (groups.has(spec.group)) checkTensor(modelPath, `input '${spec.name}'`, declared.get(spec.name), spec.dtype, spec.axes);
  }
  for (const spec of MODEL_INPUTS) {
    if (spec.group !== 'feedback' || !declared.has(spec.name)) continue;
    if (spec.needs && !groups.has(spec.needs)) {
      throw new ModelContractError(modelPath, `feedback input '${spec.name}' needs the ${spec.needs} group's inputs, which the model does not take`);
    }
    checkTensor(modelPath, `input '${spec.name}'`, declared.get(spec.name), spec.dtype, spec.axes);
    groups.add('feedback');
  }
  const out = session.outputMetadata.find((m) => m.name === MODEL_OUTPUT.name);
  checkTensor(modelPath, `output '${MODEL_OUTPUT.name}'`, out, MODEL_OUTPUT.dtype, MODEL_OUTPUT.axes);
  return { groups, names: new Set(declared.keys()) };
}
