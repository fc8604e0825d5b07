package org.h2cl.model;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** One task's linear classifier on the pooled features: logits = features · weightᵀ + bias. */
public final class Head {
  /** [classes, features]. */
  public final INDArray weight;

  /** [classes]. */
  public final INDArray bias;

  public Head(int features, int classes, DataType dtype) {
    weight = Nd4j.zeros(dtype, classes, features);
    bias = Nd4j.zeros(dtype, classes);
  }

  /** PyTorch's nn.Linear default: weight and bias uniform in ±1/sqrt(features). */
  public static Head initialised(int features, int classes, DataType dtype, SplittableRandom rng) {
    Head h = new Head(features, classes, dtype);
    double bound = 1.0 / Math.sqrt(features);
    h.weight.assign(Init.uniform(rng, classes * features, bound).reshape(classes, features));
    h.bias.assign(Init.uniform(rng, classes, bound));
    return h;
  }

  public Head copy() {
    Head h = new Head((int) weight.size(1), (int) weight.size(0), weight.dataType());
    h.weight.assign(weight);
    h.bias.assign(bias);
    return h;
  }

  public int classes() {
    return (int) weight.size(0);
  }
}
