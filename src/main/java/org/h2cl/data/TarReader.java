package org.h2cl.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the entries of a tar stream (ustar, with GNU long names and PAX paths), just enough to
 * unpack the CIFAR-10 archive without a dependency.
 */
final class TarReader {

  private static final int BLOCK = 512;

  private final InputStream in;
  private final byte[] header = new byte[BLOCK];
  private long position;

  /** Bytes of the current entry not yet consumed, and the padding after them. */
  private long remaining;

  private long padding;

  /** A member of the archive; its content is read through {@link #content()}. */
  record Entry(String name, long size, boolean isFile) {}

  TarReader(InputStream in) {
    this.in = in;
  }

  /** The next entry, or null at the end of the archive. Skips what is left of the previous one. */
  Entry next() throws IOException {
    String longName = null;
    while (true) {
      skip(remaining + padding);
      remaining = 0;
      padding = 0;
      long at = position;
      if (!readBlock()) {
        return null;
      }
      if (isZero(header)) {
        return null;
      }
      checkChecksum(at);
      long size = size(at);
      char type = (char) header[156];
      String name = longName != null ? longName : name();
      longName = null;
      remaining = size;
      padding = (BLOCK - size % BLOCK) % BLOCK;
      if (type == 'L') {
        longName = trimNul(readAll(size));
      } else if (type == 'x') {
        String path = paxPath(readAll(size));
        longName = path; // null when the PAX header does not set it
      } else if (type == 'g') {
        continue; // global PAX header: nothing we need
      } else {
        return new Entry(name, size, type == '0' || type == 0);
      }
    }
  }

  /** The content of the entry last returned by {@link #next()}; ends with the entry. */
  InputStream content() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (remaining == 0) {
          return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
          throw new IOException("tar stream ends inside an entry at byte " + position);
        }
        remaining -= n;
        position += n;
        return n;
      }
    };
  }

  private boolean readBlock() throws IOException {
    int read = in.readNBytes(header, 0, BLOCK);
    position += read;
    if (read == 0) {
      return false;
    }
    if (read < BLOCK) {
      throw new IOException("tar stream ends inside a header at byte " + position);
    }
    return true;
  }

  private byte[] readAll(long size) throws IOException {
    if (size > 1 << 20) {
      throw new IOException("tar extended header of " + size + " bytes at byte " + position);
    }
    byte[] data = in.readNBytes((int) size);
    if (data.length < size) {
      throw new IOException("tar stream ends inside an entry at byte " + position);
    }
    position += size;
    remaining = 0;
    return data;
  }

  private void skip(long n) throws IOException {
    long left = n;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new IOException("tar stream ends inside an entry at byte " + position);
        }
        skipped = 1;
      }
      left -= skipped;
      position += skipped;
    }
  }

  private String name() {
    String name = field(0, 100);
    boolean ustar = new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
    String prefix = ustar ? field(345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  private long size(long at) throws IOException {
    if ((header[124] & 0x80) != 0) {
      // GNU base-256: big-endian binary in the remaining bytes of the field.
      long size = 0;
      for (int i = 125; i < 136; i++) {
        size = (size << 8) | (header[i] & 0xff);
      }
      return size;
    }
    return octal(124, 12, at, "size");
  }

  private void checkChecksum(long at) throws IOException {
    long expected = octal(148, 8, at, "checksum");
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
    }
    if (sum != expected) {
      throw new IOException("bad tar header checksum at byte " + at + " (not a tar archive?)");
    }
  }

  private long octal(int offset, int length, long at, String what) throws IOException {
    String text = field(offset, length).trim();
    try {
      return text.isEmpty() ? 0 : Long.parseLong(text, 8);
    } catch (NumberFormatException e) {
      throw new IOException(
          "bad tar " + what + " field \"" + text + "\" at byte " + at + " (not a tar archive?)");
    }
  }

  private String field(int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static String trimNul(byte[] data) {
    int end = 0;
    while (end < data.length && data[end] != 0) {
      end++;
    }
    return new String(data, 0, end, StandardCharsets.UTF_8);
  }

  /** The "path" record of a PAX header ("len path=value\n" records), or null. */
  private static String paxPath(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    for (String line : text.split("\n")) {
      int space = line.indexOf(' ');
      if (space > 0 && line.startsWith("path=", space + 1)) {
        return line.substring(space + 1 + "path=".length());
      }
    }
    return null;
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
