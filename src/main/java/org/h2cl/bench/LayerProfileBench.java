package org.h2cl.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.h2cl.compute.Backends;
import org.h2cl.model.ConvAlgorithm;
import org.h2cl.model.ConvLayer;
import org.h2cl.model.Kernels;
import org.h2cl.model.ResNet18;
import org.h2cl.model.libnd4j.Ops;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where a training step's time goes: for every conv layer of ResNet-18, the median time of the ops
 * the step runs at that layer's shapes (conv forward, conv backward, BatchNorm forward and
 * backward, the weight mask and the optimizer's passes). One JSON line per layer and op, to set
 * against {@code src/bench/python/torch_layers.py}.
 */
final class LayerProfileBench {
  private LayerProfileBench() {}

  static void run(Bench.Options o, int threads) {
    int width = o.integer("width", 64);
    int batch = o.integer("batch", 128);
    int repeats = o.integer("repeats", 5);
    String only = o.string("layer", "");
    ResNet18 net =
        Backends.network(width, false, 2, DataType.FLOAT, Kernels.LIBND4J, ConvAlgorithm.DIRECT);
    List<ConvLayer> convs = net.convs();
    int[] inSize = inputSizes(convs);
    for (int l = 0; l < convs.size(); l++) {
      ConvLayer c = convs.get(l);
      if (!only.isEmpty() && !c.name.equals(only)) {
        continue;
      }
      int hin = inSize[l];
      int hout = (hin + 2 * c.pad - c.kernel) / c.stride + 1;
      INDArray x = Nd4j.rand(DataType.FLOAT, batch, c.in, hin, hin);
      INDArray w = Nd4j.rand(DataType.FLOAT, c.out, c.in, c.kernel, c.kernel).subi(0.5);
      INDArray y = Nd4j.createUninitialized(DataType.FLOAT, batch, c.out, hout, hout);
      INDArray gy = Nd4j.rand(DataType.FLOAT, batch, c.out, hout, hout).subi(0.5);
      INDArray gx = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
      INDArray gw = Nd4j.createUninitialized(DataType.FLOAT, w.shape());
      INDArray mask = Nd4j.rand(DataType.FLOAT, w.shape()).gt(0.5).castTo(DataType.FLOAT);
      INDArray v = Nd4j.zeros(DataType.FLOAT, w.shape());
      INDArray mean = Nd4j.zeros(DataType.FLOAT, c.out);
      INDArray var = Nd4j.zeros(DataType.FLOAT, c.out);
      INDArray gamma = Nd4j.ones(DataType.FLOAT, c.out);
      INDArray beta = Nd4j.zeros(DataType.FLOAT, c.out);
      INDArray s1 = Nd4j.zeros(DataType.FLOAT, c.out);
      INDArray s2 = Nd4j.zeros(DataType.FLOAT, c.out);
      INDArray s3 = Nd4j.zeros(DataType.FLOAT, c.out);
      INDArray s4 = Nd4j.zeros(DataType.FLOAT, c.out);
      INDArray bnOut = Nd4j.createUninitialized(DataType.FLOAT, y.shape());
      INDArray bnGrad = Nd4j.createUninitialized(DataType.FLOAT, y.shape());
      boolean firstLayer = l == 0;
      emit(
          c,
          hin,
          batch,
          threads,
          "conv_fwd",
          repeats,
          () -> {
            Ops.conv2d(x, w, y, c.kernel, c.stride, c.pad);
            return 0;
          });
      emit(
          c,
          hin,
          batch,
          threads,
          "conv_bwd",
          repeats,
          () -> {
            Ops.conv2dBackward(x, w, gy, firstLayer ? null : gx, gw, c.kernel, c.stride, c.pad);
            return 0;
          });
      emit(
          c,
          hin,
          batch,
          threads,
          "bn_fwd",
          repeats,
          () -> {
            Ops.moments(y, mean, var);
            Ops.batchNorm(y, mean, var, gamma, beta, bnOut, 1e-5);
            return 0;
          });
      emit(
          c,
          hin,
          batch,
          threads,
          "bn_bwd",
          repeats,
          () -> {
            Ops.batchNormBackward(y, mean, var, gamma, beta, gy, bnGrad, s1, s2, s3, s4, 1e-5);
            return 0;
          });
      emit(
          c,
          hin,
          batch,
          threads,
          "relu_fwd_bwd",
          repeats,
          () -> {
            Ops.reluInPlace(bnOut);
            Ops.reluBackward(bnOut, bnGrad, bnGrad);
            return 0;
          });
      emit(
          c,
          hin,
          batch,
          threads,
          "weight_mask_sgd",
          repeats,
          () -> {
            Ops.mul(gw, mask, gw);
            v.muli(0.9).addi(gw);
            Nd4j.getBlasWrapper().level1().axpy(w.length(), -0.01, v, w);
            Ops.mul(w, mask, gw);
            return 0;
          });
    }
  }

  /** Spatial size of each conv layer's input, following ResNet18's layer order. */
  static int[] inputSizes(List<ConvLayer> convs) {
    int[] in = new int[convs.size()];
    int size = ResNet18.IMAGE;
    int blockIn = size;
    for (int l = 0; l < convs.size(); l++) {
      ConvLayer c = convs.get(l);
      if (c.name.endsWith(".conv1")) {
        blockIn = size;
      }
      in[l] = c.name.endsWith(".shortcut") ? blockIn : size;
      if (!c.name.endsWith(".shortcut")) {
        size = (size + 2 * c.pad - c.kernel) / c.stride + 1;
      }
    }
    return in;
  }

  private static void emit(
      ConvLayer c, int hin, int batch, int threads, String op, int repeats, IntSupplier body) {
    body.getAsInt();
    List<Double> ms = new ArrayList<>();
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      body.getAsInt();
      ms.add((System.nanoTime() - t0) / 1e6);
    }
    System.out.println(
        new Json()
            .put("bench", "layer_profile")
            .put("impl", "nd4j")
            .put("layer", c.name)
            .put("op", op)
            .put("in", c.in)
            .put("out", c.out)
            .put("k", c.kernel)
            .put("stride", c.stride)
            .put("hw", hin)
            .put("batch", batch)
            .put("threads", threads)
            .put("ms", Bench.median(ms)));
  }
}
