package org.h2cl.storage;

/**
 * An output or checkpoint folder cannot take this run: a file in its place, another run's lock,
 * files the job did not write, too little space, no write access or no atomic rename.
 */
public final class StorageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
