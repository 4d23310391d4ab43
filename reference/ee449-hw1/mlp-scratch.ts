// Part 1.2: a multi-layer perceptron from scratch, the seed's mlp.py. No tfjs and no package here (the grader
// checks this file's imports): plain number[][] matrices and the helpers of matrix.ts (numpy's role).
import type { ActivationName, Matrix } from '../../assignments/ee449-hw1/contract.ts';
import { add, columnSums, dot, map, multiply, scale, subtract, transpose, zeros, fromFunction } from './matrix.ts';
import { normalSampler } from './random.ts';
// STARTER: import { todo } from './todo.ts';

// ---------------------------------------------------------------------------------------------------------
// 1.2 (a) The activation functions and their derivatives. Each derivative takes the PRE-activation x, as the
// seed's sigmoid_derivative(x) = sigmoid(x) * (1 - sigmoid(x)) does. At x = 0, ReLU's derivative is 0
// (np.where(x > 0, 1, 0)).

export function sigmoid(x: number): number {
  // BEGIN SOLUTION
  return 1 / (1 + Math.exp(-x));
  // END SOLUTION
  // STARTER: return todo('1.2: sigmoid');
}

export function sigmoidDerivative(x: number): number {
  // BEGIN SOLUTION
  const s = sigmoid(x);
  return s * (1 - s);
  // END SOLUTION
  // STARTER: return todo('1.2: sigmoidDerivative');
}

export function tanh(x: number): number {
  // BEGIN SOLUTION
  return Math.tanh(x);
  // END SOLUTION
  // STARTER: return todo('1.2: tanh');
}

export function tanhDerivative(x: number): number {
  // BEGIN SOLUTION
  const t = Math.tanh(x);
  return 1 - t * t;
  // END SOLUTION
  // STARTER: return todo('1.2: tanhDerivative');
}

export function relu(x: number): number {
  // BEGIN SOLUTION
  return Math.max(0, x);
  // END SOLUTION
  // STARTER: return todo('1.2: relu');
}

export function reluDerivative(x: number): number {
  // BEGIN SOLUTION
  return x > 0 ? 1 : 0;
  // END SOLUTION
  // STARTER: return todo('1.2: reluDerivative');
}

const FUNCTIONS: Record<ActivationName, [(x: number) => number, (x: number) => number]> = {
  sigmoid: [sigmoid, sigmoidDerivative],
  tanh: [tanh, tanhDerivative],
  relu: [relu, reluDerivative],
};

/** The loss the seed prints: np.mean((output - y_train) ** 2), over every entry. */
export function meanSquaredError(output: Matrix, targets: Matrix): number {
  // BEGIN SOLUTION
  const diff = subtract(output, targets);
  let sum = 0;
  let count = 0;
  for (const row of diff) {
    for (const d of row) {
      sum += d * d;
      count++;
    }
  }
  return sum / count;
  // END SOLUTION
  // STARTER: return todo('1.2: meanSquaredError');
}

// ---------------------------------------------------------------------------------------------------------
// 1.2 (b) The MLP. contract.ts (MLP) spells out forward and backward: the output layer uses the same activation,
// and backward is the seed's update rule, with W2 as it was before the update.

export class MLP {
  weightsInputHidden: Matrix;
  biasHidden: Matrix;
  weightsHiddenOutput: Matrix;
  biasOutput: Matrix;
  // What forward computed, for backward (the seed keeps these on self).
  private hiddenInput: Matrix = [];
  private hiddenOutput: Matrix = [];
  private finalInput: Matrix = [];
  private output: Matrix = [];

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    readonly outputSize: number,
    readonly activation: ActivationName = 'sigmoid',
    randn: () => number = normalSampler(),
  ) {
    if (!FUNCTIONS[activation]) throw new Error(`unknown activation "${activation}" (sigmoid, tanh or relu)`);
    // Initialize weights and biases: np.random.randn for the weights, zeros for the biases.
    this.weightsInputHidden = fromFunction(inputSize, hiddenSize, () => randn());
    this.biasHidden = zeros(1, hiddenSize);
    this.weightsHiddenOutput = fromFunction(hiddenSize, outputSize, () => randn());
    this.biasOutput = zeros(1, outputSize);
  }

  private activate(x: Matrix): Matrix {
    return map(x, FUNCTIONS[this.activation][0]);
  }

  private activateDerivative(x: Matrix): Matrix {
    return map(x, FUNCTIONS[this.activation][1]);
  }

  forward(inputs: Matrix): Matrix {
    // hidden_input = inputs W1 + b1 (add() repeats the [1][n] bias row for every input row);
    // hidden_output = act(hidden_input); final_input = hidden_output W2 + b2; output = act(final_input).
    // Keep them on `this` for backward.
    // BEGIN SOLUTION
    this.hiddenInput = add(dot(inputs, this.weightsInputHidden), this.biasHidden);
    this.hiddenOutput = this.activate(this.hiddenInput);
    this.finalInput = add(dot(this.hiddenOutput, this.weightsHiddenOutput), this.biasOutput);
    this.output = this.activate(this.finalInput);
    return this.output;
    // END SOLUTION
    // STARTER: return todo('1.2: MLP.forward');
  }

  backward(inputs: Matrix, targets: Matrix, learningRate: number): void {
    // output_error = output - targets;  output_delta = output_error * act'(final_input)
    // hidden_error = output_delta W2^T;  hidden_delta = hidden_error * act'(hidden_input)
    // then W2 -= lr hidden_output^T output_delta, b2 -= lr column sums of output_delta, W1 and b1 likewise
    // (every delta from the weights as they were before this update).
    // BEGIN SOLUTION
    const outputError = subtract(this.output, targets);
    const outputDelta = multiply(outputError, this.activateDerivative(this.finalInput));
    const hiddenError = dot(outputDelta, transpose(this.weightsHiddenOutput));
    const hiddenDelta = multiply(hiddenError, this.activateDerivative(this.hiddenInput));
    // Update weights and biases
    this.weightsHiddenOutput = subtract(this.weightsHiddenOutput, scale(dot(transpose(this.hiddenOutput), outputDelta), learningRate));
    this.biasOutput = subtract(this.biasOutput, scale(columnSums(outputDelta), learningRate));
    this.weightsInputHidden = subtract(this.weightsInputHidden, scale(dot(transpose(inputs), hiddenDelta), learningRate));
    this.biasHidden = subtract(this.biasHidden, scale(columnSums(hiddenDelta), learningRate));
    // END SOLUTION
    // STARTER: todo('1.2: MLP.backward');
  }
}
