/**
 * torchvision's published figures for the default ImageNet-1K weights of each zoo model: the
 * weights' `num_params` and `_ops` (GFLOPS, counted by torchvision as multiply-accumulates of
 * convolutions and linear layers at 224x224) from the weights metadata the model docs print,
 * at the precision torchvision gives them (`gflopsDigits` decimals).
 */
export interface PublishedFigures {
  params: number;
  gflops: number;
  gflopsDigits: number;
}

export const TORCHVISION_PUBLISHED = {
  alexnet: { params: 61_100_840, gflops: 0.714, gflopsDigits: 3 },
  resnet18: { params: 11_689_512, gflops: 1.814, gflopsDigits: 3 },
  resnet50: { params: 25_557_032, gflops: 4.089, gflopsDigits: 3 },
  mobilenet_v2: { params: 3_504_872, gflops: 0.301, gflopsDigits: 3 },
  mnasnet1_0: { params: 4_383_312, gflops: 0.314, gflopsDigits: 3 },
  googlenet: { params: 6_624_904, gflops: 1.498, gflopsDigits: 3 },
  vgg16: { params: 138_357_544, gflops: 15.47, gflopsDigits: 2 },
  squeezenet1_0: { params: 1_248_424, gflops: 0.819, gflopsDigits: 3 },
  squeezenet1_1: { params: 1_235_496, gflops: 0.349, gflopsDigits: 3 },
  mobilenet_v3_small: { params: 2_542_856, gflops: 0.057, gflopsDigits: 3 },
} as const satisfies Record<string, PublishedFigures>;
