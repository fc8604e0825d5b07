package org.h2cl.testing;

import java.util.SplittableRandom;
import org.h2cl.compute.Backends;
import org.h2cl.model.BnBank;
import org.h2cl.model.ConvAlgorithm;
import org.h2cl.model.Head;
import org.h2cl.model.Init;
import org.h2cl.model.Kernels;
import org.h2cl.model.ResNet18;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Networks for the model's tests: non-trivial parameters, the same whatever computes them. */
public final class Networks {
  private Networks() {}

  /** A network with its head and BN bank selected. */
  public record Net(ResNet18 net, Head head, BnBank bank) {}

  /**
   * Convs, head and BN parameters and running statistics drawn from seed 7 (so both BN modes are
   * exercised), every weight active; the same values for every type and kernels.
   */
  public static Net of(
      int width, boolean stemRelu, DataType type, Kernels kernels, ConvAlgorithm algorithm) {
    return of(width, stemRelu, type, kernels, algorithm, new SplittableRandom(7));
  }

  /** As {@link #of(int, boolean, DataType, Kernels, ConvAlgorithm)}, drawn from rng. */
  public static Net of(
      int width,
      boolean stemRelu,
      DataType type,
      Kernels kernels,
      ConvAlgorithm algorithm,
      SplittableRandom rng) {
    ResNet18 net = Backends.network(width, stemRelu, 2, type, kernels, algorithm);
    net.initialiseConvs(rng);
    BnBank bank = net.newBank();
    for (int i = 0; i < bank.size(); i++) {
      long c = bank.gamma[i].length();
      bank.gamma[i].assign(Init.uniform(rng, c, 0.5).addi(1));
      bank.beta[i].assign(Init.uniform(rng, c, 0.3));
      bank.runningMean[i].assign(Init.uniform(rng, c, 0.1));
      bank.runningVar[i].assign(Init.uniform(rng, c, 0.2).addi(1));
    }
    Head head = net.newHead(2, rng);
    net.use(head, bank);
    net.setActiveMasks(null);
    return new Net(net, head, bank);
  }

  /** Per conv layer, a 0/1 mask keeping each weight with probability p, drawn from seed. */
  public static INDArray[] masks(ResNet18 net, double p, long seed) {
    INDArray[] masks = new INDArray[net.convs().size()];
    for (int l = 0; l < masks.length; l++) {
      INDArray w = net.convs().get(l).weight;
      masks[l] =
          Init.uniform(new SplittableRandom(seed + l), w.length(), 1)
              .gt(1 - 2 * p)
              .castTo(net.dataType)
              .reshape(w.shape());
    }
    return masks;
  }

  /** n images [n, 3, 32, 32] of standard normal pixels (float32). */
  public static INDArray images(int n, long seed) {
    return Init.normal(new SplittableRandom(seed), (long) n * 3 * 32 * 32, 1.0)
        .reshape(n, 3, 32, 32);
  }
}
