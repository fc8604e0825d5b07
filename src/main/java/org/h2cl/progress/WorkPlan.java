package org.h2cl.progress;

import java.io.Serializable;
import org.h2cl.config.H2Settings;
import org.h2cl.config.Method;
import org.h2cl.h2.Phase;

/**
 * The epochs one seed trains, in order, and where a given epoch lies among them: the yardstick of
 * the time-left estimate. Task 1 trains and retrains; every later task also runs the association
 * phase first. Every epoch passes once over the task's training images, so all epochs count alike.
 *
 * <p>Fisher estimation, pruning, evaluation and checkpoints have no epochs of their own: their time
 * falls between two epochs and so into the measured seconds per epoch (see {@link EpochRate}).
 * Fisher runs before each of the first S training epochs of tasks ≥ 2 on {@code
 * h2.reuse.fisher-samples} single images, a few percent of an epoch on the paper's settings.
 *
 * @param tasks number of tasks (T)
 * @param associationEpochs epochs of the association phase (tasks ≥ 2)
 * @param trainEpochs training epochs per task (E)
 * @param retrainEpochs retraining epochs per task
 */
public record WorkPlan(int tasks, int associationEpochs, int trainEpochs, int retrainEpochs)
    implements Serializable {

  /** The plan of a seed trained with {@code settings} (of one method; H²'s plan otherwise). */
  public static WorkPlan of(H2Settings settings) {
    Method method = settings.methods().size() == 1 ? settings.method() : Method.H2;
    return new WorkPlan(
        settings.data().tasks(),
        method.associates() ? settings.association().epochs() : 0,
        settings.train().epochs(),
        method.prunes() ? settings.retrain().epochs() : 0);
  }

  /** Epochs of task {@code t} (1-based). */
  public int epochsOfTask(int t) {
    return (t >= 2 ? associationEpochs : 0) + trainEpochs + retrainEpochs;
  }

  /** Epochs of tasks 1 … t − 1, i.e. the position at which task {@code t} starts. */
  public int epochsBefore(int t) {
    int n = 0;
    for (int k = 1; k < t && k <= tasks; k++) {
      n += epochsOfTask(k);
    }
    return n;
  }

  /** Epochs of every task. */
  public int total() {
    return epochsBefore(tasks + 1);
  }

  /**
   * How many epochs of the seed are behind it when {@code done} epochs of {@code phase} in task
   * {@code t} have ended. PRUNE sits after training, EVALUATE at the end of the task.
   */
  public int position(int t, Phase phase, int done) {
    int association = t >= 2 ? associationEpochs : 0;
    int offset =
        switch (phase) {
          case ASSOCIATE -> 0;
          case TRAIN -> association;
          case PRUNE, RETRAIN -> association + trainEpochs;
          case EVALUATE -> epochsOfTask(t);
        };
    return epochsBefore(t) + offset + done;
  }
}
