package org.h2cl.h2;

import java.io.Serializable;

/**
 * A task's outcome with its accuracy measured again after the seed's last task (docs/ALGORITHM.md
 * §6).
 *
 * @param accFinal test accuracy in percent after the last task, equal to {@code
 *     outcome.accAfterTask()} (zero forgetting; the trainer stops the seed otherwise)
 */
public record TaskResult(TaskOutcome outcome, double accFinal) implements Serializable {
  /** The outcome's 1-based task number. */
  public int task() {
    return outcome.task();
  }
}
