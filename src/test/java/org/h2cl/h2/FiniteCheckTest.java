package org.h2cl.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.h2cl.config.H2Settings;
import org.h2cl.config.SettingsLoader;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FiniteCheckTest {

  @Test
  void countsNanAndInfinitiesAndNamesTheFirstArrayHoldingThem() {
    Map<String, INDArray> arrays = new LinkedHashMap<>();
    arrays.put("finite", Nd4j.createFromArray(1f, -2f, Float.MAX_VALUE, 0f));
    arrays.put("conv x weight", Nd4j.createFromArray(1f, Float.NaN, 3f, Float.NEGATIVE_INFINITY));
    arrays.put("later", Nd4j.createFromArray(Float.POSITIVE_INFINITY));

    assertEquals(Optional.of("2 of 4 values of conv x weight"), FiniteCheck.firstNonFinite(arrays));
    assertEquals(
        Optional.empty(), FiniteCheck.firstNonFinite(Map.of("ok", Nd4j.createFromArray(1f, 2f))));
    assertEquals(3, FiniteCheck.nonFinite(Nd4j.createFromArray(Float.NaN, Float.NaN, 1f / 0f)));
    assertEquals(1, FiniteCheck.nonFinite(Nd4j.zeros(2, 3).putScalar(1, 2, Double.NaN)));
  }

  @Test
  void theAdviceNamesThePhasesLearningRateAndItsValue() {
    H2Settings s =
        SettingsLoader.load(
            java.util.Optional.empty(),
            java.util.List.of("h2.train.lr=5", "h2.retrain.lr=6", "h2.association.lr=7"));
    assertEquals("lower h2.train.lr (now 5.0)", FiniteCheck.advice(Phase.TRAIN, s));
    assertEquals("lower h2.retrain.lr (now 6.0)", FiniteCheck.advice(Phase.RETRAIN, s));
    assertEquals("lower h2.association.lr (now 7.0)", FiniteCheck.advice(Phase.ASSOCIATE, s));
  }
}
