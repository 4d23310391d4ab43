// Part 2: a convolutional layer from scratch, the seed's my_conv2d. No tfjs and no package here (the grader
// checks this file's imports): nested number arrays in PyTorch's NCHW layout.
import type { Tensor4 } from '../../assignments/ee449-hw1/contract.ts';
// STARTER: import { todo } from './todo.ts';

/** Output size along one axis: floor((N - F + 2P) / S) + 1. */
export function convOutputSize(inputSize: number, filterSize: number, padding = 0, stride = 1): number {
  // BEGIN SOLUTION
  return Math.floor((inputSize - filterSize + 2 * padding) / stride) + 1;
  // END SOLUTION
  // STARTER: return todo('2: convOutputSize');
}

/**
 * input [B][Cin][H][W], kernel [Cout][Cin][Fh][Fw] -> [B][Cout][H - Fh + 1][W - Fw + 1]: stride 1, no padding,
 * cross-correlation (the kernel is not flipped), as in the seed.
 */
export function myConv2d(input: Tensor4, kernel: Tensor4): Tensor4 {
  const batchSize = input.length;
  const inputChannels = input[0]?.length ?? 0;
  const inputHeight = input[0]?.[0]?.length ?? 0;
  const inputWidth = input[0]?.[0]?.[0]?.length ?? 0;
  const outputChannels = kernel.length;
  const kernelChannels = kernel[0]?.length ?? 0;
  const filterHeight = kernel[0]?.[0]?.length ?? 0;
  const filterWidth = kernel[0]?.[0]?.[0]?.length ?? 0;
  if (kernelChannels !== inputChannels) throw new Error(`myConv2d: the input has ${inputChannels} channels, the kernel expects ${kernelChannels}`);
  if (filterHeight > inputHeight || filterWidth > inputWidth) {
    throw new Error(`myConv2d: a ${filterHeight}x${filterWidth} kernel does not fit in a ${inputHeight}x${inputWidth} input`);
  }
  // Calculate output dimensions (no padding, stride 1)
  const outputHeight = convOutputSize(inputHeight, filterHeight);
  const outputWidth = convOutputSize(inputWidth, filterWidth);
  // Initialize the output [batchSize][outputChannels][outputHeight][outputWidth], then perform the convolution:
  // out[b][o][i][j] = sum over c < inputChannels, p < filterHeight, q < filterWidth of input[b][c][i + p][j + q] * kernel[o][c][p][q]
  // BEGIN SOLUTION
  const out: Tensor4 = [];
  for (let b = 0; b < batchSize; b++) {
    const image = input[b];
    const maps: number[][][] = [];
    for (let o = 0; o < outputChannels; o++) {
      const filter = kernel[o];
      const rows: number[][] = [];
      for (let i = 0; i < outputHeight; i++) {
        const row = new Array<number>(outputWidth).fill(0);
        for (let c = 0; c < inputChannels; c++) {
          const plane = image[c];
          const f = filter[c];
          for (let p = 0; p < filterHeight; p++) {
            const line = plane[i + p];
            const fp = f[p];
            for (let j = 0; j < outputWidth; j++) {
              let s = 0;
              for (let q = 0; q < filterWidth; q++) s += line[j + q] * fp[q];
              row[j] += s;
            }
          }
        }
        rows.push(row);
      }
      maps.push(rows);
    }
    out.push(maps);
  }
  return out;
  // END SOLUTION
  // STARTER: return todo('2: myConv2d');
}
