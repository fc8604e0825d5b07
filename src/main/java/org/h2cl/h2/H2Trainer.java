package org.h2cl.h2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.h2cl.compute.Backends;
import org.h2cl.config.H2Settings;
import org.h2cl.config.Method;
import org.h2cl.data.Batch;
import org.h2cl.data.EvalBatches;
import org.h2cl.data.TaskData;
import org.h2cl.data.TrainBatches;
import org.h2cl.h2.Rngs.Purpose;
import org.h2cl.h2.TrainingListener.EpochEnd;
import org.h2cl.h2.TrainingListener.PhaseStart;
import org.h2cl.h2.TrainingListener.TaskStart;
import org.h2cl.model.BatchNormLayer;
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
 * Trains one seed through the tasks with H² or one of the methods compared with it ({@link
 * Method}). {@link #runTask} reads as docs/ALGORITHM.md §4 (task 1) and §5 (tasks ≥ 2); the phases
 * below it follow the numbered steps there, and each other method replaces the steps README
 * "Methods" names. The network's conv weights exist once; {@link Ownership} decides per phase which
 * of them count ({@link #activate}) and which move ({@link #allowTraining}).
 */
public final class H2Trainer {
  private static final double NaN = Double.NaN;

  private final H2Settings settings;
  private final List<TaskData> tasks;
  private final int seed;
  private final Method method;
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
  private final List<EpochRecord> history = new ArrayList<>();

  /** Trains with {@code settings.method()} (settings narrowed by {@link H2Settings#forMethod}). */
  public H2Trainer(H2Settings settings, List<TaskData> tasks, int seed, TrainingListener listener) {
    this.settings = settings;
    this.tasks = List.copyOf(tasks);
    this.seed = seed;
    this.method = settings.method();
    this.listener = listener;
    net =
        Backends.network(
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
   * What computes the network, for the results' provenance (see {@link
   * org.h2cl.model.Backend#describe}).
   */
  public String kernels() {
    return net.backend().describe();
  }

  /** Number of BatchNorm layers (each task's bank has one entry per layer). */
  public int batchNormLayers() {
    return net.bnChannels().length;
  }

  /** One task, docs/ALGORITHM.md §4 for t = 1 and §5 for t ≥ 2. */
  public TaskOutcome runTask(int t) {
    long start = System.nanoTime();
    listener.taskStarted(new TaskStart(seed, t));
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
      train(data, head, bank); // §4.2, the same for every method
    } else if (method == Method.H2 || method == Method.H2_UNIFORM) {
      logits = method.associates() ? associate(t, data, head, bank) : logits; // §5.2
      pi = method.associates() ? drawPi(t, logits) : uniform(t - 1);
      short[][] counters = trainWithSelection(t, data, head, bank, pi); // §5.3
      ownership.setReuse(t, counters, s, reuse.counterDivisor());
    } else {
      // The baselines: a fixed choice of earlier weights instead of association and selection.
      boolean usesEarlier = method != Method.INDEPENDENT;
      trainWithFixedReuse(t, data, head, bank);
      ownership.setReuse(t, counters(usesEarlier), s, reuse.counterDivisor());
    }
    if (method.prunes()) {
      prune(t); // §4.3 / §5.4
      retrain(t, data, head, bank); // §4.4 / §5.5
    } else {
      ownership.prune(t, convWeightValues(), 0.0); // finetune: nothing is freed
    }
    if (settings.fixes().bnRecalibration()) {
      recalibrateBatchNorm(t, data, head, bank);
    }
    ownership.finishTask(t);
    heads.add(head);
    banks.add(bank);

    // §4.5 / §5.6, and a row of the accuracy matrix: every task seen so far.
    double accuracy = evaluate(t);
    for (int k = 1; k <= t; k++) {
      accuracyMatrix.add(new AccuracyCell(t, k, k == t ? accuracy : evaluate(k)));
    }
    boolean everyWeight = method == Method.FINETUNE;
    TaskOutcome outcome =
        new TaskOutcome(
            t,
            accuracy,
            everyWeight ? 1.0 : ownership.ownedFraction(t),
            t == 1 ? 0 : everyWeight ? 1.0 : ownership.reusedFraction(t),
            pi,
            logits,
            (System.nanoTime() - start) / 1e9);
    outcomes.add(outcome);
    return outcome;
  }

  /**
   * §6: every task again with the final weights. Its accuracy must equal the one measured right
   * after it trained (zero forgetting by construction); anything else stops the seed. Finetune,
   * which changes every weight on every task, is measured without that check: it forgets.
   */
  public List<TaskResult> evaluateAll() {
    List<TaskResult> done = new ArrayList<>();
    for (TaskOutcome o : outcomes) {
      double accFinal = evaluate(o.task());
      if (method != Method.FINETUNE && Double.compare(accFinal, o.accAfterTask()) != 0) {
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
      done.add(new TaskResult(o, accFinal));
    }
    return done;
  }

  public List<AccuracyCell> accuracyMatrix() {
    return List.copyOf(accuracyMatrix);
  }

  /** Every epoch trained so far (restored tasks' included), in order. */
  public List<EpochRecord> history() {
    return List.copyOf(history);
  }

  /** Maskable weights no task owns: capacity left for later tasks (0 for finetune). */
  public double freeFraction() {
    return ownership.freeFraction();
  }

  /** The state after the last finished task, for a checkpoint. */
  public TrainerSnapshot snapshot() {
    return SeedCheckpoint.snapshot(net, ownership, heads, banks, outcomes, accuracyMatrix, history);
  }

  /**
   * Continues from a checkpoint: afterwards the trainer is exactly where it was when the snapshot
   * was taken, so the remaining tasks train as in an uninterrupted run. Shapes are validated first.
   */
  public void restore(TrainerSnapshot snap) {
    if (!outcomes.isEmpty()) {
      throw new IllegalStateException("restore is only allowed before the first task");
    }
    SeedCheckpoint.Restored restored = SeedCheckpoint.restore(snap, net, tasks);
    ownership = restored.ownership();
    heads.addAll(restored.heads());
    banks.addAll(restored.banks());
    outcomes.addAll(snap.outcomes());
    accuracyMatrix.addAll(snap.accuracyMatrix());
    history.addAll(snap.history());
  }

  // ---- phases ----

  /** §4.2: task 1 trains every weight it owns (all of them). */
  private void train(TaskData data, Head head, BnBank bank) {
    activate(ownership.trainableMask(1));
    allowTraining(ownership.trainableMask(1));
    H2Settings.TrainSettings tr = settings.train();
    SplittableRandom shuffle = Rngs.of(seed, 1, Purpose.TRAIN_SHUFFLE);
    sgd.startPhase(tr.lr(), tr.momentum(), trainableMask);
    for (int e = 0; e < tr.epochs(); e++) {
      runEpoch(1, Phase.TRAIN, e, tr.epochs(), tr.lr(), NaN, data, head, bank, shuffle, null);
    }
  }

  /**
   * π for task t: the reference's Gumbel-softmax draw from p, or with {@code
   * h2.association.deterministic} softmax(p/τ) without noise.
   */
  private double[] drawPi(int t, double[] logits) {
    double tau = settings.association().temperature();
    if (settings.association().deterministic()) {
      return GumbelSoftmax.softmax(logits, tau);
    }
    return GumbelSoftmax.sample(logits, tau, Rngs.of(seed, t, Purpose.GUMBEL));
  }

  /** h2-uniform's π: 1/n for each of the n earlier tasks. */
  static double[] uniform(int n) {
    double[] pi = new double[n];
    Arrays.fill(pi, 1.0 / n);
    return pi;
  }

  /**
   * The baselines' training of task t ≥ 2 (README "Methods"): independent trains only its own
   * weights, freshly initialised as task 1's were; packnet trains its own weights (re-initialised
   * as H²'s are) with every earlier weight active and frozen; finetune trains every weight, from
   * where the last task left them.
   */
  private void trainWithFixedReuse(int t, TaskData data, Head head, BnBank bank) {
    H2Settings.TrainSettings tr = settings.train();
    switch (method) {
      case INDEPENDENT -> {
        initialiseOwnWeights(t, Rngs.of(seed, t, Purpose.INDEPENDENT_INIT));
        activate(ownership.trainableMask(t));
        allowTraining(ownership.trainableMask(t));
      }
      case PACKNET -> {
        reinitialiseOwnWeights(t, Rngs.of(seed, t, Purpose.TRAIN_REINIT));
        activate(ownership.nonFreeMask());
        allowTraining(ownership.trainableMask(t));
      }
      case FINETUNE -> {
        activate(everyWeight());
        allowTraining(everyWeight());
      }
      default -> throw new IllegalStateException(method + " trains with selection");
    }
    SplittableRandom shuffle = Rngs.of(seed, t, Purpose.TRAIN_SHUFFLE);
    sgd.startPhase(tr.lr(), tr.momentum(), trainableMask);
    for (int e = 0; e < tr.epochs(); e++) {
      runEpoch(t, Phase.TRAIN, e, tr.epochs(), tr.lr(), NaN, data, head, bank, shuffle, null);
    }
  }

  /**
   * The fixed reuse counters of a baseline: above every bound where it uses all earlier weights
   * (packnet, finetune), 0 where it uses none (independent).
   */
  private short[][] counters(boolean everyEarlier) {
    int[] sizes = net.convSizes();
    short[][] c = new short[sizes.length][];
    for (int l = 0; l < sizes.length; l++) {
      c[l] = new short[sizes[l]];
      if (everyEarlier) {
        Arrays.fill(c[l], Short.MAX_VALUE);
      }
    }
    return c;
  }

  /**
   * The fix {@code h2.fixes.bn-recalibration}: after retraining, the task's BN running statistics
   * are re-estimated in one pass over its training images (not augmented), as the average of the
   * batches' means and unbiased variances (PyTorch's momentum = None), with the task's active set;
   * no weight, gamma or beta changes. Pruning leaves the statistics of the unpruned network
   * otherwise.
   */
  private void recalibrateBatchNorm(int t, TaskData data, Head head, BnBank bank) {
    activate(activeSet(t));
    net.use(head, bank);
    List<BatchNormLayer> bns = net.batchNorms();
    INDArray[] mean = new INDArray[bns.size()];
    INDArray[] var = new INDArray[bns.size()];
    for (int i = 0; i < bns.size(); i++) {
      mean[i] = Nd4j.zeros(net.dataType, bns.get(i).channels);
      var[i] = Nd4j.zeros(net.dataType, bns.get(i).channels);
    }
    EvalBatches batches = new EvalBatches(data.train(), settings.train().batchSize());
    int n = 0;
    while (batches.next(batch)) {
      // From running statistics of 0 a training-mode pass leaves m·mean and m·unbiased variance of
      // the batch (m = the BN momentum): the backends' own arithmetic, read back.
      for (int i = 0; i < bns.size(); i++) {
        bank.runningMean[i].assign(0);
        bank.runningVar[i].assign(0);
      }
      net.forward(inputs.of(batch), true);
      for (int i = 0; i < bns.size(); i++) {
        mean[i].addi(bank.runningMean[i].div(BatchNormLayer.MOMENTUM));
        var[i].addi(bank.runningVar[i].div(BatchNormLayer.MOMENTUM));
      }
      n++;
    }
    for (int i = 0; i < bns.size(); i++) {
      bank.runningMean[i].assign(mean[i].divi(n));
      bank.runningVar[i].assign(var[i].divi(n));
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
    activate(ownership.nonFreeMask());
    allowTraining(ownership.trainableMask(t));

    EarlierTaskWeights earlier = new EarlierTaskWeights(weights(), ownership.owners(), t);
    INDArray[] grads = convGradients();
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
      runEpoch(
          t,
          Phase.ASSOCIATE,
          e,
          as.epochs(),
          as.lr(),
          NaN,
          data,
          scratchHead,
          scratchBank,
          shuffle,
          hook);
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
    allowTraining(ownership.trainableMask(t));
    SplittableRandom shuffle = Rngs.of(seed, t, Purpose.TRAIN_SHUFFLE);
    SplittableRandom fisherOrder = Rngs.of(seed, t, Purpose.FISHER_ORDER);
    sgd.startPhase(tr.lr(), tr.momentum(), trainableMask);
    for (int e = 0; e < tr.epochs(); e++) {
      if (e < s) {
        float[][] fisher = estimateFisher(data, head, bank, fisherOrder);
        double std = ReuseSelection.fisherStd(fisher);
        ReuseSelection.count(fisher, ownership.owners(), t, pi, reuse.threshold(), std, counters);
      }
      float[][] mask =
          ownership.selectionEpochMask(
              t, counters, e, s, reuse.counterDivisor(), reuse.switchOffAtS());
      activate(mask);
      double off = switchedOff(t, mask);
      runEpoch(t, Phase.TRAIN, e, tr.epochs(), tr.lr(), off, data, head, bank, shuffle, null);
    }
    return counters;
  }

  /**
   * §5.3's Fisher estimate ({@link FisherInformation}): BN in inference mode, every non-free weight
   * active, single raw images (scaled to [0,1], not augmented, not normalised — the reference swaps
   * its transform out).
   */
  private float[][] estimateFisher(TaskData data, Head head, BnBank bank, SplittableRandom order) {
    activate(ownership.nonFreeMask());
    net.use(head, bank);
    int n = Math.min(settings.reuse().fisherSamples(), data.train().size());
    Batch one = new Batch(1);
    return FisherInformation.estimate(
        FisherSamples.draw(data.train().size(), n, order),
        index -> {
          FisherSamples.fill(data.train(), index, one);
          INDArray z = net.forward(inputs.of(one), false);
          INDArray gradLogits = inputs.gradLogits(1, z);
          SoftmaxCrossEntropy.lossAndGradient(z, one.y, gradLogits);
          net.backward(gradLogits);
        },
        convGradients());
  }

  /**
   * Earlier tasks' weights that {@code mask} leaves out, over all maskable weights: what selection
   * switched off in this epoch (the history's {@code switched_off}).
   */
  private double switchedOff(int t, float[][] mask) {
    byte[][] owners = ownership.owners();
    long off = 0;
    long all = 0;
    for (int l = 0; l < owners.length; l++) {
      for (int i = 0; i < owners[l].length; i++) {
        if (owners[l][i] > 0 && owners[l][i] < t && mask[l][i] == 0f) {
          off++;
        }
      }
      all += owners[l].length;
    }
    return (double) off / all;
  }

  private float[][] convWeightValues() {
    List<ConvLayer> convs = net.convs();
    float[][] w = new float[convs.size()][];
    for (int l = 0; l < w.length; l++) {
      w[l] = convs.get(l).weight.data().asFloat();
    }
    return w;
  }

  /** §4.3: free the smallest 75 % of task t's weights in every layer; freed weights become 0. */
  private void prune(int t) {
    List<ConvLayer> convs = net.convs();
    float[][] w = convWeightValues();
    ownership.prune(t, w, settings.prune().ratio());
    for (int l = 0; l < w.length; l++) {
      INDArray weight = convs.get(l).weight;
      weight.assign(Nd4j.createFromArray(w[l]).reshape(weight.shape()));
    }
  }

  /** §4.4 / §5.5: fine-tune what survived pruning, with task t's active set of §3. */
  private void retrain(int t, TaskData data, Head head, BnBank bank) {
    H2Settings.RetrainSettings rt = settings.retrain();
    activate(ownership.activeMask(t));
    allowTraining(ownership.trainableMask(t));
    SplittableRandom shuffle = Rngs.of(seed, t, Purpose.RETRAIN_SHUFFLE);
    sgd.startPhase(rt.lr(), settings.train().momentum(), trainableMask);
    for (int e = 0; e < rt.epochs(); e++) {
      runEpoch(t, Phase.RETRAIN, e, rt.epochs(), rt.lr(), NaN, data, head, bank, shuffle, null);
    }
  }

  /**
   * Test accuracy (percent) of task k with its own head, BN bank and active set; BN in inference
   * mode.
   */
  private double evaluate(int k) {
    activate(activeSet(k));
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

  /** Task k's active set: every weight for finetune, §3's otherwise. */
  private float[][] activeSet(int k) {
    return method == Method.FINETUNE ? everyWeight() : ownership.activeMask(k);
  }

  private float[][] everyWeight() {
    int[] sizes = net.convSizes();
    float[][] m = new float[sizes.length][];
    for (int l = 0; l < sizes.length; l++) {
      m[l] = new float[sizes[l]];
      Arrays.fill(m[l], 1f);
    }
    return m;
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
      double lr,
      double switchedOff,
      TaskData data,
      Head head,
      BnBank bank,
      SplittableRandom shuffle,
      StepHook hook) {
    if (epoch == 0) {
      listener.phaseStarted(new PhaseStart(seed, t, phase, epochs));
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
    double accuracy = 100.0 * correct / seen;
    double seconds = (System.nanoTime() - start) / 1e9;
    history.add(
        new EpochRecord(
            t,
            phase.name().toLowerCase(Locale.ROOT),
            epoch,
            loss,
            accuracy,
            lr,
            seconds,
            switchedOff));
    listener.epochEnded(new EpochEnd(seed, t, phase, epoch, epochs, loss, accuracy, seconds));
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

  /**
   * independent: task t's weights (the free ones it took) restart from PyTorch's default conv init,
   * as task 1's did; all others keep their values.
   */
  private void initialiseOwnWeights(int t, SplittableRandom rng) {
    float[][] own = ownership.trainableMask(t);
    List<ConvLayer> convs = net.convs();
    for (int l = 0; l < convs.size(); l++) {
      ConvLayer c = convs.get(l);
      INDArray mask = Nd4j.createFromArray(own[l]).reshape(c.weight.shape());
      INDArray fresh =
          Init.uniform(rng, c.size(), 1.0 / Math.sqrt(c.fanIn())).reshape(c.weight.shape());
      c.weight.muli(mask.rsub(1)).addi(fresh.muli(mask));
    }
    net.refreshWeights();
  }

  private INDArray[] weights() {
    return net.convs().stream().map(c -> c.weight).toArray(INDArray[]::new);
  }

  private INDArray[] convGradients() {
    return net.convs().stream().map(c -> c.grad).toArray(INDArray[]::new);
  }

  private INDArray[] copyWeights() {
    return net.convs().stream().map(c -> c.weight.dup()).toArray(INDArray[]::new);
  }

  private void restoreWeights(INDArray[] saved) {
    List<ConvLayer> convs = net.convs();
    for (int l = 0; l < saved.length; l++) {
      convs.get(l).weight.assign(saved[l]);
    }
    net.refreshWeights();
  }

  /** The weights that count in the forward passes from now on (§3's active sets). */
  private void activate(float[][] masks) {
    fill(activeMask, masks);
    net.setActiveMasks(activeMask);
  }

  /** The conv weights the optimizer may move in the next phase (the others keep their values). */
  private void allowTraining(float[][] masks) {
    fill(trainableMask, masks);
  }

  private static void fill(INDArray[] target, float[][] masks) {
    for (int l = 0; l < target.length; l++) {
      target[l].assign(Nd4j.createFromArray(masks[l]).reshape(target[l].shape()));
    }
  }
}
