package org.h2cl.h2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.h2cl.config.H2Settings;
import org.h2cl.data.Batch;
import org.h2cl.data.EvalBatches;
import org.h2cl.data.TaskData;
import org.h2cl.data.TrainBatches;
import org.h2cl.h2.Rngs.Purpose;
import org.h2cl.model.BnBank;
import org.h2cl.model.ConvLayer;
import org.h2cl.model.Head;
import org.h2cl.model.Init;
import org.h2cl.model.MomentumSgd;
import org.h2cl.model.ResNet18;
import org.h2cl.model.SoftmaxCrossEntropy;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains one seed through the tasks of Split CIFAR-10 with H². {@link #runTask} reads as H2-SPEC §4
 * (task 1) and §5 (tasks ≥ 2); the phases below it follow the spec's numbered steps. The network's
 * conv weights exist once; {@link Ownership} decides per phase which of them count and which move.
 */
public final class H2Trainer {
  private final H2Settings settings;
  private final List<TaskData> tasks;
  private final int seed;
  private final TrainingListener listener;

  private final ResNet18 net;
  private final MomentumSgd sgd;
  private Ownership ownership;
  private final InputBuffers inputs = new InputBuffers();
  private final Batch batch;
  private final INDArray[] activeMask;
  private final INDArray[] trainableMask;

  private final List<Head> heads = new ArrayList<>();
  private final List<BnBank> banks = new ArrayList<>();
  private final List<TaskOutcome> outcomes = new ArrayList<>();
  private final List<AccuracyCell> accuracyMatrix = new ArrayList<>();

  public H2Trainer(H2Settings settings, List<TaskData> tasks, int seed, TrainingListener listener) {
    this.settings = settings;
    this.tasks = List.copyOf(tasks);
    this.seed = seed;
    this.listener = listener;
    net =
        new ResNet18(
            settings.model().baseWidth(),
            settings.model().stemRelu(),
            settings.data().classesPerTask(),
            DataType.FLOAT,
            settings.compute().kernels(),
            settings.compute().convAlgorithm());
    net.initialiseConvs(Rngs.of(seed, 0, Purpose.CONV_INIT));
    sgd = new MomentumSgd(net);
    ownership = new Ownership(net.convSizes());
    batch = new Batch(settings.train().batchSize());
    List<ConvLayer> convs = net.convs();
    activeMask = new INDArray[convs.size()];
    trainableMask = new INDArray[convs.size()];
    for (int i = 0; i < convs.size(); i++) {
      activeMask[i] = Nd4j.zeros(net.dataType, convs.get(i).weight.shape());
      trainableMask[i] = Nd4j.zeros(net.dataType, convs.get(i).weight.shape());
    }
  }

  /**
   * What computes the network, for the results' provenance (see {@link ResNet18#describeKernels}).
   */
  public String kernels() {
    return net.describeKernels();
  }

  /** Per conv layer, the fraction of its weights that task t owns. */
  public double[] ownedFractionPerLayer(int t) {
    return ownership.ownedFractionPerLayer(t);
  }

  /** Number of BatchNorm layers (each task's bank has one entry per layer). */
  public int batchNormLayers() {
    return net.bnChannels().length;
  }

  /** Tasks finished so far (restored ones included). */
  public int finishedTasks() {
    return outcomes.size();
  }

  /** One task, H2-SPEC §4 for t = 1 and §5 for t ≥ 2. */
  public TaskOutcome runTask(int t) {
    long start = System.nanoTime();
    listener.taskStarted(seed, t);
    TaskData data = tasks.get(t - 1);
    H2Settings.ReuseSettings reuse = settings.reuse();
    double s = reuse.selectionEpochs(settings.train().epochs());

    // §4.1 / §5.1: the free weights become task t's; new head; new BN bank.
    ownership.beginTask(t);
    Head head = net.newHead(data.classes(), Rngs.of(seed, t, Purpose.HEAD_INIT));
    BnBank bank = t == 1 ? net.newBank() : BnBank.continuing(banks.get(t - 2));

    double[] logits = new double[0];
    double[] pi = new double[0];
    if (t == 1) {
      train(data, head, bank); // §4.2
    } else {
      logits = associate(t, data, head, bank); // §5.2
      pi =
          GumbelSoftmax.sample(
              logits, settings.association().temperature(), Rngs.of(seed, t, Purpose.GUMBEL));
      short[][] counters = trainWithSelection(t, data, head, bank, pi); // §5.3
      ownership.setReuse(t, counters, s, reuse.counterDivisor());
    }
    prune(t); // §4.3 / §5.4
    retrain(t, data, head, bank); // §4.4 / §5.5
    ownership.finishTask(t);
    heads.add(head);
    banks.add(bank);

    // §4.5 / §5.6, and a row of the accuracy matrix: every task seen so far.
    double accuracy = evaluate(t);
    for (int k = 1; k <= t; k++) {
      accuracyMatrix.add(new AccuracyCell(t, k, k == t ? accuracy : evaluate(k)));
    }
    TaskOutcome outcome =
        new TaskOutcome(
            t,
            accuracy,
            Double.NaN,
            ownership.ownedFraction(t),
            t == 1 ? 0 : ownership.reusedFraction(t),
            pi,
            logits,
            (System.nanoTime() - start) / 1e9);
    outcomes.add(outcome);
    return outcome;
  }

  /**
   * §6: every task again with the final weights. Its accuracy must equal the one measured right
   * after it trained (zero forgetting by construction); anything else stops the seed.
   */
  public List<TaskOutcome> evaluateAll() {
    List<TaskOutcome> done = new ArrayList<>();
    for (TaskOutcome o : outcomes) {
      double accFinal = evaluate(o.task());
      if (Double.compare(accFinal, o.accAfterTask()) != 0) {
        throw new TrainingFailure(
            seed,
            o.task(),
            Phase.EVALUATE,
            "zero-forgetting check failed: accuracy "
                + o.accAfterTask()
                + " % right after the task, "
                + accFinal
                + " % after the last task");
      }
      done.add(
          new TaskOutcome(
              o.task(),
              o.accAfterTask(),
              accFinal,
              o.ownedFraction(),
              o.reusedFraction(),
              o.association(),
              o.associationLogits(),
              o.trainSeconds()));
    }
    return done;
  }

  public List<AccuracyCell> accuracyMatrix() {
    return List.copyOf(accuracyMatrix);
  }

  /** The state after the last finished task, for a checkpoint. */
  public TrainerSnapshot snapshot() {
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
        weights, ownership.export(), h, b, List.copyOf(outcomes), List.copyOf(accuracyMatrix));
  }

  /**
   * Continues from a checkpoint: afterwards the trainer is exactly where it was when the snapshot
   * was taken, so the remaining tasks train as in an uninterrupted run. Shapes are validated first.
   */
  public void restore(TrainerSnapshot snap) {
    if (!outcomes.isEmpty()) {
      throw new IllegalStateException("restore is only allowed before the first task");
    }
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
    Ownership restored = Ownership.restore(net.convSizes(), snap.ownership());
    if (restored.lastFinished() != tasksDone) {
      throw new IllegalArgumentException(
          "checkpoint ownership says "
              + restored.lastFinished()
              + " finished tasks, results say "
              + tasksDone);
    }
    for (int l = 0; l < convs.size(); l++) {
      load(convs.get(l).weight, snap.convWeights()[l], convs.get(l).name);
    }
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
    ownership = restored;
    outcomes.addAll(snap.outcomes());
    accuracyMatrix.addAll(snap.accuracyMatrix());
    net.refreshWeights();
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

  // ---- phases ----

  /** §4.2: task 1 trains every weight it owns (all of them). */
  private void train(TaskData data, Head head, BnBank bank) {
    setMasks(activeMask, ownership.trainableMask(1));
    setMasks(trainableMask, ownership.trainableMask(1));
    H2Settings.TrainSettings tr = settings.train();
    SplittableRandom shuffle = Rngs.of(seed, 1, Purpose.TRAIN_SHUFFLE);
    sgd.startPhase(tr.lr(), tr.momentum(), trainableMask);
    for (int e = 0; e < tr.epochs(); e++) {
      runEpoch(1, Phase.TRAIN, e, tr.epochs(), data, head, bank, shuffle, null);
    }
  }

  /**
   * §5.2: on a scratch copy, train task t's freshly re-initialised weights with every earlier
   * weight active, and move p against Σ w·∂L/∂w of each earlier task. Everything it changed is
   * thrown away.
   *
   * @return p, the association logits
   */
  private double[] associate(int t, TaskData data, Head head, BnBank bank) {
    H2Settings.AssociationSettings as = settings.association();
    INDArray[] saved = copyWeights();
    reinitialiseOwnWeights(t, Rngs.of(seed, t, Purpose.ASSOCIATION_REINIT));
    Head scratchHead = head.copy();
    BnBank scratchBank = bank.copy();
    setMasks(activeMask, ownership.nonFreeMask());
    setMasks(trainableMask, ownership.trainableMask(t));

    EarlierTaskWeights earlier = new EarlierTaskWeights(weights(), ownership.owners(), t);
    INDArray[] grads = net.convs().stream().map(c -> c.grad).toArray(INDArray[]::new);
    double[] p = new double[t - 1];
    Arrays.fill(p, 1.0);
    double[] sums = new double[t - 1];
    SplittableRandom shuffle = Rngs.of(seed, t, Purpose.ASSOCIATION_SHUFFLE);
    sgd.startPhase(as.lr(), settings.train().momentum(), trainableMask);
    for (int e = 0; e < as.epochs(); e++) {
      StepHook hook =
          e < as.warmupEpochs()
              ? null
              : () -> {
                earlier.sums(grads, sums);
                AssociationUpdate.step(p, sums, as.logitLr());
              };
      runEpoch(t, Phase.ASSOCIATE, e, as.epochs(), data, scratchHead, scratchBank, shuffle, hook);
      if (!Arrays.stream(p).allMatch(Double::isFinite)) {
        throw new TrainingFailure(
            seed,
            t,
            Phase.ASSOCIATE,
            "association logits p = "
                + Arrays.toString(p)
                + " in epoch "
                + (e + 1)
                + " of "
                + as.epochs()
                + "; lower h2.association.logit-lr (now "
                + as.logitLr()
                + ")");
      }
    }
    restoreWeights(saved);
    return p;
  }

  /**
   * §5.3: train task t's re-initialised weights; while e &lt; S, estimate the Fisher information
   * first and count the earlier weights that matter, switching off those counted too rarely so far.
   *
   * @return reuse_t, the per-weight counters
   */
  private short[][] trainWithSelection(int t, TaskData data, Head head, BnBank bank, double[] pi) {
    H2Settings.TrainSettings tr = settings.train();
    H2Settings.ReuseSettings reuse = settings.reuse();
    double s = reuse.selectionEpochs(tr.epochs());
    reinitialiseOwnWeights(t, Rngs.of(seed, t, Purpose.TRAIN_REINIT));
    int[] sizes = net.convSizes();
    short[][] counters = new short[sizes.length][];
    for (int l = 0; l < sizes.length; l++) {
      counters[l] = new short[sizes[l]];
    }
    setMasks(trainableMask, ownership.trainableMask(t));
    SplittableRandom shuffle = Rngs.of(seed, t, Purpose.TRAIN_SHUFFLE);
    SplittableRandom fisherOrder = Rngs.of(seed, t, Purpose.FISHER_ORDER);
    sgd.startPhase(tr.lr(), tr.momentum(), trainableMask);
    for (int e = 0; e < tr.epochs(); e++) {
      if (e < s) {
        float[][] fisher = estimateFisher(data, head, bank, fisherOrder);
        double std = ReuseSelection.fisherStd(fisher);
        ReuseSelection.count(fisher, ownership.owners(), t, pi, reuse.threshold(), std, counters);
      }
      setMasks(
          activeMask,
          ownership.selectionEpochMask(
              t, counters, e, s, reuse.counterDivisor(), reuse.switchOffAtS()));
      runEpoch(t, Phase.TRAIN, e, tr.epochs(), data, head, bank, shuffle, null);
    }
    return counters;
  }

  /**
   * §5.3's Fisher estimate: BN in inference mode, every non-free weight active, single raw images
   * (scaled to [0,1], not augmented, not normalised — the reference swaps its transform out); F =
   * mean over the samples of (∂NLL/∂w)².
   */
  private float[][] estimateFisher(TaskData data, Head head, BnBank bank, SplittableRandom order) {
    setMasks(activeMask, ownership.nonFreeMask());
    net.use(head, bank);
    List<ConvLayer> convs = net.convs();
    INDArray[] sum = new INDArray[convs.size()];
    for (int l = 0; l < sum.length; l++) {
      sum[l] = Nd4j.zeros(net.dataType, convs.get(l).weight.shape());
    }
    int n = Math.min(settings.reuse().fisherSamples(), data.train().size());
    int[] picks = FisherSamples.draw(data.train().size(), n, order);
    Batch one = new Batch(1);
    for (int index : picks) {
      FisherSamples.fill(data.train(), index, one);
      INDArray z = net.forward(inputs.of(one), false);
      SoftmaxCrossEntropy.lossAndGradient(z, one.y, inputs.gradLogits(1, z));
      net.backward(inputs.gradLogits(1, z));
      for (int l = 0; l < sum.length; l++) {
        INDArray g = convs.get(l).grad;
        g.muli(g);
        sum[l].addi(g);
      }
    }
    float[][] fisher = new float[sum.length][];
    for (int l = 0; l < sum.length; l++) {
      fisher[l] = sum[l].divi(n).data().asFloat();
    }
    return fisher;
  }

  /** §4.3: free the smallest 75 % of task t's weights in every layer; freed weights become 0. */
  private void prune(int t) {
    List<ConvLayer> convs = net.convs();
    float[][] w = new float[convs.size()][];
    for (int l = 0; l < w.length; l++) {
      w[l] = convs.get(l).weight.data().asFloat();
    }
    ownership.prune(t, w, settings.prune().ratio());
    for (int l = 0; l < w.length; l++) {
      INDArray weight = convs.get(l).weight;
      weight.assign(Nd4j.createFromArray(w[l]).reshape(weight.shape()));
    }
  }

  /** §4.4 / §5.5: fine-tune what survived pruning, with task t's active set of §3. */
  private void retrain(int t, TaskData data, Head head, BnBank bank) {
    H2Settings.RetrainSettings rt = settings.retrain();
    setMasks(activeMask, ownership.activeMask(t));
    setMasks(trainableMask, ownership.trainableMask(t));
    SplittableRandom shuffle = Rngs.of(seed, t, Purpose.RETRAIN_SHUFFLE);
    sgd.startPhase(rt.lr(), settings.train().momentum(), trainableMask);
    for (int e = 0; e < rt.epochs(); e++) {
      runEpoch(t, Phase.RETRAIN, e, rt.epochs(), data, head, bank, shuffle, null);
    }
  }

  /**
   * Test accuracy (percent) of task k with its own head, BN bank and active set; BN in inference
   * mode.
   */
  private double evaluate(int k) {
    setMasks(activeMask, ownership.activeMask(k));
    net.use(heads.get(k - 1), banks.get(k - 1));
    EvalBatches batches = new EvalBatches(tasks.get(k - 1).test(), settings.train().batchSize());
    long correct = 0;
    long total = 0;
    while (batches.next(batch)) {
      INDArray z = net.forward(inputs.of(batch), false);
      correct += SoftmaxCrossEntropy.correct(z, batch.y);
      total += batch.size();
    }
    return 100.0 * correct / total;
  }

  // ---- the shared epoch loop ----

  /** Runs between backward and the optimizer step (the association update of §5.2). */
  private interface StepHook {
    void afterBackward();
  }

  private void runEpoch(
      int t,
      Phase phase,
      int epoch,
      int epochs,
      TaskData data,
      Head head,
      BnBank bank,
      SplittableRandom shuffle,
      StepHook hook) {
    if (epoch == 0) {
      listener.phaseStarted(seed, t, phase, epochs);
    }
    long start = System.nanoTime();
    net.use(head, bank);
    TrainBatches batches = new TrainBatches(data.train(), settings.train().batchSize());
    batches.startEpoch(shuffle);
    double lossSum = 0;
    long correct = 0;
    long seen = 0;
    while (batches.next(batch)) {
      INDArray z = net.forward(inputs.of(batch), true);
      INDArray gradLogits = inputs.gradLogits(batch.size(), z);
      SoftmaxCrossEntropy.Stats stats = SoftmaxCrossEntropy.lossAndGradient(z, batch.y, gradLogits);
      net.backward(gradLogits);
      if (hook != null) {
        hook.afterBackward();
      }
      sgd.step(head, bank);
      lossSum += stats.lossSum();
      correct += stats.correct();
      seen += batch.size();
    }
    double loss = lossSum / seen;
    String diverged =
        Double.isFinite(loss)
            ? FiniteCheck.firstNonFinite(net.convs(), head, bank)
                .map(v -> v + " are not finite")
                .orElse(null)
            : "loss is " + loss;
    if (diverged != null) {
      throw new TrainingFailure(
          seed,
          t,
          phase,
          diverged
              + " in epoch "
              + (epoch + 1)
              + " of "
              + epochs
              + "; training diverged: "
              + FiniteCheck.advice(phase, settings));
    }
    listener.epochEnded(
        seed,
        t,
        phase,
        epoch,
        epochs,
        loss,
        100.0 * correct / seen,
        (System.nanoTime() - start) / 1e9);
  }

  // ---- weights and masks ----

  /** §5.2 / §5.3: task t's weights restart from N(0, reinit-std²); all others keep their values. */
  private void reinitialiseOwnWeights(int t, SplittableRandom rng) {
    float[][] own = ownership.trainableMask(t);
    List<ConvLayer> convs = net.convs();
    for (int l = 0; l < convs.size(); l++) {
      ConvLayer c = convs.get(l);
      INDArray mask = Nd4j.createFromArray(own[l]).reshape(c.weight.shape());
      INDArray fresh = Init.normal(rng, c.size(), settings.reinitStd()).reshape(c.weight.shape());
      // w ← w·(1 − m) + fresh·m
      c.weight.muli(mask.rsub(1)).addi(fresh.muli(mask));
    }
    net.refreshWeights();
  }

  private INDArray[] weights() {
    return net.convs().stream().map(c -> c.weight).toArray(INDArray[]::new);
  }

  private INDArray[] copyWeights() {
    List<ConvLayer> convs = net.convs();
    INDArray[] copy = new INDArray[convs.size()];
    for (int l = 0; l < copy.length; l++) {
      copy[l] = convs.get(l).weight.dup();
    }
    return copy;
  }

  private void restoreWeights(INDArray[] saved) {
    List<ConvLayer> convs = net.convs();
    for (int l = 0; l < saved.length; l++) {
      convs.get(l).weight.assign(saved[l]);
    }
    net.refreshWeights();
  }

  private void setMasks(INDArray[] target, float[][] masks) {
    for (int l = 0; l < target.length; l++) {
      target[l].assign(Nd4j.createFromArray(masks[l]).reshape(target[l].shape()));
    }
    if (target == activeMask) {
      net.setActiveMasks(activeMask);
    }
  }
}
