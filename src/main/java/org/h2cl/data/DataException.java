package org.h2cl.data;

/**
 * The dataset cannot be used: a folder or file is missing, unreachable or malformed, or a download
 * failed. The message names the URI, what was expected and, for a bad record, where it is.
 */
public final class DataException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
