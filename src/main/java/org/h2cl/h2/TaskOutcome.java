package org.h2cl.h2;

import java.io.Serializable;

/**
 * What one task of one seed produced, measured right after it trained.
 *
 * @param task 1-based task number
 * @param accAfterTask test accuracy in percent, measured right after the task finished
 * @param ownedFraction fraction of all maskable weights the task owns after pruning
 * @param reusedFraction fraction of all maskable weights owned by earlier tasks that this task
 *     reuses
 * @param association pi, the task-association probabilities over earlier tasks after the Gumbel
 *     draw ([1.0] for task 2, empty for task 1)
 * @param associationLogits the raw p that pi was drawn from
 * @param trainSeconds wall time of the whole task (association, training, pruning, retraining,
 *     evaluation)
 */
public record TaskOutcome(
    int task,
    double accAfterTask,
    double ownedFraction,
    double reusedFraction,
    double[] association,
    double[] associationLogits,
    double trainSeconds)
    implements Serializable {}
