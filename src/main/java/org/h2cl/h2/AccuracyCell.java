package org.h2cl.h2;

import java.io.Serializable;

/** Accuracy (percent) on {@code task}, evaluated after {@code afterTask} finished; both 1-based. */
public record AccuracyCell(int afterTask, int task, double accuracy) implements Serializable {}
