package org.h2cl.h2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.h2cl.config.H2Settings;
import org.h2cl.config.Method;
import org.h2cl.data.TaskData;
import org.h2cl.data.TaskDataLoader;
import org.h2cl.results.Metrics;
import org.h2cl.testing.SettingsFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each method of {@link Method} on three tiny tasks, checked where it can be by hand: which earlier
 * weights a task uses, which phases run, what π is, whether earlier tasks keep every bit; and the
 * two opt-in fixes against the faithful default.
 */
class MethodsTest {
  @TempDir static Path dir;
  static List<TaskData> tasks;

  @BeforeAll
  static void setUp() {
    tasks = TaskDataLoader.load(settings(Method.H2).data(), new Configuration());
  }

  static H2Settings settings(Method method, String... overrides) {
    List<String> args = new ArrayList<>(List.of("h2.data.tasks=3", "h2.methods=[" + method + "]"));
    args.addAll(Arrays.asList(overrides));
    return SettingsFixture.tiny(dir, args.toArray(String[]::new));
  }

  /** Records every phase start as "task PHASE". */
  static final class Phases implements TrainingListener {
    final List<String> events = new ArrayList<>();

    @Override
    public void phaseStarted(PhaseStart e) {
      events.add(e.task() + " " + e.phase());
    }
  }

  record Run(
      List<TaskOutcome> outcomes,
      List<TrainerSnapshot> after,
      List<TaskResult> results,
      SeedResult result,
      List<String> phases) {}

  static Run run(H2Settings settings) {
    Phases phases = new Phases();
    H2Trainer trainer = new H2Trainer(settings, tasks, 0, phases);
    List<TaskOutcome> outcomes = new ArrayList<>();
    List<TrainerSnapshot> after = new ArrayList<>();
    for (int t = 1; t <= tasks.size(); t++) {
      outcomes.add(trainer.runTask(t));
      after.add(trainer.snapshot());
    }
    List<TaskResult> results = trainer.evaluateAll();
    SeedResult result =
        new SeedResult(
            settings.method().key,
            0,
            results,
            trainer.accuracyMatrix(),
            trainer.history(),
            trainer.freeFraction(),
            "cpu",
            "cpu",
            1,
            trainer.kernels(),
            0,
            0,
            1);
    return new Run(outcomes, after, results, result, phases.events);
  }

  /** Weights owned by task k in {@code snapshot}, as a fraction of all maskable weights. */
  static double ownedBefore(TrainerSnapshot snapshot, int t) {
    byte[][] owner = snapshot.ownership().owner();
    long n = 0;
    long all = 0;
    for (byte[] layer : owner) {
      for (byte o : layer) {
        n += o > 0 && o < t ? 1 : 0;
      }
      all += layer.length;
    }
    return (double) n / all;
  }

  /** Every weight owned by a task before t kept its bits from then to the end. */
  static void assertEarlierWeightsUnchanged(Run r) {
    TrainerSnapshot last = r.after().get(r.after().size() - 1);
    byte[][] owner = last.ownership().owner();
    for (int k = 1; k < tasks.size(); k++) {
      float[][] then = r.after().get(k - 1).convWeights();
      for (int l = 0; l < owner.length; l++) {
        for (int i = 0; i < owner[l].length; i++) {
          if (owner[l][i] == k) {
            assertEquals(
                Float.floatToRawIntBits(then[l][i]),
                Float.floatToRawIntBits(last.convWeights()[l][i]),
                "task " + k + "'s weight " + i + " of layer " + l);
          }
        }
      }
    }
  }

  /**
   * Faithful H²: BWT and forgetting exactly 0; the history has every epoch of every phase with its
   * learning rate, and the weights switched off only in training with selection.
   */
  @Test
  void h2HasABwtOfExactlyZeroAndAFullHistory() {
    H2Settings s = settings(Method.H2);
    Run r = run(s);
    Metrics m = Metrics.of(r.result(), null);
    assertEquals(0, Double.compare(0.0, m.bwt()), "BWT " + m.bwt());
    assertEquals(0, Double.compare(0.0, m.forgetting()), "forgetting " + m.forgetting());
    assertEquals(
        List.of(
            "1 TRAIN",
            "1 RETRAIN",
            "2 ASSOCIATE",
            "2 TRAIN",
            "2 RETRAIN",
            "3 ASSOCIATE",
            "3 TRAIN",
            "3 RETRAIN"),
        r.phases());
    List<EpochRecord> history = r.result().history();
    // 2 train + 1 retrain for task 1; 2 associate + 2 train + 1 retrain for tasks 2 and 3.
    assertEquals(3 + 5 + 5, history.size());
    for (EpochRecord e : history) {
      double lr =
          switch (e.phase()) {
            case "associate" -> s.association().lr();
            case "train" -> s.train().lr();
            default -> s.retrain().lr();
          };
      assertEquals(lr, e.lr(), e.toString());
      boolean selection = e.phase().equals("train") && e.task() >= 2;
      assertEquals(selection, !Double.isNaN(e.switchedOff()), e.toString());
      assertTrue(e.seconds() >= 0 && e.loss() > 0, e.toString());
    }
    assertEquals(2, r.outcomes().get(2).associationLogits().length);
  }

  /** h2-uniform: no association phase, no logits, π = 1/(t−1) for each earlier task. */
  @Test
  void h2UniformSkipsAssociationAndSpreadsPiEvenly() {
    Run r = run(settings(Method.H2_UNIFORM));
    assertFalse(r.phases().stream().anyMatch(p -> p.endsWith("ASSOCIATE")), r.phases().toString());
    assertArrayEquals(new double[] {1.0}, r.outcomes().get(1).association());
    assertArrayEquals(new double[] {0.5, 0.5}, r.outcomes().get(2).association());
    assertEquals(0, r.outcomes().get(2).associationLogits().length);
    assertEarlierWeightsUnchanged(r);
  }

  /**
   * independent reuses none of the earlier weights: its reuse fraction is 0 and every task keeps
   * its accuracy (zero forgetting), trained on its own free weights only.
   */
  @Test
  void independentReusesNoEarlierWeight() {
    Run r = run(settings(Method.INDEPENDENT));
    for (TaskOutcome o : r.outcomes()) {
      assertEquals(0.0, o.reusedFraction(), "task " + o.task());
      assertEquals(0, o.association().length);
    }
    assertEquals(
        List.of("1 TRAIN", "1 RETRAIN", "2 TRAIN", "2 RETRAIN", "3 TRAIN", "3 RETRAIN"),
        r.phases());
    assertEarlierWeightsUnchanged(r);
    r.results().forEach(t -> assertEquals(t.outcome().accAfterTask(), t.accFinal()));
  }

  /**
   * packnet uses every earlier weight, frozen: task t's reused fraction is exactly the share the
   * earlier tasks own, and their weights keep every bit.
   */
  @Test
  void packnetUsesEveryEarlierWeightFrozen() {
    Run r = run(settings(Method.PACKNET));
    for (int t = 2; t <= tasks.size(); t++) {
      double earlier = ownedBefore(r.after().get(t - 2), t);
      assertTrue(earlier > 0);
      assertEquals(earlier, r.outcomes().get(t - 1).reusedFraction(), 1e-12, "task " + t);
    }
    assertFalse(r.phases().stream().anyMatch(p -> p.endsWith("ASSOCIATE")), r.phases().toString());
    assertEarlierWeightsUnchanged(r);
    assertEquals(0, Double.compare(0.0, Metrics.of(r.result(), null).bwt()));
  }

  /**
   * finetune: no pruning, no retraining, every weight trained on every task (task 1's too), so
   * nothing is left free and earlier tasks are measured as they are at the end.
   */
  @Test
  void finetuneTrainsEveryWeightOnEveryTask() {
    Run r = run(settings(Method.FINETUNE));
    assertEquals(List.of("1 TRAIN", "2 TRAIN", "3 TRAIN"), r.phases());
    assertEquals(0.0, r.result().freeFraction());
    Metrics m = Metrics.of(r.result(), null);
    assertEquals(100.0, m.capacityUsed());
    float[][] first = r.after().get(0).convWeights();
    float[][] last = r.after().get(2).convWeights();
    for (int l = 0; l < first.length; l++) {
      assertFalse(Arrays.equals(first[l], last[l]), "layer " + l + " trained after task 1");
    }
    AccuracyCell task1AtEnd =
        r.result().accuracyMatrix().stream()
            .filter(c -> c.afterTask() == 3 && c.task() == 1)
            .findFirst()
            .orElseThrow();
    assertEquals(task1AtEnd.accuracy(), r.results().get(0).accFinal());
    assertEquals(1.0, r.outcomes().get(1).ownedFraction());
  }

  /**
   * h2.fixes.bn-recalibration touches no weight: task 1's convs, head, gamma and beta keep every
   * bit, only its running statistics change.
   */
  @Test
  void bnRecalibrationChangesOnlyTheRunningStatistics() {
    H2Trainer plain = new H2Trainer(settings(Method.H2), tasks, 0, TrainingListener.NONE);
    H2Trainer fixed =
        new H2Trainer(
            settings(Method.H2, "h2.fixes.bn-recalibration=true"), tasks, 0, TrainingListener.NONE);
    plain.runTask(1);
    fixed.runTask(1);
    TrainerSnapshot a = plain.snapshot();
    TrainerSnapshot b = fixed.snapshot();
    assertTrue(Arrays.deepEquals(a.convWeights(), b.convWeights()));
    assertArrayEquals(a.heads().get(0).weight(), b.heads().get(0).weight());
    TrainerSnapshot.BankArrays x = a.banks().get(0);
    TrainerSnapshot.BankArrays y = b.banks().get(0);
    assertTrue(Arrays.deepEquals(x.gamma(), y.gamma()) && Arrays.deepEquals(x.beta(), y.beta()));
    assertFalse(Arrays.deepEquals(x.runningMean(), y.runningMean()));
    assertFalse(Arrays.deepEquals(x.runningVar(), y.runningVar()));
  }

  /** h2.association.deterministic: π is softmax(p/τ) of the logits, no noise drawn. */
  @Test
  void deterministicAssociationIsTheSoftmaxOfTheLogits() {
    H2Settings s = settings(Method.H2, "h2.association.deterministic=true");
    H2Trainer trainer = new H2Trainer(s, tasks, 0, TrainingListener.NONE);
    TaskOutcome third = null;
    for (int t = 1; t <= 3; t++) {
      third = trainer.runTask(t);
    }
    assertArrayEquals(
        GumbelSoftmax.softmax(third.associationLogits(), s.association().temperature()),
        third.association());
  }
}
