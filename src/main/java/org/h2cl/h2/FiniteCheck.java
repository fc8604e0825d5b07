package org.h2cl.h2;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.h2cl.config.H2Settings;
import org.h2cl.model.BnBank;
import org.h2cl.model.ConvLayer;
import org.h2cl.model.Head;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Finds values that are NaN or infinite in what a training epoch changed: the conv weights, the
 * task's head and its BatchNorm bank (parameters and running statistics). A loss can stay finite
 * while weights overflow, so the weights are checked themselves: a diverged model must never be
 * checkpointed or reported as a finished task.
 */
final class FiniteCheck {

  private FiniteCheck() {}

  /**
   * The first array holding a non-finite value, described as "389183 of 702842 values of conv
   * layer1.0.conv1 weight", or empty when every value is finite.
   */
  static Optional<String> firstNonFinite(List<ConvLayer> convs, Head head, BnBank bank) {
    Map<String, INDArray> arrays = new LinkedHashMap<>();
    for (ConvLayer c : convs) {
      arrays.put("conv " + c.name + " weight", c.weight);
    }
    arrays.put("head weight", head.weight);
    arrays.put("head bias", head.bias);
    for (int i = 0; i < bank.size(); i++) {
      arrays.put("BatchNorm " + i + " gamma", bank.gamma[i]);
      arrays.put("BatchNorm " + i + " beta", bank.beta[i]);
      arrays.put("BatchNorm " + i + " running mean", bank.runningMean[i]);
      arrays.put("BatchNorm " + i + " running variance", bank.runningVar[i]);
    }
    return firstNonFinite(arrays);
  }

  /** As above, over arrays by name. */
  static Optional<String> firstNonFinite(Map<String, INDArray> arrays) {
    for (Map.Entry<String, INDArray> a : arrays.entrySet()) {
      long bad = nonFinite(a.getValue());
      if (bad > 0) {
        return Optional.of(bad + " of " + a.getValue().length() + " values of " + a.getKey());
      }
    }
    return Optional.empty();
  }

  /** How many values of {@code array} are NaN or infinite: one reduction, on the device. */
  static long nonFinite(INDArray array) {
    return Nd4j.getExecutioner().exec(new MatchCondition(array, Conditions.notFinite())).getLong(0);
  }

  /** What to change when {@code phase} diverged: its learning rate, with the value it had. */
  static String advice(Phase phase, H2Settings settings) {
    return switch (phase) {
      case ASSOCIATE -> "lower h2.association.lr (now " + settings.association().lr() + ")";
      case RETRAIN -> "lower h2.retrain.lr (now " + settings.retrain().lr() + ")";
      default -> "lower h2.train.lr (now " + settings.train().lr() + ")";
    };
  }
}
