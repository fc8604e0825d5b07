package org.h2cl.h2;

import java.io.Serializable;

/**
 * One epoch of one phase, kept for the {@code history} table: the learning curve after the run.
 *
 * @param task 1-based task
 * @param phase the phase's name in lower case: associate, train, retrain
 * @param epoch 0-based epoch of the phase
 * @param loss mean training loss of the epoch
 * @param trainAccuracy training accuracy of the epoch in percent
 * @param lr the weights' learning rate in the epoch
 * @param seconds wall time of the epoch
 * @param switchedOff during training with selection (§5.3): earlier tasks' weights switched off in
 *     the epoch, as a fraction of all maskable weights; NaN in every other epoch
 */
public record EpochRecord(
    int task,
    String phase,
    int epoch,
    double loss,
    double trainAccuracy,
    double lr,
    double seconds,
    double switchedOff)
    implements Serializable {}
