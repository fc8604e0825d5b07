package org.h2cl.config;

import java.util.List;

/** The configuration is invalid; carries every problem found, not just the first. */
public final class SettingsException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  /**
   * @param problems one line per problem, each naming the key, the bad value and what is allowed
   */
  public SettingsException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, one line each, in the order they were found. */
  public List<String> problems() {
    return problems;
  }
}
