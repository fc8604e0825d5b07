package org.h2cl.h2;

import java.util.Arrays;
import java.util.Objects;
import org.h2cl.h2.OwnershipState.TaskReuse;

/**
 * Which task owns every maskable weight, and which earlier weights each task reuses
 * (docs/ALGORITHM.md §3).
 *
 * <p>One task at a time moves through TRAINING → PRUNED → FINISHED:
 *
 * <pre>
 *   beginTask(t)                    free weights → t             TRAINING(t)
 *   setReuse(t, counters, S, D)     t ≥ 2, after selection        TRAINING(t)
 *   prune(t, weights, ratio)        §4.3; t's smallest → free     PRUNED(t)
 *   finishTask(t)                                                 FINISHED(t)
 * </pre>
 *
 * <p>Every operation checks that it comes in order and otherwise throws {@link
 * IllegalStateException} naming the task and the state. Masks come back as fresh {@code float[][]},
 * 1f for an active weight and 0f otherwise, one array per layer. Not thread-safe.
 */
public final class Ownership {
  /** The most tasks an owner byte can name. */
  public static final int MAX_TASKS = Byte.MAX_VALUE;

  /** Where the current task stands. */
  public enum Stage {
    /** Its weights train: association, then training with selection. */
    TRAINING,
    /** Pruned; its remaining weights retrain. */
    PRUNED,
    /** Done; its weights never change again. */
    FINISHED
  }

  private final int[] layerSizes;
  private final long size;
  private final byte[][] owner;

  /** reuse[k − 1] for task k ≥ 2 once set; null for task 1. */
  private final TaskReuse[] reuse = new TaskReuse[MAX_TASKS];

  /** The current task; 0 (with stage FINISHED) before the first. */
  private int task;

  private Stage stage = Stage.FINISHED;

  /** All weights free, no task begun. */
  public Ownership(int[] layerSizes) {
    this.layerSizes = layerSizes.clone();
    long n = 0;
    for (int l = 0; l < layerSizes.length; l++) {
      if (layerSizes[l] <= 0) {
        throw new IllegalArgumentException(
            "layer " + l + " must have weights, has " + layerSizes[l]);
      }
      n += layerSizes[l];
    }
    if (n == 0) {
      throw new IllegalArgumentException("no maskable layers");
    }
    this.size = n;
    this.owner = new byte[layerSizes.length][];
    for (int l = 0; l < layerSizes.length; l++) {
      owner[l] = new byte[layerSizes[l]];
    }
  }

  // ---- transitions ----

  /** All free weights become owned by {@code t}; requires t == lastFinished + 1. → TRAINING(t). */
  public void beginTask(int t) {
    if (stage != Stage.FINISHED || t != task + 1) {
      throw refused("beginTask(" + t + ")", "task " + (task + 1) + " to begin next");
    }
    if (t > MAX_TASKS) {
      throw new IllegalArgumentException("at most " + MAX_TASKS + " tasks fit an owner byte");
    }
    byte b = (byte) t;
    for (byte[] o : owner) {
      for (int i = 0; i < o.length; i++) {
        if (o[i] == 0) {
          o[i] = b;
        }
      }
    }
    task = t;
    stage = Stage.TRAINING;
  }

  /**
   * Records task t's reuse counters after training with selection (§5.3), so that its retrain set
   * (§3) is known once pruned. Requires TRAINING(t), t ≥ 2; a second call replaces the first. The
   * counters are copied.
   *
   * @param selectionEpochs S
   * @param divisor D; weights with counter &gt; S/D are reused
   */
  public void setReuse(int t, short[][] counters, double selectionEpochs, int divisor) {
    requireCurrent("setReuse(" + t + ")", t, Stage.TRAINING);
    if (t < 2) {
      throw new IllegalArgumentException("task 1 has no earlier weights to reuse");
    }
    ReuseSelection.checkSelection(selectionEpochs, divisor);
    checkShape("counters", counters);
    short[][] copy = new short[counters.length][];
    for (int l = 0; l < counters.length; l++) {
      copy[l] = counters[l].clone();
    }
    reuse[t - 1] = new TaskReuse(copy, selectionEpochs, divisor);
  }

  /**
   * Prunes task t in every layer (§4.3, {@link Pruner}): freed weights get owner 0 and are set to
   * 0f in {@code weights}. Requires TRAINING(t), and for t ≥ 2 a prior {@link #setReuse}. →
   * PRUNED(t).
   *
   * @return how many weights were freed, over all layers
   */
  public int prune(int t, float[][] weights, double ratio) {
    requireCurrent("prune(" + t + ")", t, Stage.TRAINING);
    if (t >= 2 && reuse[t - 1] == null) {
      throw new IllegalStateException(
          String.format(
              "prune(%d) refused: task %d is TRAINING but its reuse counters are not set;"
                  + " call setReuse(%d, ...) after training with selection",
              t, t, t));
    }
    // Check every layer before changing any, so a bad call leaves the state as it was.
    checkShape("weights", weights);
    if (!(ratio >= 0.0 && ratio <= 1.0)) {
      throw new IllegalArgumentException("ratio must be in [0, 1], got " + ratio);
    }
    byte b = (byte) t;
    for (int l = 0; l < owner.length; l++) {
      byte[] o = owner[l];
      float[] w = weights[l];
      for (int i = 0; i < o.length; i++) {
        if (o[i] == b && Float.isNaN(w[i])) {
          throw new IllegalArgumentException(
              "prune(" + t + "): weight " + i + " of layer " + l + " is NaN");
        }
      }
    }
    int freed = 0;
    for (int l = 0; l < owner.length; l++) {
      freed += Pruner.prune(weights[l], owner[l], t, ratio);
    }
    stage = Stage.PRUNED;
    return freed;
  }

  /**
   * Ends task t; its weights and reuse are fixed from now on. Requires PRUNED(t). → FINISHED(t).
   */
  public void finishTask(int t) {
    requireCurrent("finishTask(" + t + ")", t, Stage.PRUNED);
    stage = Stage.FINISHED;
  }

  // ---- masks ----

  /**
   * 1f where a weight is owned by any task: the forward mask of association and Fisher estimation
   * (§5.2, §5.3).
   */
  public float[][] nonFreeMask() {
    float[][] m = newMask();
    for (int l = 0; l < owner.length; l++) {
      byte[] o = owner[l];
      float[] ml = m[l];
      for (int i = 0; i < o.length; i++) {
        if (o[i] != 0) {
          ml[i] = 1f;
        }
      }
    }
    return m;
  }

  /** 1f where task t owns the weight: what may move. Requires TRAINING(t) or PRUNED(t). */
  public float[][] trainableMask(int t) {
    requireCurrent("trainableMask(" + t + ")", t, Stage.TRAINING, Stage.PRUNED);
    return ownedMask(t);
  }

  /**
   * The forward mask of one epoch of training with selection (§5.3): 1f where task t owns the
   * weight, or an earlier task does and it is not switched off ({@link
   * ReuseSelection#switchedOff}). Requires TRAINING(t).
   *
   * @param counters reuse_t so far, per layer; may be null for t == 1 (no earlier weights)
   * @param epoch 0-based training epoch
   */
  public float[][] selectionEpochMask(
      int t, short[][] counters, int epoch, double s, int divisor, boolean switchOffAtS) {
    requireCurrent("selectionEpochMask(" + t + ")", t, Stage.TRAINING);
    double bound = ReuseSelection.switchOffBound(epoch, s, divisor, switchOffAtS);
    if (t == 1) {
      return ownedMask(1);
    }
    checkShape("counters", counters);
    return earlierAndOwnMask(t, counters, bound);
  }

  /**
   * Task k's active set (§3): 1f where k owns the weight, or an earlier task owns it and k reuses
   * it (counter &gt; S/D). Used to retrain and evaluate. Allowed for a finished k, and for the
   * current task once PRUNED.
   */
  public float[][] activeMask(int k) {
    requireKnownReuse("activeMask(" + k + ")", k);
    if (k == 1) {
      return ownedMask(1);
    }
    TaskReuse r = reuse[k - 1];
    return earlierAndOwnMask(
        k, r.counters(), ReuseSelection.reuseBound(r.selectionEpochs(), r.divisor()));
  }

  // ---- fractions ----

  /** Weights owned by task t over all maskable weights. */
  public double ownedFraction(int t) {
    checkTask(t);
    return (double) count((byte) t) / size;
  }

  /** Per layer, weights owned by task t over the layer's weights. */
  public double[] ownedFractionPerLayer(int t) {
    checkTask(t);
    byte b = (byte) t;
    double[] f = new double[owner.length];
    for (int l = 0; l < owner.length; l++) {
      int n = 0;
      for (byte o : owner[l]) {
        if (o == b) {
          n++;
        }
      }
      f[l] = (double) n / owner[l].length;
    }
    return f;
  }

  /**
   * Weights of earlier tasks that task t reuses, over all maskable weights; 0 for task 1. Allowed
   * where {@link #activeMask} is.
   */
  public double reusedFraction(int t) {
    requireKnownReuse("reusedFraction(" + t + ")", t);
    if (t == 1) {
      return 0.0;
    }
    TaskReuse r = reuse[t - 1];
    double bound = ReuseSelection.reuseBound(r.selectionEpochs(), r.divisor());
    long n = 0;
    for (int l = 0; l < owner.length; l++) {
      byte[] o = owner[l];
      short[] c = r.counters()[l];
      for (int i = 0; i < o.length; i++) {
        if (o[i] > 0 && o[i] < t && c[i] > bound) {
          n++;
        }
      }
    }
    return (double) n / size;
  }

  /** Free weights over all maskable weights. */
  public double freeFraction() {
    return (double) count((byte) 0) / size;
  }

  // ---- views ----

  /** A copy of the owner map, per layer. It changes only in beginTask and prune. */
  public byte[][] owners() {
    byte[][] copy = new byte[owner.length][];
    for (int l = 0; l < owner.length; l++) {
      copy[l] = owner[l].clone();
    }
    return copy;
  }

  /** Weights per maskable layer. */
  public int[] layerSizes() {
    return layerSizes.clone();
  }

  /** The current task: the last one begun, 0 before the first. */
  public int currentTask() {
    return task;
  }

  /** Where the current task stands; FINISHED before the first task too. */
  public Stage stage() {
    return stage;
  }

  /** The last finished task, 0 if none. */
  public int lastFinished() {
    return stage == Stage.FINISHED ? task : task - 1;
  }

  // ---- checkpoints ----

  /** A deep copy of the state between tasks. Requires the current task FINISHED (or none begun). */
  public OwnershipState export() {
    if (stage != Stage.FINISHED) {
      throw refused("export()", "a finished task (checkpoints are taken between tasks)");
    }
    TaskReuse[] r = new TaskReuse[task];
    for (int k = 2; k <= task; k++) {
      TaskReuse x = reuse[k - 1];
      short[][] c = new short[x.counters().length][];
      for (int l = 0; l < c.length; l++) {
        c[l] = x.counters()[l].clone();
      }
      r[k - 1] = new TaskReuse(c, x.selectionEpochs(), x.divisor());
    }
    return new OwnershipState(layerSizes.clone(), task, owners(), r);
  }

  /**
   * Rebuilds the state {@link #export} saved, after checking it fits the network ({@code
   * layerSizes}) and is consistent: owners in 0..lastFinished, one reuse entry per finished task ≥
   * 2 with counters ≥ 0 of the layer sizes, none for task 1. The arrays are copied.
   *
   * @throws IllegalArgumentException naming the first inconsistency
   */
  public static Ownership restore(int[] layerSizes, OwnershipState state) {
    Objects.requireNonNull(layerSizes, "layerSizes");
    if (state == null
        || state.layerSizes() == null
        || state.owner() == null
        || state.reuse() == null) {
      throw new IllegalArgumentException("ownership state is missing or has null parts");
    }
    if (!Arrays.equals(layerSizes, state.layerSizes())) {
      throw new IllegalArgumentException(
          "checkpoint layer sizes "
              + Arrays.toString(state.layerSizes())
              + " do not match the network's "
              + Arrays.toString(layerSizes));
    }
    int last = state.lastFinished();
    if (last < 0 || last > MAX_TASKS) {
      throw new IllegalArgumentException("lastFinished " + last + " outside 0.." + MAX_TASKS);
    }
    Ownership o = new Ownership(layerSizes);
    byte[][] owner = state.owner();
    if (owner.length != layerSizes.length) {
      throw new IllegalArgumentException(
          "owner has " + owner.length + " layers, expected " + layerSizes.length);
    }
    for (int l = 0; l < owner.length; l++) {
      if (owner[l] == null || owner[l].length != layerSizes[l]) {
        throw new IllegalArgumentException(
            "owner of layer " + l + " does not have " + layerSizes[l] + " entries");
      }
      byte[] src = owner[l];
      for (int i = 0; i < src.length; i++) {
        if (src[i] < 0 || src[i] > last) {
          throw new IllegalArgumentException(
              "owner of layer " + l + " weight " + i + " is " + src[i] + ", outside 0.." + last);
        }
      }
      System.arraycopy(src, 0, o.owner[l], 0, src.length);
    }
    TaskReuse[] reuse = state.reuse();
    if (reuse.length != last) {
      throw new IllegalArgumentException(
          "reuse has " + reuse.length + " entries, expected one per finished task (" + last + ")");
    }
    if (last >= 1 && reuse[0] != null) {
      throw new IllegalArgumentException("task 1 has reuse counters; it reuses nothing");
    }
    for (int k = 2; k <= last; k++) {
      TaskReuse r = reuse[k - 1];
      if (r == null || r.counters() == null) {
        throw new IllegalArgumentException("task " + k + " has no reuse counters");
      }
      try {
        ReuseSelection.checkSelection(r.selectionEpochs(), r.divisor());
        o.checkShape("counters", r.counters());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("task " + k + ": " + e.getMessage(), e);
      }
      short[][] c = new short[layerSizes.length][];
      for (int l = 0; l < c.length; l++) {
        c[l] = r.counters()[l].clone();
        for (int i = 0; i < c[l].length; i++) {
          if (c[l][i] < 0) {
            throw new IllegalArgumentException(
                "task "
                    + k
                    + ": counter of layer "
                    + l
                    + " weight "
                    + i
                    + " is negative ("
                    + c[l][i]
                    + ")");
          }
        }
      }
      o.reuse[k - 1] = new TaskReuse(c, r.selectionEpochs(), r.divisor());
    }
    o.task = last;
    o.stage = Stage.FINISHED;
    return o;
  }

  // ---- internals ----

  private float[][] newMask() {
    float[][] m = new float[owner.length][];
    for (int l = 0; l < owner.length; l++) {
      m[l] = new float[owner[l].length];
    }
    return m;
  }

  private float[][] ownedMask(int t) {
    byte b = (byte) t;
    float[][] m = newMask();
    for (int l = 0; l < owner.length; l++) {
      byte[] o = owner[l];
      float[] ml = m[l];
      for (int i = 0; i < o.length; i++) {
        if (o[i] == b) {
          ml[i] = 1f;
        }
      }
    }
    return m;
  }

  /** 1f where t owns the weight, or 0 &lt; owner &lt; t and the counter exceeds {@code bound}. */
  private float[][] earlierAndOwnMask(int t, short[][] counters, double bound) {
    float[][] m = newMask();
    for (int l = 0; l < owner.length; l++) {
      byte[] o = owner[l];
      short[] c = counters[l];
      float[] ml = m[l];
      for (int i = 0; i < o.length; i++) {
        int k = o[i];
        if (k == t || (k > 0 && k < t && c[i] > bound)) {
          ml[i] = 1f;
        }
      }
    }
    return m;
  }

  private long count(byte b) {
    long n = 0;
    for (byte[] o : owner) {
      for (byte x : o) {
        if (x == b) {
          n++;
        }
      }
    }
    return n;
  }

  private void requireCurrent(String op, int t, Stage... allowed) {
    if (t == task) {
      for (Stage s : allowed) {
        if (s == stage) {
          return;
        }
      }
    }
    StringBuilder want = new StringBuilder("task " + t + " ");
    for (int i = 0; i < allowed.length; i++) {
      want.append(i == 0 ? "" : " or ").append(allowed[i]);
    }
    throw refused(op, want.toString());
  }

  /** Task k's reuse is final: k finished, or k is current and PRUNED. */
  private void requireKnownReuse(String op, int k) {
    boolean ok = k >= 1 && (k <= lastFinished() || (k == task && stage == Stage.PRUNED));
    if (!ok) {
      throw refused(op, "task " + k + " PRUNED or FINISHED");
    }
  }

  private IllegalStateException refused(String op, String wanted) {
    String now = task == 0 ? "no task has begun" : "task " + task + " is " + stage;
    return new IllegalStateException(op + " refused: it needs " + wanted + ", but " + now);
  }

  private void checkTask(int t) {
    if (t < 1 || t > MAX_TASKS) {
      throw new IllegalArgumentException("task must be in 1.." + MAX_TASKS + ", got " + t);
    }
  }

  private void checkShape(String name, float[][] layers) {
    int[] n = layers == null ? null : new int[layers.length];
    for (int l = 0; n != null && l < n.length; l++) {
      n[l] = layers[l] == null ? -1 : layers[l].length;
    }
    checkShape(name, n);
  }

  private void checkShape(String name, short[][] layers) {
    int[] n = layers == null ? null : new int[layers.length];
    for (int l = 0; n != null && l < n.length; l++) {
      n[l] = layers[l] == null ? -1 : layers[l].length;
    }
    checkShape(name, n);
  }

  /** {@code lengths[l]}: entries of layer l, −1 for a null layer; null for a null array. */
  private void checkShape(String name, int[] lengths) {
    if (lengths == null) {
      throw new IllegalArgumentException(name + " is null");
    }
    if (lengths.length != layerSizes.length) {
      throw new IllegalArgumentException(
          name + " has " + lengths.length + " layers, expected " + layerSizes.length);
    }
    for (int l = 0; l < lengths.length; l++) {
      if (lengths[l] != layerSizes[l]) {
        throw new IllegalArgumentException(
            name + " layer " + l + " has " + lengths[l] + " entries, expected " + layerSizes[l]);
      }
    }
  }
}
