import * as tf from '@tensorflow/tfjs';
// STARTER: import { todo } from './todo.ts';

////////////////////////////////////////////////////////////////////////////////
//                        C. BottleneckResBlock                               //
// Port the notebook's block to a small functional model (tf.model) that a    //
// bigger model uses as a layer: `x = block.apply(x) as tf.SymbolicTensor`.   //
//                                                                            //
//   self.conv1 = nn.Conv2d(in_channels, bottleneck_channels, kernel_size=1,  //
//                          bias=False)                                       //
//   self.bn1 = nn.BatchNorm2d(bottleneck_channels)                           //
//   self.conv2 = nn.Conv2d(bottleneck_channels, bottleneck_channels,         //
//                          kernel_size=3, padding=1, bias=False)             //
//   self.bn2 = nn.BatchNorm2d(bottleneck_channels)                           //
//   self.conv3 = nn.Conv2d(bottleneck_channels, out_channels, kernel_size=1, //
//                          bias=False)                                       //
//   self.bn3 = nn.BatchNorm2d(out_channels)                                  //
//   if in_channels != out_channels:                                          //
//       self.shortcut = nn.Sequential(                                       //
//           nn.Conv2d(in_channels, out_channels, kernel_size=1, bias=False), //
//           nn.BatchNorm2d(out_channels))                                    //
//   else:                                                                    //
//       self.shortcut = nn.Identity()                                        //
//                                                                            //
//   def forward(self, x):                                                    //
//       identity = x                                                         //
//       out = self.relu(self.bn1(self.conv1(x)))                             //
//       out = self.relu(self.bn2(self.conv2(out)))                           //
//       out = self.bn3(self.conv3(out))                                      //
//       identity = self.shortcut(identity)                                   //
//       out += identity                                                      //
//       out = self.relu(out)                                                 //
//                                                                            //
// tfjs: tf.input({ shape: [null, null, inChannels] }) takes any image size;  //
// tf.layers.conv2d has a bias unless useBias: false; padding=1 with a 3x3    //
// kernel is padding: 'same'; nn.BatchNorm2d's defaults are                   //
// tf.layers.batchNormalization({ axis: -1, epsilon: 1e-5, momentum: 0.9 });  //
// `out += identity` is tf.layers.add().apply([out, identity]).               //
////////////////////////////////////////////////////////////////////////////////
export function createBottleneckResBlock(inChannels: number, bottleneckChannels: number, outChannels: number, name?: string): tf.LayersModel {
  // BEGIN SOLUTION
  const conv = (x: tf.SymbolicTensor, filters: number, kernelSize: number) =>
    tf.layers.conv2d({ filters, kernelSize, padding: 'same', useBias: false }).apply(x) as tf.SymbolicTensor;
  const bn = (x: tf.SymbolicTensor) => tf.layers.batchNormalization({ axis: -1, epsilon: 1e-5, momentum: 0.9 }).apply(x) as tf.SymbolicTensor;
  const relu = (x: tf.SymbolicTensor) => tf.layers.reLU().apply(x) as tf.SymbolicTensor;

  const input = tf.input({ shape: [null, null, inChannels] });
  let out = relu(bn(conv(input, bottleneckChannels, 1)));
  out = relu(bn(conv(out, bottleneckChannels, 3)));
  out = bn(conv(out, outChannels, 1));
  const identity = inChannels !== outChannels ? bn(conv(input, outChannels, 1)) : input;
  out = relu(tf.layers.add().apply([out, identity]) as tf.SymbolicTensor);
  return tf.model({ inputs: input, outputs: out, name });
  // END SOLUTION
  // STARTER: void [inChannels, bottleneckChannels, outChannels, name];
  // STARTER: return todo('C: BottleneckResBlock');
}
