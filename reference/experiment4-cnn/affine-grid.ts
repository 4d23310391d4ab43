import type { Uint8Image } from '../../assignments/experiment4-cnn/contract.ts';

// Given (E): the resampling behind torchvision's F.affine and F.rotate on a uint8 tensor, value for value.
// `matrix` is the INVERSE affine map [a, b, c, d, e, f] (output pixel -> source pixel) that torchvision's
// _get_inverse_affine_matrix returns, in pixel units relative to the image centre. Each output pixel centre is
// mapped to a source position in float32 exactly as PyTorch computes it (affine grid, then grid_sample with
// mode 'nearest', align_corners False: index (g + 1) * size / 2 - 0.5 rounded half to even); positions
// outside the image give 0 (fill None). Your part is the matrix of each op (autoaugment.ts).

const f32 = Math.fround;

/** Round half to even (torch.round). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function affineNearest(img: Uint8Image, matrix: readonly number[]): Uint8Image {
  const { height: h, width: w, channels: ch, data } = img;
  const [a, b, c, d, e, f] = matrix.map(f32);
  const halfW = f32(0.5 * w);
  const halfH = f32(0.5 * h);
  // theta^T / [w / 2, h / 2] (torchvision's rescaled_theta), in float32.
  const x0 = f32(a / halfW);
  const x1 = f32(b / halfW);
  const x2 = f32(c / halfW);
  const y0 = f32(d / halfH);
  const y1 = f32(e / halfH);
  const y2 = f32(f / halfH);
  const out = new Uint8Array(data.length);
  for (let oy = 0; oy < h; oy++) {
    const py = oy + 0.5 - h / 2;
    for (let ox = 0; ox < w; ox++) {
      const px = ox + 0.5 - w / 2;
      // base_grid.bmm(theta): multiply-adds over (x, y, 1), one float32 rounding each.
      const gx = f32(x2 + f32(py * x1 + f32(px * x0)));
      const gy = f32(y2 + f32(py * y1 + f32(px * y0)));
      const sx = roundHalfEven(f32(f32(f32(gx + 1) * halfW) - 0.5));
      const sy = roundHalfEven(f32(f32(f32(gy + 1) * halfH) - 0.5));
      if (sx < 0 || sx >= w || sy < 0 || sy >= h) continue;
      out.set(data.subarray((sy * w + sx) * ch, (sy * w + sx + 1) * ch), (oy * w + ox) * ch);
    }
  }
  return { ...img, data: out };
}
