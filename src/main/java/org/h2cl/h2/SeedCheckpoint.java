package org.h2cl.h2;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.h2cl.checkpoint.ArrayBundle;
import org.h2cl.checkpoint.CheckpointException;
import org.h2cl.data.TaskData;
import org.h2cl.model.BnBank;
import org.h2cl.model.ConvLayer;
import org.h2cl.model.Head;
import org.h2cl.model.ResNet18;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A seed's state between two tasks, both ways: the trainer's network, ownership, heads and banks to
 * a {@link TrainerSnapshot} of plain arrays and back ({@link #snapshot}, {@link #restore}), and a
 * snapshot to named primitive arrays of an {@link ArrayBundle} and back ({@link #write}, {@link
 * #read}): a format that cannot run code when loaded. Names are flat, e.g. {@code conv.3}, {@code
 * task.2.bn.7.gamma}, {@code task.2.pi}.
 */
final class SeedCheckpoint {
  private SeedCheckpoint() {}

  /** The state after the last finished task, copied out of the trainer's arrays. */
  static TrainerSnapshot snapshot(
      ResNet18 net,
      Ownership ownership,
      List<Head> heads,
      List<BnBank> banks,
      List<TaskOutcome> outcomes,
      List<AccuracyCell> accuracyMatrix,
      List<EpochRecord> history) {
    List<ConvLayer> convs = net.convs();
    float[][] weights = new float[convs.size()][];
    for (int l = 0; l < weights.length; l++) {
      weights[l] = convs.get(l).weight.data().asFloat();
    }
    List<TrainerSnapshot.HeadArrays> h = new ArrayList<>();
    for (Head head : heads) {
      h.add(
          new TrainerSnapshot.HeadArrays(head.weight.data().asFloat(), head.bias.data().asFloat()));
    }
    List<TrainerSnapshot.BankArrays> b = new ArrayList<>();
    for (BnBank bank : banks) {
      b.add(
          new TrainerSnapshot.BankArrays(
              floats(bank.gamma),
              floats(bank.beta),
              floats(bank.runningMean),
              floats(bank.runningVar)));
    }
    return new TrainerSnapshot(
        weights,
        ownership.export(),
        h,
        b,
        List.copyOf(outcomes),
        List.copyOf(accuracyMatrix),
        List.copyOf(history));
  }

  /** What {@link #restore} rebuilds besides the conv weights, which it loads into the network. */
  record Restored(Ownership ownership, List<Head> heads, List<BnBank> banks) {}

  /**
   * Loads a snapshot's conv weights into {@code net} and rebuilds its ownership, heads and banks,
   * after checking that every shape fits the network and the tasks: afterwards the trainer is where
   * it was when the snapshot was taken.
   *
   * @throws IllegalArgumentException naming what does not fit
   */
  static Restored restore(TrainerSnapshot snap, ResNet18 net, List<TaskData> tasks) {
    List<ConvLayer> convs = net.convs();
    int tasksDone = snap.finishedTasks();
    if (snap.convWeights().length != convs.size()
        || snap.heads().size() != tasksDone
        || snap.banks().size() != tasksDone
        || tasksDone > tasks.size()) {
      throw new IllegalArgumentException(
          "checkpoint does not fit this network: "
              + snap.convWeights().length
              + " conv layers, "
              + snap.heads().size()
              + " heads, "
              + snap.banks().size()
              + " BN banks, "
              + tasksDone
              + " finished tasks");
    }
    Ownership ownership = Ownership.restore(net.convSizes(), snap.ownership());
    if (ownership.lastFinished() != tasksDone) {
      throw new IllegalArgumentException(
          "checkpoint ownership says "
              + ownership.lastFinished()
              + " finished tasks, results say "
              + tasksDone);
    }
    for (int l = 0; l < convs.size(); l++) {
      load(convs.get(l).weight, snap.convWeights()[l], convs.get(l).name);
    }
    List<Head> heads = new ArrayList<>();
    List<BnBank> banks = new ArrayList<>();
    for (int k = 0; k < tasksDone; k++) {
      Head head = net.newHead(tasks.get(k).classes(), new SplittableRandom(0));
      load(head.weight, snap.heads().get(k).weight(), "head " + (k + 1));
      load(head.bias, snap.heads().get(k).bias(), "head bias " + (k + 1));
      BnBank bank = net.newBank();
      TrainerSnapshot.BankArrays a = snap.banks().get(k);
      for (int i = 0; i < bank.size(); i++) {
        load(bank.gamma[i], a.gamma()[i], "bn gamma");
        load(bank.beta[i], a.beta()[i], "bn beta");
        load(bank.runningMean[i], a.runningMean()[i], "bn running mean");
        load(bank.runningVar[i], a.runningVar()[i], "bn running var");
      }
      heads.add(head);
      banks.add(bank);
    }
    net.refreshWeights();
    return new Restored(ownership, heads, banks);
  }

  private static float[][] floats(INDArray[] arrays) {
    float[][] f = new float[arrays.length][];
    for (int i = 0; i < f.length; i++) {
      f[i] = arrays[i].data().asFloat();
    }
    return f;
  }

  private static void load(INDArray target, float[] values, String what) {
    if (values == null || values.length != target.length()) {
      throw new IllegalArgumentException(
          "checkpoint "
              + what
              + " has "
              + (values == null ? 0 : values.length)
              + " values, expected "
              + target.length());
    }
    target.assign(Nd4j.createFromArray(values).reshape(target.shape()));
  }

  static ArrayBundle write(TrainerSnapshot s) {
    ArrayBundle b = new ArrayBundle();
    b.put("layers", new int[] {s.convWeights().length});
    for (int l = 0; l < s.convWeights().length; l++) {
      b.put("conv." + l, s.convWeights()[l]);
    }
    OwnershipState o = s.ownership();
    b.put("ownership.layer-sizes", o.layerSizes());
    b.put("ownership.last-finished", new int[] {o.lastFinished()});
    for (int l = 0; l < o.owner().length; l++) {
      b.put("owner." + l, o.owner()[l]);
    }
    int tasks = s.finishedTasks();
    b.put("tasks", new int[] {tasks});
    for (int k = 1; k <= tasks; k++) {
      String p = "task." + k + ".";
      OwnershipState.TaskReuse r = o.reuse()[k - 1];
      if (r != null) {
        b.put(p + "reuse.params", new double[] {r.selectionEpochs(), r.divisor()});
        for (int l = 0; l < r.counters().length; l++) {
          b.put(p + "reuse." + l, r.counters()[l]);
        }
      }
      b.put(p + "head.weight", s.heads().get(k - 1).weight());
      b.put(p + "head.bias", s.heads().get(k - 1).bias());
      TrainerSnapshot.BankArrays bank = s.banks().get(k - 1);
      for (int i = 0; i < bank.gamma().length; i++) {
        b.put(p + "bn." + i + ".gamma", bank.gamma()[i]);
        b.put(p + "bn." + i + ".beta", bank.beta()[i]);
        b.put(p + "bn." + i + ".mean", bank.runningMean()[i]);
        b.put(p + "bn." + i + ".var", bank.runningVar()[i]);
      }
      TaskOutcome t = s.outcomes().get(k - 1);
      b.put(
          p + "outcome",
          new double[] {
            t.task(), t.accAfterTask(), t.ownedFraction(), t.reusedFraction(), t.trainSeconds()
          });
      b.put(p + "pi", t.association());
      b.put(p + "logits", t.associationLogits());
    }
    List<AccuracyCell> cells = s.accuracyMatrix();
    double[] m = new double[cells.size() * 3];
    for (int i = 0; i < cells.size(); i++) {
      m[3 * i] = cells.get(i).afterTask();
      m[3 * i + 1] = cells.get(i).task();
      m[3 * i + 2] = cells.get(i).accuracy();
    }
    b.put("accuracy-matrix", m);
    // history: 8 numbers per epoch, the phase as its ordinal.
    List<EpochRecord> history = s.history();
    double[] h = new double[history.size() * HISTORY_FIELDS];
    for (int i = 0; i < history.size(); i++) {
      EpochRecord e = history.get(i);
      int j = HISTORY_FIELDS * i;
      h[j] = e.task();
      h[j + 1] = Phase.valueOf(e.phase().toUpperCase(java.util.Locale.ROOT)).ordinal();
      h[j + 2] = e.epoch();
      h[j + 3] = e.loss();
      h[j + 4] = e.trainAccuracy();
      h[j + 5] = e.lr();
      h[j + 6] = e.seconds();
      h[j + 7] = e.switchedOff();
    }
    b.put("history", h);
    return b;
  }

  private static final int HISTORY_FIELDS = 8;

  static TrainerSnapshot read(ArrayBundle b, int bnLayers) {
    try {
      int layers = b.ints("layers")[0];
      float[][] weights = new float[layers][];
      byte[][] owner = new byte[layers][];
      for (int l = 0; l < layers; l++) {
        weights[l] = b.floats("conv." + l);
        owner[l] = b.bytes("owner." + l);
      }
      int tasks = b.ints("tasks")[0];
      OwnershipState.TaskReuse[] reuse = new OwnershipState.TaskReuse[tasks];
      List<TrainerSnapshot.HeadArrays> heads = new ArrayList<>();
      List<TrainerSnapshot.BankArrays> banks = new ArrayList<>();
      List<TaskOutcome> outcomes = new ArrayList<>();
      for (int k = 1; k <= tasks; k++) {
        String p = "task." + k + ".";
        if (b.contains(p + "reuse.params")) {
          double[] params = b.doubles(p + "reuse.params");
          short[][] counters = new short[layers][];
          for (int l = 0; l < layers; l++) {
            counters[l] = b.shorts(p + "reuse." + l);
          }
          reuse[k - 1] = new OwnershipState.TaskReuse(counters, params[0], (int) params[1]);
        }
        heads.add(
            new TrainerSnapshot.HeadArrays(b.floats(p + "head.weight"), b.floats(p + "head.bias")));
        float[][] gamma = new float[bnLayers][];
        float[][] beta = new float[bnLayers][];
        float[][] mean = new float[bnLayers][];
        float[][] var = new float[bnLayers][];
        for (int i = 0; i < bnLayers; i++) {
          gamma[i] = b.floats(p + "bn." + i + ".gamma");
          beta[i] = b.floats(p + "bn." + i + ".beta");
          mean[i] = b.floats(p + "bn." + i + ".mean");
          var[i] = b.floats(p + "bn." + i + ".var");
        }
        banks.add(new TrainerSnapshot.BankArrays(gamma, beta, mean, var));
        double[] o = b.doubles(p + "outcome");
        if ((int) o[0] != k) {
          throw new IllegalArgumentException(
              "outcome of task " + k + " is labelled task " + (int) o[0]);
        }
        outcomes.add(
            new TaskOutcome(
                k, o[1], o[2], o[3], b.doubles(p + "pi"), b.doubles(p + "logits"), o[4]));
      }
      double[] m = b.doubles("accuracy-matrix");
      List<AccuracyCell> cells = new ArrayList<>();
      for (int i = 0; i + 2 < m.length; i += 3) {
        cells.add(new AccuracyCell((int) m[i], (int) m[i + 1], m[i + 2]));
      }
      OwnershipState ownership =
          new OwnershipState(
              b.ints("ownership.layer-sizes"), b.ints("ownership.last-finished")[0], owner, reuse);
      List<EpochRecord> history = new ArrayList<>();
      // Checkpoints written before the history table have none.
      double[] h = b.contains("history") ? b.doubles("history") : new double[0];
      for (int i = 0; i + HISTORY_FIELDS - 1 < h.length; i += HISTORY_FIELDS) {
        history.add(
            new EpochRecord(
                (int) h[i],
                Phase.values()[(int) h[i + 1]].name().toLowerCase(java.util.Locale.ROOT),
                (int) h[i + 2],
                h[i + 3],
                h[i + 4],
                h[i + 5],
                h[i + 6],
                h[i + 7]));
      }
      return new TrainerSnapshot(weights, ownership, heads, banks, outcomes, cells, history);
    } catch (IllegalArgumentException | NullPointerException | ArrayIndexOutOfBoundsException e) {
      throw new CheckpointException(
          "checkpoint " + b.source() + " is not a valid H2 seed state: " + e.getMessage(), e);
    }
  }
}
